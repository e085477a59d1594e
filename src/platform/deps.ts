import type { RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import { clearDueDeposits, depositDue, type LedgerSettings } from '../domain/ledger.js';
import type { OtpSettings } from '../domain/otp.js';
import { deferredCommit } from '../idempotency/context.js';
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
  return async (_req, _res, next) => {
    const now = deps.clock.now();
    if (deps.store.state.deposits.some((d) => depositDue(d, now))) await deps.store.transact((state) => clearDueDeposits(state, now));
    next();
  };
}
