import { createPrivateKey, webcrypto } from 'node:crypto';
import { loadX509 } from './x509.js';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
export type SignatureAlgorithm = webcrypto.Algorithm | webcrypto.EcdsaParams | webcrypto.RsaHashedImportParams;

export const subtle = webcrypto.subtle;

/** Counters observable by tests and diagnostics (e.g. "a reload generated no key"). */
export const tlsStats = { keysGenerated: 0, certificatesIssued: 0 };

export function getTlsStats(): Readonly<typeof tlsStats> {
  return { ...tlsStats };
}

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A fresh EC P-256 key pair (extractable, sign/verify). */
export async function generateEcKeyPair(): Promise<CryptoKeyPair> {
  tlsStats.keysGenerated += 1;
  return subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  const x509 = await loadX509();
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

export interface SigningKey {
  key: CryptoKey;
  algorithm: SignatureAlgorithm;
}

/**
 * Imports a PEM private key (PKCS#8, SEC1 or PKCS#1) for signing certificates/CRLs.
 * EC keys sign ECDSA-SHA256, RSA keys RSASSA-PKCS1-v1_5-SHA256 (the mock only creates EC CAs,
 * RSA is accepted so a hand-provided CA still works).
 */
export async function importSigningKey(keyPem: string): Promise<SigningKey> {
  const keyObject = createPrivateKey(keyPem);
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const type = keyObject.asymmetricKeyType;
  if (type === 'ec') {
    const curve = keyObject.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : 'P-256';
    const key = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve }, false, ['sign']);
    return { key, algorithm: { name: 'ECDSA', hash: 'SHA-256' } };
  }
  if (type === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
    return { key, algorithm };
  }
  throw new Error(`Unsupported CA key type: ${String(type)}`);
}
