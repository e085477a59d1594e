import { createHash } from 'node:crypto';
import { AppendIndex } from '../store/append-index.js';
import type { IdempotencyRecord, State } from '../store/state.js';

export type { IdempotencyRecord };

/** How long a key is remembered, on the mock's clock. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Key order and whitespace do not matter; every value does. */
export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${canonical(body ?? null)}`).digest('hex');
}

const recordKey = (programId: number, key: string) => `${programId}\u0000${key}`;
const index = new AppendIndex<IdempotencyRecord>((r) => recordKey(r.programId, r.key));

/** The live record of a key in a program (a lookup: it never writes the state), by index, not by a walk over every record. */
export function findRecord(state: State, programId: number, key: string, now: number): IdempotencyRecord | undefined {
  const record = index.get(state.idempotency, recordKey(programId, key));
  return record && record.expiresAt > now ? record : undefined;
}

/** Expired records are dropped once they are at least this many and half of all: rarely, so a write stays cheap. */
const EXPIRED_BATCH = 1_000;

/**
 * Stores a record. Expired records are dropped in the same write, in batches: dropping them rewrites
 * the whole collection, so it happens once they are many (and half of all), never on every write.
 */
export function storeRecord(state: State, record: Omit<IdempotencyRecord, 'expiresAt'>): void {
  const records = state.idempotency;
  // records are in the order they were stored: when the one at the batch size has expired, so have those before it
  const batch = Math.max(EXPIRED_BATCH, Math.ceil(records.length / 2));
  if (records.length >= batch && records[batch - 1]!.expiresAt <= record.createdAt) state.idempotency = records.filter((r) => r.expiresAt > record.createdAt);
  state.idempotency.push({ ...record, expiresAt: record.createdAt + IDEMPOTENCY_TTL_SECONDS });
}
