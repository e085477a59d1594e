import { errorTemplate } from '../http/errors.js';

/**
 * The most any amount or balance may be, in minor units (999,999,999.99 in major units): far inside
 * Number's safe integers, so sums of two never round. The specs say it as `maximum`, the README too.
 */
export const MAX_MINOR_UNITS = 99_999_999_999;

export const amountMessages = {
  notWholeMinorUnits: (field: string) => `${field} must be a whole number of minor units from 1 to ${MAX_MINOR_UNITS} (999,999,999.99). Nothing changed.`,
  balanceAboveMaximum: (field: string, amount: number, what: string, balance: number) =>
    `${field} ${amount} would take the balance of ${what} to ${balance + amount}, past the maximum balance of ${MAX_MINOR_UNITS} minor units (999,999,999.99). Nothing changed; send at most ${Math.max(0, MAX_MINOR_UNITS - balance)}.`,
  decimalNotPositive: (field: string) => `${field} must be greater than zero, e.g. "10.00".`,
  decimalAboveMaximum: (field: string) => `${field} must be at most 999999999.99 (${MAX_MINOR_UNITS} minor units), e.g. "10.00".`,
} as const;

/** Each status paired with its message; raised as `throw amountErrors.x(...)`. */
const amountErrors = {
  notWholeMinorUnits: errorTemplate(422, amountMessages.notWholeMinorUnits),
  balanceAboveMaximum: errorTemplate(422, amountMessages.balanceAboveMaximum),
  decimalNotPositive: errorTemplate(422, amountMessages.decimalNotPositive),
  decimalAboveMaximum: errorTemplate(422, amountMessages.decimalAboveMaximum),
} as const;

/** An amount the caller sent: a safe whole number of minor units, 1..MAX_MINOR_UNITS, or a 422 naming the field. */
export function checkAmount(amount: number, field: string): number {
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_MINOR_UNITS) {
    throw amountErrors.notWholeMinorUnits(field).withErrors([{ field, message: `must be an integer from 1 to ${MAX_MINOR_UNITS}` }]);
  }
  return amount;
}

/** Refuses (422, naming the field and the maximum) a credit that would take an account's balance past MAX_MINOR_UNITS. */
export function checkCredit(account: { ledgerBalance: number; availableBalance: number }, what: string, amount: number, field: string): void {
  const balance = Math.max(account.ledgerBalance, account.availableBalance);
  if (balance + amount > MAX_MINOR_UNITS) {
    throw amountErrors.balanceAboveMaximum(field, amount, what, balance).withErrors([{ field, message: `would take the balance past ${MAX_MINOR_UNITS}` }]);
  }
}

/** "10.00" -> 1000 minor units (the staging endpoints' decimal strings; the spec's pattern has already checked the shape). */
export function decimalToMinor(amount: string, field = 'amount'): number {
  const [whole, fraction = ''] = amount.split('.');
  const minor = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (minor <= 0) throw amountErrors.decimalNotPositive(field).withErrors([{ field, message: 'must be greater than 0' }]);
  if (!Number.isSafeInteger(minor) || minor > MAX_MINOR_UNITS) {
    throw amountErrors.decimalAboveMaximum(field).withErrors([{ field, message: `must be at most 999999999.99` }]);
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
