import { createHash } from 'node:crypto';
import type { State } from '../store/state.js';

/** How long a key is remembered, on the mock's clock. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** The first answer to a write sent with an Idempotency-Key; stored in the same commit as the change. */
export interface IdempotencyRecord {
  programId: number;
  key: string;
  /** sha256 of method, path and canonical body: the same key with another request is a 409 */
  fingerprint: string;
  method: string;
  path: string;
  status: number;
  body: unknown;
  createdAt: number;
  expiresAt: number;
}

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

/** The live record of a key in a program (a lookup: it never writes the state). */
export function findRecord(state: State, programId: number, key: string, now: number): IdempotencyRecord | undefined {
  return state.idempotency.find((r) => r.programId === programId && r.key === key && r.expiresAt > now);
}

/** Stores a record; expired records are dropped on the way (in the same write). */
export function storeRecord(state: State, record: Omit<IdempotencyRecord, 'expiresAt'>): void {
  const records = state.idempotency;
  if (records.length && records[0]!.expiresAt <= record.createdAt) state.idempotency = records.filter((r) => r.expiresAt > record.createdAt);
  state.idempotency.push({ ...record, expiresAt: record.createdAt + IDEMPOTENCY_TTL_SECONDS });
}
