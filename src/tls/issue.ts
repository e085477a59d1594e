import { isIp } from '../net/ip.js';
import { createPrivateKey, randomBytes } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import type { ClientIdentity, IssuedCertificate, PemPair } from './types.js';
import { canonicalSerial, randomSerial } from './serial.js';
import {
  generateEcKeyPair,
  importSigningKey,
  privateKeyToPem,
  tlsStats,
  type CryptoKey,
} from './keys.js';
import { loadX509 } from './x509.js';

const DAY_MS = 86_400_000;
/** Backdate default notBefore a little so a slightly skewed peer clock does not reject a fresh cert. */
const CLOCK_SKEW_MS = 5 * 60_000;

type GeneralName = { type: 'dns' | 'ip'; value: string };
type JsonName = Array<Record<string, string[]>>;
type PublicKeyInput = CryptoKey | X509.PublicKey;

function sanNames(names: string[]): GeneralName[] {
  const seen = new Set<string>();
  const out: GeneralName[] = [];
  for (const raw of names) {
    const value = raw.trim();
    if (value === '' || seen.has(value.toLowerCase())) continue;
    seen.add(value.toLowerCase());
    out.push({ type: isIp(value) ? 'ip' : 'dns', value });
  }
  return out;
}

function toIssued(cert: X509.X509Certificate, keyPem?: string): IssuedCertificate {
  const issued: IssuedCertificate = {
    serial: canonicalSerial(cert.serialNumber),
    certPem: cert.toString('pem') + '\n',
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
  };
  if (keyPem !== undefined) issued.keyPem = keyPem;
  return issued;
}

interface LeafParams {
  ca: PemPair;
  subject: string | JsonName;
  publicKey: PublicKeyInput;
  san: GeneralName[];
  usage: X509.ExtendedKeyUsage;
  notBefore: Date;
  notAfter: Date;
  rsaKey: boolean;
}

async function signLeaf(p: LeafParams): Promise<X509.X509Certificate> {
  const x509 = await loadX509();
  const caCert = new x509.X509Certificate(p.ca.certPem);
  const signer = await importSigningKey(p.ca.keyPem);
  const keyUsage = p.rsaKey
    ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
    : x509.KeyUsageFlags.digitalSignature;
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(keyUsage, true),
    new x509.ExtendedKeyUsageExtension([p.usage]),
    await x509.SubjectKeyIdentifierExtension.create(p.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ];
  if (p.san.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(p.san));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: p.subject,
    issuer: caCert.subjectName,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    publicKey: p.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions,
  });
  tlsStats.certificatesIssued += 1;
  return cert;
}

/** Loaded on first use: a start with current certificates on disk never imports it. */
const selfsigned = async () => (await import('selfsigned')).default;

/** selfsigned's options for EC P-256 / ECDSA-SHA256 (its default is RSA with SHA-1). */
const EC_SHA256 = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const;

/**
 * A self-signed EC P-256 CA, made by `selfsigned`. The CN gets a random suffix (`<commonName> <hex>`)
 * because OpenSSL matches issuers by name: two CAs sharing a CN turn "unknown CA" into a signature failure.
 */
export async function createCertificateAuthority(
  commonName = 'axys-mock CA',
  validDays = 3650,
): Promise<PemPair> {
  const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
  const pems = await (await selfsigned()).generate(
    [
      { name: 'commonName', value: `${commonName} ${randomBytes(6).toString('hex')}` },
      { name: 'organizationName', value: 'axys-mock' },
    ],
    {
      ...EC_SHA256,
      notBeforeDate: notBefore,
      notAfterDate: new Date(notBefore.getTime() + validDays * DAY_MS),
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    },
  );
  tlsStats.keysGenerated += 1;
  tlsStats.certificatesIssued += 1;
  return { certPem: pems.cert.replace(/\r\n/g, '\n').trimEnd() + '\n', keyPem: pems.private };
}

const isEcP256 = (keyPem: string): boolean => {
  const key = createPrivateKey(keyPem);
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
};

/**
 * Server certificate (serverAuth) for localhost, 127.0.0.1, ::1 plus `names` (DNS names or IPs),
 * made by `selfsigned` signing with the CA (a hand-provided CA that is not EC P-256 is signed with @peculiar/x509).
 */
export async function createServerCertificate(
  ca: PemPair,
  names: string[] = [],
  validDays = 825,
): Promise<PemPair> {
  const san = sanNames([...SERVER_DEFAULT_NAMES, ...names]);
  const cn = san.find((n) => n.type === 'dns')?.value ?? 'localhost';
  const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
  const notAfter = new Date(notBefore.getTime() + validDays * DAY_MS);
  if (!isEcP256(ca.keyPem)) {
    const x509 = await loadX509();
    const keys = await generateEcKeyPair();
    const cert = await signLeaf({
      ca, subject: [{ CN: [cn] }, { O: ['axys-mock'] }], publicKey: keys.publicKey, san,
      usage: x509.ExtendedKeyUsage.serverAuth, notBefore, notAfter, rsaKey: false,
    });
    return { certPem: cert.toString('pem') + '\n', keyPem: await privateKeyToPem(keys.privateKey) };
  }
  const pems = await (await selfsigned()).generate(
    [
      { name: 'commonName', value: cn },
      { name: 'organizationName', value: 'axys-mock' },
    ],
    {
      ...EC_SHA256,
      ca: { cert: ca.certPem, key: ca.keyPem },
      notBeforeDate: notBefore,
      notAfterDate: notAfter,
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: san.map((n) => (n.type === 'ip' ? { type: 7, ip: n.value } : { type: 2, value: n.value })) },
      ],
    },
  );
  tlsStats.keysGenerated += 1;
  tlsStats.certificatesIssued += 1;
  return { certPem: pems.cert.replace(/\r\n/g, '\n').trimEnd() + '\n', keyPem: pems.private };
}

export const SERVER_DEFAULT_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

export interface IssueOptions {
  /** Validity in days from notBefore (default 90). */
  validDays?: number;
  /** Default: now minus 5 minutes. A date far in the past yields an already expired certificate. */
  notBefore?: Date;
  /** Sign this PKCS#10 request's public key (RSA or EC) instead of generating a key pair. */
  csrPem?: string;
}

function identitySubject(identity: ClientIdentity): JsonName {
  const cn = identity.domains[0];
  if (cn === undefined) throw new Error('ClientIdentity.domains must not be empty');
  return [{ O: [identity.tenantName] }, { OU: [identity.programName] }, { CN: [cn] }];
}

/**
 * Issues a client certificate (extendedKeyUsage clientAuth) from `ca`.
 *
 * Without a CSR: a new EC P-256 key; subject from `identity`, SAN DNS = identity.domains.
 *
 * With `csrPem` (the partner ran `openssl genrsa 2048` + `openssl req`, or an EC equivalent):
 * the CSR signature is verified and its public key signed; no keyPem is returned. Like the
 * platform, the mock signs what the CSR asks for: the CSR subject is used when it is non-empty,
 * and the CSR's requested DNS/IP SANs (extensionRequest) when it has any. Each falls back to
 * `identity` (subject O/OU/CN, SAN = identity.domains) when the CSR does not carry it.
 */
export async function issueClientCertificate(
  ca: PemPair,
  identity: ClientIdentity,
  options: IssueOptions = {},
): Promise<IssuedCertificate> {
  const validDays = options.validDays ?? 90;
  const notBefore = options.notBefore ?? new Date(Date.now() - CLOCK_SKEW_MS);
  const notAfter = new Date(notBefore.getTime() + validDays * DAY_MS);
  const x509 = await loadX509();

  if (options.csrPem !== undefined) {
    const csr = new x509.Pkcs10CertificateRequest(options.csrPem);
    if (!(await csr.verify())) throw new Error('CSR signature is invalid');
    const requested = csr.getExtension('2.5.29.17');
    const san = requested === null ? null : new x509.SubjectAlternativeNameExtension(requested.rawData);
    const csrNames = (san?.names.items ?? [])
      .filter((n) => n.type === 'dns' || n.type === 'ip')
      .map((n) => n.value);
    const csrSubject = csr.subject.trim();
    const cert = await signLeaf({
      ca,
      subject: csrSubject !== '' ? csrSubject : identitySubject(identity),
      publicKey: csr.publicKey,
      san: sanNames(csrNames.length > 0 ? csrNames : identity.domains),
      usage: x509.ExtendedKeyUsage.clientAuth,
      notBefore,
      notAfter,
      rsaKey: csr.publicKey.algorithm.name.startsWith('RSA'),
    });
    return toIssued(cert);
  }

  const keys = await generateEcKeyPair();
  const cert = await signLeaf({
    ca,
    subject: identitySubject(identity),
    publicKey: keys.publicKey,
    san: sanNames(identity.domains),
    usage: x509.ExtendedKeyUsage.clientAuth,
    notBefore,
    notAfter,
    rsaKey: false,
  });
  return toIssued(cert, await privateKeyToPem(keys.privateKey));
}
