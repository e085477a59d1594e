import { errorTemplate } from '../http/errors.js';
import type { State } from '../store/state.js';
import type { components } from '../generated/control.js';

export type SnapshotInfo = components['schemas']['Snapshot'];

export const snapshotMessages = {
  notFound: (id: number) => `No snapshot ${id}: it was deleted, dropped as one of the oldest (the 50 newest are kept), or taken before a restart. GET /_mock/snapshots lists them.`,
} as const;

/** Each status paired with its message; raised as `throw snapshotErrors.x(...)`. */
const snapshotErrors = {
  notFound: errorTemplate(404, snapshotMessages.notFound),
} as const;

/** Whole-state copies kept in memory as JSON text (immutable, compact, quick to parse back). */
export class Snapshots {
  #items = new Map<number, { info: SnapshotInfo; json: string }>();
  #last = 0;

  constructor(readonly capacity = 50) {}

  take(state: State, name: string | null, now: number): SnapshotInfo {
    const json = JSON.stringify(state);
    const info = { snapshotId: ++this.#last, name, createdAt: now, bytes: Buffer.byteLength(json) };
    this.#items.set(info.snapshotId, { info, json });
    // Map keeps insertion order: the first key is the oldest
    while (this.#items.size > this.capacity) this.#items.delete(this.#items.keys().next().value!);
    return info;
  }

  /** A fresh copy of the saved state. */
  state(id: number): State {
    const item = this.#items.get(id);
    if (!item) throw snapshotErrors.notFound(id);
    return JSON.parse(item.json) as State;
  }

  list(): SnapshotInfo[] {
    return [...this.#items.values()].map((i) => i.info);
  }

  delete(id: number): void {
    if (!this.#items.delete(id)) throw snapshotErrors.notFound(id);
  }
}
