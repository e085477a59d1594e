import { randomBytes } from 'node:crypto';

/**
 * Canonical serial form used everywhere in the mock (issuance, files, CRLs, peer reading):
 * lowercase hex, no colons/spaces, leading zero bytes removed, even length ("00" for zero).
 * Node's `PeerCertificate.serialNumber` ("0A1B…", uppercase) and @peculiar/x509's
 * `serialNumber` (may keep a "00" sign byte) both map onto it.
 */
export function canonicalSerial(serial: string): string {
  let hex = serial.replace(/[^0-9a-fA-F]/g, '').toLowerCase().replace(/^0+/, '');
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return hex === '' ? '00' : hex;
}

/** 16 random bytes, first byte in 0x01..0x7f: positive, no padding byte, already canonical. */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! % 0x7f) + 1;
  return bytes.toString('hex');
}
