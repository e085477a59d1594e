import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Set while a write with an Idempotency-Key runs. `mutate()` then leaves the commit to the
 * idempotency layer, which commits the change and its stored answer together, in one write.
 */
export interface DeferredCommit {
  changed: boolean;
}

export const deferredCommit = new AsyncLocalStorage<DeferredCommit>();
