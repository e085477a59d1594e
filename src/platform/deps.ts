import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';

export interface PlatformDeps {
  store: Store;
  clock: Clock;
}

/**
 * Runs a synchronous domain change and persists it before the caller answers. A change that throws
 * part-way, or whose write fails, leaves the state as it was.
 */
export async function mutate<T>(deps: PlatformDeps, change: (state: PlatformDeps['store']['state'], now: number) => T): Promise<T> {
  const now = deps.clock.now();
  return deps.store.transact((state) => change(state, now));
}

export function idParam(value: unknown): number {
  return Number(value);
}
