import { randomBytes, randomInt } from 'node:crypto';
import type { CryptoAddress } from '../store/state.js';

/** Visa test range used by card-network sandboxes: never a real card. */
const TEST_BIN = '400000';

function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function luhnValid(number: string): boolean {
  return /^\d{2,}$/.test(number) && luhnCheckDigit(number.slice(0, -1)) === Number(number.at(-1));
}

/** A 16-digit test PAN, unique per card id: the test BIN, the id in 9 digits, a Luhn check digit. */
export function testCardNumber(cardId: number): string {
  const payload = TEST_BIN + String(cardId % 1e9).padStart(9, '0');
  return payload + luhnCheckDigit(payload);
}

export function maskCardNumber(cardNumber: string): string {
  return '*'.repeat(cardNumber.length - 4) + cardNumber.slice(-4);
}

/** Expiry three years after issuance, in the issuance month (UTC). */
export function expiryFrom(unixSeconds: number): { expMonth: number; expYear: number } {
  const d = new Date(unixSeconds * 1000);
  return { expMonth: d.getUTCMonth() + 1, expYear: d.getUTCFullYear() + 3 };
}

export function randomCvv(): string {
  return String(randomInt(0, 1000)).padStart(3, '0');
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function randomFrom(alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[randomInt(0, alphabet.length)]).join('');
}

/** Deposit addresses provisioned at issuance (FUND): evm covers every EVM chain. Shaped like real ones, random. */
export function newCryptoAddresses(): CryptoAddress[] {
  return [
    { chain: 'evm', address: `0x${randomBytes(20).toString('hex')}` },
    { chain: 'bitcoin', address: `bc1q${randomFrom(BECH32, 38)}` },
    { chain: 'solana', address: randomFrom(BASE58, 44) },
  ];
}
