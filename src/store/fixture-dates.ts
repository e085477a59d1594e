import type { State, StateFile } from './state.js';

const DAY = 86_400;
const WEEK = 7 * DAY;
const LATER = ['cards', 'wallets', 'deposits', 'transfers', 'transactions', 'fees', 'walletTransactions', 'otpListeners', 'faults', 'idempotency', 'emulationOutcomes'] as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

type Stamped = { createdAt: number; updatedAt?: number };

/** The records whose createdAt (and updatedAt) are history. Certificates and their reminders follow real validity: never moved. */
function historyRecords(s: State): Stamped[] {
  return [...s.programs, ...s.apiKeys, ...s.cardholders, ...s.bankAccounts, ...s.cards, ...s.wallets, ...s.deposits, ...s.transfers, ...s.transactions, ...s.fees, ...s.walletTransactions, ...s.otpListeners, ...s.idempotency, ...s.faults];
}

/** The fixture's own "now": its newest past timestamp (a cleared deposit's clearing time is past too). */
function newestPast(state: State): number | null {
  let newest = -Infinity;
  for (const r of historyRecords(state)) newest = Math.max(newest, r.createdAt, r.updatedAt ?? -Infinity);
  for (const d of state.deposits) if (d.cleared && d.clearsAt !== null) newest = Math.max(newest, d.clearsAt);
  return Number.isFinite(newest) ? newest : null;
}

function shiftDate(date: string, days: number): string {
  if (!ISO_DATE.test(date)) return date;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) ? date : new Date(ms + days * DAY * 1000).toISOString().slice(0, 10);
}

/**
 * Places a shipped fixture set's history just before `now` (Unix seconds): every timestamp moves by the
 * same whole number of weeks, so the newest lands within the last week and weekdays (business-day
 * clearing) and times of day stay as the fixture has them. Something still to come at the fixture's
 * own moment (a pending deposit's clearing, an expiry, a due outcome) stays to come: if the move
 * would put it at or before `now`, it moves one week further. Changes `file` in place and returns it.
 */
export function placeFixtureHistory(file: StateFile, now: number): StateFile {
  // collections added later may be absent from a fixtures file
  const state = { ...file, ...Object.fromEntries(LATER.map((name) => [name, file[name] ?? []])) } as State;
  const anchor = newestPast(state);
  if (anchor === null) return file;
  const shift = Math.floor((now - anchor) / WEEK) * WEEK;
  if (shift === 0) return file;
  const past = (t: number) => t + shift;
  const toCome = (t: number) => (t > anchor && t + shift <= now ? t + shift + WEEK : t + shift);

  for (const r of historyRecords(state)) {
    r.createdAt = past(r.createdAt);
    if (r.updatedAt !== undefined) r.updatedAt = past(r.updatedAt);
  }
  for (const d of state.deposits) {
    if (d.clearsAt !== null) d.clearsAt = d.cleared ? past(d.clearsAt) : toCome(d.clearsAt);
    if (d.transactionDate !== null) d.transactionDate = shiftDate(d.transactionDate, shift / DAY);
  }
  for (const l of state.otpListeners) {
    l.expiresAt = toCome(l.expiresAt);
    if (l.codeExpiresAt !== null) l.codeExpiresAt = toCome(l.codeExpiresAt);
  }
  for (const r of state.idempotency) r.expiresAt = toCome(r.expiresAt);
  for (const f of state.faults) if (f.expiresAt !== null) f.expiresAt = toCome(f.expiresAt);
  for (const o of state.emulationOutcomes) o.dueAt = toCome(o.dueAt);
  return file;
}
