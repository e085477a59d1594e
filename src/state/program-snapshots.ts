import { errorTemplate } from '../http/errors.js';
import type { ProgramData } from './program-data.js';
import type { components } from '../generated/control.js';

export type ProgramSnapshotInfo = components['schemas']['ProgramSnapshot'];

export const programSnapshotMessages = {
  notFound: (programId: number, id: number) =>
    `No snapshot ${id} of program ${programId}: it was deleted, dropped as one of the oldest (the 50 newest per program are kept), taken of another program, or before a restart. GET /_mock/programs/${programId}/snapshots lists them.`,
} as const;

/** Each status paired with its message; raised as `throw programSnapshotErrors.x(...)`. */
const programSnapshotErrors = {
  notFound: errorTemplate(404, programSnapshotMessages.notFound),
} as const;

/** Per-program copies of a program's records, in memory as JSON text; each program keeps its newest `capacity`. */
export class ProgramSnapshots {
  #items = new Map<number, { info: ProgramSnapshotInfo; json: string }>();
  #last = 0;

  constructor(readonly capacity = 50) {}

  take(programId: number, data: ProgramData, name: string | null, now: number): ProgramSnapshotInfo {
    const json = JSON.stringify(data);
    const info = { snapshotId: ++this.#last, programId, name, createdAt: now, bytes: Buffer.byteLength(json) };
    this.#items.set(info.snapshotId, { info, json });
    const own = this.list(programId);
    for (const old of own.slice(0, Math.max(0, own.length - this.capacity))) this.#items.delete(old.snapshotId);
    return info;
  }

  data(programId: number, id: number): ProgramData {
    const item = this.#items.get(id);
    if (!item || item.info.programId !== programId) throw programSnapshotErrors.notFound(programId, id);
    return JSON.parse(item.json) as ProgramData;
  }

  list(programId: number): ProgramSnapshotInfo[] {
    return [...this.#items.values()].filter((i) => i.info.programId === programId).map((i) => i.info);
  }

  clear(): void {
    this.#items.clear();
  }

  delete(programId: number, id: number): void {
    if (this.#items.get(id)?.info.programId !== programId) throw programSnapshotErrors.notFound(programId, id);
    this.#items.delete(id);
  }
}
