import { ApiError } from '../http/errors.js';

/**
 * The most any amount or balance may be, in minor units (999,999,999.99 in major units): far inside
 * Number's safe integers, so sums of two never round. The specs say it as `maximum`, the README too.
 */
export const MAX_MINOR_UNITS = 99_999_999_999;

/** An amount the caller sent: a safe whole number of minor units, 1..MAX_MINOR_UNITS, or a 422 naming the field. */
export function checkAmount(amount: number, field: string): number {
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_MINOR_UNITS) {
    throw new ApiError(422, `${field} must be a whole number of minor units from 1 to ${MAX_MINOR_UNITS} (999,999,999.99). Nothing changed.`, [
      { field, message: `must be an integer from 1 to ${MAX_MINOR_UNITS}` },
    ]);
  }
  return amount;
}

/** Refuses (422, naming the field and the maximum) a credit that would take an account's balance past MAX_MINOR_UNITS. */
export function checkCredit(account: { ledgerBalance: number; availableBalance: number }, what: string, amount: number, field: string): void {
  const after = Math.max(account.ledgerBalance, account.availableBalance) + amount;
  if (after > MAX_MINOR_UNITS) {
    throw new ApiError(
      422,
      `${field} ${amount} would take the balance of ${what} to ${after}, past the maximum balance of ${MAX_MINOR_UNITS} minor units (999,999,999.99). Nothing changed; send at most ${Math.max(0, MAX_MINOR_UNITS - Math.max(account.ledgerBalance, account.availableBalance))}.`,
      [{ field, message: `would take the balance past ${MAX_MINOR_UNITS}` }],
    );
  }
}

/** "10.00" -> 1000 minor units (the staging endpoints' decimal strings; the spec's pattern has already checked the shape). */
export function decimalToMinor(amount: string, field = 'amount'): number {
  const [whole, fraction = ''] = amount.split('.');
  const minor = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (minor <= 0) throw new ApiError(422, `${field} must be greater than zero, e.g. "10.00".`, [{ field, message: 'must be greater than 0' }]);
  if (!Number.isSafeInteger(minor) || minor > MAX_MINOR_UNITS) {
    throw new ApiError(422, `${field} must be at most 999999999.99 (${MAX_MINOR_UNITS} minor units), e.g. "10.00".`, [{ field, message: `must be at most 999999999.99` }]);
  }
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
