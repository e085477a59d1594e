import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunningMock } from '../../src/mock.js';

/**
 * An oracle, independent of src/store/fixture-dates.ts, of where the mock places the history of
 * fixtures/default.json (README, "Fixture dates"): every timestamp moves by whole weeks so that the
 * newest past one lands in the week before the mock's now.
 */
export const WEEK = 7 * 86_400;

/** fixtures/default.json as shipped, dates as in the file */
export const rawFixtures = JSON.parse(readFileSync(path.join(process.cwd(), 'fixtures/default.json'), 'utf8'));

/** The newest createdAt / updatedAt of the raw file, or a cleared deposit's clearsAt: the fixture's own "now". */
export const rawNewest: number = Math.max(
  ...Object.values(rawFixtures)
    .filter(Array.isArray)
    .flat()
    .flatMap((r: { createdAt?: number; updatedAt?: number }) => [r.createdAt ?? -Infinity, r.updatedAt ?? -Infinity]),
  ...rawFixtures.deposits.filter((d: { cleared: boolean }) => d.cleared).map((d: { clearsAt: number }) => d.clearsAt),
);

/** The move (seconds, whole weeks) for a mock whose clock read `now` when it loaded the fixtures. */
export const weeksShift = (now: number): number => Math.floor((now - rawNewest) / WEEK) * WEEK;

const realNow = () => Math.floor(Date.now() / 1000);

/**
 * Resets the in-process mock (fixtures placed against real time) and returns `expected(now)`, by
 * default the move the reset applied. Real time read before and after the reset must give the same
 * expectation; in the one second a week where they differ, it resets again.
 */
export async function resetPlaced<T = number>(mock: RunningMock, fixtures?: string, expected: (now: number) => T = weeksShift as (now: number) => T): Promise<T> {
  for (;;) {
    const before = expected(realNow());
    await mock.reset(fixtures);
    const after = expected(realNow());
    if (JSON.stringify(before) === JSON.stringify(after)) return before;
  }
}

/**
 * fixtures/default.json as the mock holds it after moving it by `shift`: every createdAt / updatedAt
 * and deposit clearsAt later by `shift`, deposit transactionDates by as many days. (The file has no
 * pending deposit, no expiry, no certificate: nothing else is dated.)
 */
export function placedFixtures(shift: number): any {
  const state = structuredClone(rawFixtures);
  for (const records of Object.values(state).filter(Array.isArray) as Array<Array<Record<string, any>>>) {
    for (const r of records) {
      if (typeof r.createdAt === 'number') r.createdAt += shift;
      if (typeof r.updatedAt === 'number') r.updatedAt += shift;
    }
  }
  for (const d of state.deposits) {
    d.clearsAt += shift;
    d.transactionDate = new Date(Date.parse(`${d.transactionDate}T00:00:00Z`) + shift * 1000).toISOString().slice(0, 10);
  }
  return state;
}
