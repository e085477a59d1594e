import type { RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import { clearDueDeposits, earliestClearing, type LedgerSettings } from '../domain/ledger.js';
import type { OtpSettings } from '../domain/otp.js';
import { deferredCommit } from '../idempotency/context.js';
import type { Deposit } from '../store/state.js';
import type { Store } from '../store/store.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';

export type PlatformSettings = LedgerSettings & OtpSettings;

export interface PlatformDeps {
  store: Store;
  clock: Clock;
  settings: PlatformSettings;
  webhooks: WebhookDispatcher;
}

/**
 * Runs a synchronous domain change and persists it before the caller answers. A change that throws
 * part-way, or whose write fails, leaves the state as it was. Under an Idempotency-Key the change
 * joins the idempotency layer's transaction, which persists it together with the stored answer.
 */
export async function mutate<T>(deps: PlatformDeps, change: (state: PlatformDeps['store']['state'], now: number) => T): Promise<T> {
  const now = deps.clock.now();
  const deferred = deferredCommit.getStore();
  if (deferred) return deferred.tx.run((state) => change(state, now));
  return deps.store.transact((state) => change(state, now));
}

export function idParam(value: unknown): number {
  return Number(value);
}

/** Deposits clear on the mock's clock: before an operation reads balances, whatever is due has cleared (and is stored). */
export function clearDeposits(deps: PlatformDeps): RequestHandler {
  // the earliest pending clearing time, worked out again only when the deposit list changed (a new
  // deposit, a rollback, a replaced state) or after a clearing: no scan of every deposit per request
  let known: { deposits: Deposit[]; length: number; last: Deposit | undefined; earliest: number } | null = null;
  return async (_req, _res, next) => {
    const now = deps.clock.now();
    const { deposits } = deps.store.state;
    if (!known || known.deposits !== deposits || known.length > deposits.length || known.last !== deposits[known.length - 1]) {
      known = { deposits, length: deposits.length, last: deposits[deposits.length - 1], earliest: earliestClearing(deposits) };
    } else if (known.length < deposits.length) {
      // new deposits were appended: only they can bring the earliest time forward
      known = { deposits, length: deposits.length, last: deposits[deposits.length - 1], earliest: Math.min(known.earliest, earliestClearing(deposits.slice(known.length))) };
    }
    if (known.earliest <= now) {
      await deps.store.transact((state) => clearDueDeposits(state, now));
      known = null;
    }
    next();
  };
}
