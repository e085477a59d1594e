import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import type * as Asn1js from 'asn1js';
import type * as Pkijs from 'pkijs';

type EngineCrypto = ConstructorParameters<typeof Pkijs.CryptoEngine>[0]['crypto'];

/** Loaded on first use: a start that finds its .p12 files current never pays for importing pkijs. */
let libraries: Promise<{ pkijs: typeof Pkijs; asn1js: typeof Asn1js }> | undefined;
function load(): Promise<{ pkijs: typeof Pkijs; asn1js: typeof Asn1js }> {
  libraries ??= Promise.all([import('pkijs'), import('asn1js')]).then(([pkijs, asn1js]) => {
    pkijs.setEngine('node-webcrypto', new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto as unknown as EngineCrypto }));
    return { pkijs, asn1js };
  });
  return libraries;
}

const OID = {
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  friendlyName: '1.2.840.113549.1.9.20',
} as const;

const ITERATIONS = 2048;
const FRIENDLY_NAME = 'axys-mock client';

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/** The DER of the first certificate in a PEM text. */
export function certificateDer(pem: string): Buffer {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (match?.[1] === undefined) throw new Error('No PEM certificate found');
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

function bagAttributes(pkijs: typeof Pkijs, asn1js: typeof Asn1js, localKeyId: Buffer, named: boolean): Pkijs.Attribute[] {
  const attributes = [
    new pkijs.Attribute({ type: OID.localKeyId, values: [new asn1js.OctetString({ valueHex: toArrayBuffer(localKeyId) })] }),
  ];
  if (named) attributes.push(new pkijs.Attribute({ type: OID.friendlyName, values: [new asn1js.BmpString({ value: FRIENDLY_NAME })] }));
  return attributes;
}

function certBag(pkijs: typeof Pkijs, der: Buffer, attributes?: Pkijs.Attribute[]): Pkijs.SafeBag {
  const parsedValue = pkijs.Certificate.fromBER(toArrayBuffer(der));
  return new pkijs.SafeBag({
    bagId: OID.certBag,
    bagValue: new pkijs.CertBag({ parsedValue }),
    ...(attributes === undefined ? {} : { bagAttributes: attributes }),
  });
}

/**
 * PKCS#12 with an EMPTY password, built with pkijs (the PKI library selfsigned already brings;
 * node-forge cannot hold EC keys): the private key as a PKCS#8 shrouded key bag (PBES2:
 * PBKDF2-HMAC-SHA256 + AES-256-CBC), the leaf and CA certificates in a plain certificate bag set,
 * an HMAC-SHA256 integrity MAC. Key and leaf share a localKeyId, so Java's KeyStore sees ONE
 * PrivateKeyEntry with its chain; OpenSSL (`openssl pkcs12 -passin pass:`, curl, Node `pfx`) reads it too.
 * Salts are random; the certificate store recognises a current file by the leaf DER it contains.
 */
export async function toPkcs12(certPem: string, keyPem: string, caPem: string): Promise<Buffer> {
  const leafDer = certificateDer(certPem);
  const caDer = certificateDer(caPem);
  const keyDer = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  const localKeyId = createHash('sha1').update(leafDer).digest();
  const { pkijs, asn1js } = await load();
  const password = new ArrayBuffer(0);

  const keyBag = new pkijs.PKCS8ShroudedKeyBag({ parsedValue: pkijs.PrivateKeyInfo.fromBER(toArrayBuffer(keyDer)) });
  const pfx = new pkijs.PFX({
    parsedValue: {
      integrityMode: 0,
      authenticatedSafe: new pkijs.AuthenticatedSafe({
        parsedValue: {
          safeContents: [
            {
              privacyMode: 0,
              value: new pkijs.SafeContents({
                safeBags: [
                  new pkijs.SafeBag({ bagId: OID.shroudedKeyBag, bagValue: keyBag, bagAttributes: bagAttributes(pkijs, asn1js, localKeyId, true) }),
                ],
              }),
            },
            {
              privacyMode: 0,
              value: new pkijs.SafeContents({ safeBags: [certBag(pkijs, leafDer, bagAttributes(pkijs, asn1js, localKeyId, true)), certBag(pkijs, caDer)] }),
            },
          ],
        },
      }),
    },
  });
  await keyBag.makeInternalValues({
    password,
    contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 } as Parameters<Pkijs.PKCS8ShroudedKeyBag['makeInternalValues']>[0]['contentEncryptionAlgorithm'],
    hmacHashAlgorithm: 'SHA-256',
    iterationCount: ITERATIONS,
  });
  await pfx.parsedValue!.authenticatedSafe!.makeInternalValues({ safeContents: [{}, {}] });
  await pfx.makeInternalValues({
    password,
    iterations: ITERATIONS,
    pbkdf2HashAlgorithm: 'SHA-256',
    hmacHashAlgorithm: 'SHA-256',
  });
  return Buffer.from(pfx.toSchema().toBER(false));
}

/** The .p12 was built for this leaf certificate (certificate bags are not encrypted, so its DER is in the file). */
export function pkcs12HoldsCertificate(p12: Buffer, certPem: string): boolean {
  return p12.includes(certificateDer(certPem));
}
