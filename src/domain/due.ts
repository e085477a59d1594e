import type { Deposit, State } from '../store/state.js';
import { clearDueDeposits, earliestClearing } from './ledger.js';

/**
 * "What the clock made due has been applied": the one place deposits clear. The request pipeline
 * settles before every operation (so balances read and changed are current) and the timeline settles
 * as time passes; both go through here. Settling changes the state only when something is due.
 */
export function settleDue(state: State, now: number): number {
  return clearDueDeposits(state, now);
}

/**
 * Whether anything is due, without a walk over every deposit per request: the earliest pending
 * clearing time is worked out again only when the deposit list changed (a new deposit, a rollback, a
 * replaced state) or after a settlement.
 */
export class DueWatch {
  #known: { deposits: Deposit[]; length: number; last: Deposit | undefined; earliest: number } | null = null;

  isDue(state: State, now: number): boolean {
    const { deposits } = state;
    const known = this.#known;
    if (!known || known.deposits !== deposits || known.length > deposits.length || known.last !== deposits[known.length - 1]) {
      this.#known = { deposits, length: deposits.length, last: deposits[deposits.length - 1], earliest: earliestClearing(deposits) };
    } else if (known.length < deposits.length) {
      // new deposits were appended: only they can bring the earliest time forward
      this.#known = { deposits, length: deposits.length, last: deposits[deposits.length - 1], earliest: Math.min(known.earliest, earliestClearing(deposits.slice(known.length))) };
    }
    return this.#known!.earliest <= now;
  }

  /** After a settlement: the earliest time is worked out anew. */
  settled(): void {
    this.#known = null;
  }
}
