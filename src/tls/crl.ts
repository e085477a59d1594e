import * as x509 from '@peculiar/x509';
import type { PemPair } from './types.js';
import { canonicalSerial } from './serial.js';
import { importSigningKey } from './keys.js';
import { integer } from './der.js';

const CRL_NUMBER_OID = '2.5.29.20';
let lastCrlNumber = 0;

/**
 * A CRL signed by the CA key listing `revokedSerials` (any serial form; canonicalised).
 * nextUpdate is the CA's notAfter: the mock re-issues the CRL on each revocation and OpenSSL
 * would reject every client once a CRL passed its nextUpdate (X509_V_ERR_CRL_HAS_EXPIRED).
 */
export async function createCrl(ca: PemPair, revokedSerials: Iterable<string>): Promise<string> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const signer = await importSigningKey(ca.keyPem);
  const now = new Date();
  lastCrlNumber = Math.max(lastCrlNumber + 1, Math.floor(now.getTime() / 1000));
  const serials = [...new Set([...revokedSerials].map(canonicalSerial))];
  const crl = await x509.X509CrlGenerator.create({
    issuer: caCert.subjectName,
    thisUpdate: new Date(now.getTime() - 60_000),
    nextUpdate: caCert.notAfter,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
      new x509.Extension(CRL_NUMBER_OID, false, integer(lastCrlNumber)),
    ],
    entries: serials.map((serialNumber) => ({
      serialNumber,
      revocationDate: now,
      reason: x509.X509CrlReason.unspecified,
    })),
  });
  return x509.PemConverter.encode(crl.rawData, 'X509 CRL') + '\n';
}
