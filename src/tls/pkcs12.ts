import { createHash, createHmac, createPrivateKey } from 'node:crypto';
import { explicit, integer, nullValue, octetString, oid, sequence, set } from './der.js';

const OID = {
  data: '1.2.840.113549.1.7.1',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  friendlyName: '1.2.840.113549.1.9.20',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

const MAC_ITERATIONS = 2048;

function pemToDer(pem: string): Buffer {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (match?.[1] === undefined) throw new Error('No PEM certificate found');
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

function bmpString(text: string): Buffer {
  const out = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i += 1) out.writeUInt16BE(text.charCodeAt(i), i * 2);
  return Buffer.concat([Buffer.from([0x1e]), Buffer.from([out.length]), out]);
}

/** RFC 7292 appendix B.2 key derivation (SHA-256: u = 32, v = 64). */
function pkcs12Kdf(password: Buffer, salt: Buffer, id: number, iterations: number, length: number): Buffer {
  const u = 32;
  const v = 64;
  const fill = (src: Buffer): Buffer => {
    if (src.length === 0) return Buffer.alloc(0);
    const out = Buffer.alloc(v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i += 1) out[i] = src[i % src.length]!;
    return out;
  };
  const d = Buffer.alloc(v, id);
  const i = Buffer.concat([fill(salt), fill(password)]);
  const blocks: Buffer[] = [];
  for (let produced = 0; produced < length; produced += u) {
    let a = createHash('sha256').update(d).update(i).digest();
    for (let r = 1; r < iterations; r += 1) a = createHash('sha256').update(a).digest();
    blocks.push(a);
    const b = fill(a);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k -= 1) {
        const sum = i[j + k]! + b[k]! + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function dataContentInfo(content: Buffer): Buffer {
  return sequence(oid(OID.data), explicit(0, octetString(content)));
}

function attribute(type: string, value: Buffer): Buffer {
  return sequence(oid(type), set(value));
}

function certBag(der: Buffer, attributes: Buffer[]): Buffer {
  const value = sequence(oid(OID.x509Certificate), explicit(0, octetString(der)));
  const parts = [oid(OID.certBag), explicit(0, value)];
  if (attributes.length > 0) parts.push(set(...attributes));
  return sequence(...parts);
}

/**
 * PKCS#12 with an EMPTY password: the leaf certificate, its private key (EC or RSA; PKCS#8
 * keyBag) and the CA certificate, protected by an HMAC-SHA256 integrity MAC (PKCS#12 KDF,
 * password "" as BMPString). Bags are not encrypted (the password is empty anyway), which
 * OpenSSL (Node `pfx`, curl, `openssl pkcs12 -passin pass:`) reads directly.
 * The MAC salt is derived from the inputs, so the same inputs always produce the same bytes
 * (the certificate store uses that to check an existing .p12 matches its PEM files).
 */
export function toPkcs12(certPem: string, keyPem: string, caPem: string): Buffer {
  const leafDer = pemToDer(certPem);
  const caDer = pemToDer(caPem);
  const keyDer = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  const localKeyId = attribute(OID.localKeyId, octetString(createHash('sha1').update(leafDer).digest()));
  const friendly = attribute(OID.friendlyName, bmpString('axys-mock client'));

  const certContents = sequence(certBag(leafDer, [friendly, localKeyId]), certBag(caDer, []));
  const keyContents = sequence(sequence(oid(OID.keyBag), explicit(0, keyDer), set(friendly, localKeyId)));
  const authSafe = sequence(dataContentInfo(certContents), dataContentInfo(keyContents));

  const salt = createHash('sha256').update('axys-mock-p12').update(leafDer).update(keyDer).digest().subarray(0, 16);
  const macKey = pkcs12Kdf(Buffer.alloc(2), salt, 3, MAC_ITERATIONS, 32);
  const mac = createHmac('sha256', macKey).update(authSafe).digest();
  const macData = sequence(
    sequence(sequence(oid(OID.sha256), nullValue()), octetString(mac)),
    octetString(salt),
    integer(MAC_ITERATIONS),
  );
  return sequence(integer(3), dataContentInfo(authSafe), macData);
}
