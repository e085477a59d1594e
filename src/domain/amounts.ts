import { ApiError } from '../http/errors.js';

/** "10.00" -> 1000 minor units (the staging endpoints' decimal strings; the spec's pattern has already checked the shape). */
export function decimalToMinor(amount: string): number {
  const [whole, fraction = ''] = amount.split('.');
  const minor = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (minor <= 0) throw new ApiError(422, 'amount must be greater than zero, e.g. "10.00".', [{ field: 'amount', message: 'must be greater than 0' }]);
  return minor;
}

/** 1250 -> "12.50": the documented string amounts of transactions and fees. */
export function minorToDecimal(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Unix seconds -> ISO-8601 UTC, the documented string dateCreated. */
export function isoDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}
