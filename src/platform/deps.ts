import type { RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import { clearDueDeposits, type LedgerSettings } from '../domain/ledger.js';
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
 * Runs a synchronous domain change, then persists it before the caller answers. Under an
 * Idempotency-Key the idempotency layer commits instead, together with the stored answer.
 */
export async function mutate<T>(deps: PlatformDeps, change: (state: PlatformDeps['store']['state'], now: number) => T): Promise<T> {
  const result = change(deps.store.state, deps.clock.now());
  const deferred = deferredCommit.getStore();
  if (deferred) deferred.changed = true;
  else await deps.store.commit();
  return result;
}

export function idParam(value: unknown): number {
  return Number(value);
}

/** Deposits clear on the mock's clock: before an operation reads balances, whatever is due has cleared (and is stored). */
export function clearDeposits(deps: PlatformDeps): RequestHandler {
  return async (_req, _res, next) => {
    if (clearDueDeposits(deps.store.state, deps.clock.now()) > 0) await deps.store.commit();
    next();
  };
}
