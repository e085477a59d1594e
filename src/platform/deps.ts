import type { Clock } from '../clock.js';
import { deferredCommit } from '../idempotency/context.js';
import type { Store } from '../store/store.js';

export interface PlatformDeps {
  store: Store;
  clock: Clock;
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
