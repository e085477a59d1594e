import { AsyncLocalStorage } from 'node:async_hooks';
import type { Transaction } from '../store/store.js';

/**
 * Set while a write with an Idempotency-Key runs. `mutate()` then applies its change in this
 * transaction and leaves the commit to the idempotency layer, which commits the change and its
 * stored answer together, in one write.
 */
export interface DeferredCommit {
  tx: Transaction;
}

export const deferredCommit = new AsyncLocalStorage<DeferredCommit>();
