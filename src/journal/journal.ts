import type { CapturedBody, HeaderList } from './capture.js';
import type { Decision, DecisionStep } from '../http/context.js';

export type { Decision };

export interface JournalMessage {
  headers: HeaderList;
  body: CapturedBody | null;
}

export interface JournalEntry {
  id: string;
  /** ms since the epoch, on the mock's clock */
  time: number;
  method: string | null;
  /** bounded to LIMITS.path characters (then `truncated`) */
  path: string | null;
  status: number | null;
  decision: Decision;
  programId: number | null;
  remoteAddress: string | null;
  durationMs: number | null;
  fault: string | null;
  reason: string | null;
  /** the platform operation the method and path name, from openapi/platform.yaml */
  operation: { operationId: string; pathTemplate: string } | null;
  /** the raw query string without `?`, bounded */
  query: string | null;
  /** the gateway's checks and the fault engine, in order */
  chain: DecisionStep[];
  timings: { gatewayMs: number | null; totalMs: number | null };
  /** path or query was cut to its bound */
  truncated: boolean;
  request: JournalMessage | null;
  response: JournalMessage | null;
}

/** An entry without headers and bodies: what lists and the live stream carry. */
export type JournalSummary = Omit<JournalEntry, 'request' | 'response'>;

export interface JournalQuery {
  method?: string;
  /** a concrete path or a spec template (`/v2/cards/{cardId}`) */
  path?: string;
  status?: number;
  programId?: number;
  decision?: string;
  operationId?: string;
  /** entries newer than this id (what a live view polls with) */
  after?: string;
  limit?: number;
}

export interface JournalLimits {
  maxEntries: number;
  /** characters of every kept entry together (strings dominate an entry's memory) */
  maxBytes: number;
}

export const DEFAULT_JOURNAL_LIMITS: JournalLimits = Object.freeze({ maxEntries: 5000, maxBytes: 32 * 1024 * 1024 });

/** Fixed overhead counted per entry: the object, its numbers and the small strings. */
const ENTRY_OVERHEAD = 512;

function messageSize(m: JournalMessage | null): number {
  if (!m) return 0;
  let n = m.body ? m.body.text.length + 64 : 0;
  for (const h of m.headers) n += h.name.length + h.value.length + 32;
  return n;
}

/** Characters an entry holds (an estimate of its memory, not counting shared strings twice). */
export function entrySize(e: JournalEntry): number {
  let n = ENTRY_OVERHEAD + (e.path?.length ?? 0) + (e.query?.length ?? 0) + (e.reason?.length ?? 0);
  for (const s of e.chain) n += s.detail.length + 64;
  return n + messageSize(e.request) + messageSize(e.response);
}

export function summaryOf(e: JournalEntry): JournalSummary {
  const { request: _request, response: _response, ...summary } = e;
  return summary;
}

/** Whether an entry passes the filters of a query (not `after` or `limit`). */
export function matches(e: JournalEntry, q: JournalQuery): boolean {
  if (q.method && e.method !== q.method.toUpperCase()) return false;
  if (q.path && e.path !== q.path && e.operation?.pathTemplate !== q.path) return false;
  if (q.status !== undefined && e.status !== q.status) return false;
  if (q.programId !== undefined && e.programId !== q.programId) return false;
  if (q.decision && e.decision !== q.decision) return false;
  if (q.operationId && e.operation?.operationId !== q.operationId) return false;
  return true;
}

type Listener = (entry: JournalEntry) => void;

/**
 * Oldest-first ring of requests, bounded in entries AND in characters: recording the newest drops
 * the oldest until both bounds hold, so any stream of requests (15 KB paths, 256 KB bodies) keeps it
 * within `maxBytes`. Listeners (the live stream) hear of each new entry.
 */
export class Journal {
  #entries: JournalEntry[] = [];
  /** index of the oldest kept entry: dropping moves it, compaction happens in chunks */
  #head = 0;
  #bytes = 0;
  #sizes = new Map<JournalEntry, number>();
  #byId = new Map<string, JournalEntry>();
  #listeners = new Set<Listener>();
  readonly limits: JournalLimits;

  constructor(limits: Partial<JournalLimits> = {}) {
    this.limits = { ...DEFAULT_JOURNAL_LIMITS, ...limits };
  }

  get capacity(): number {
    return this.limits.maxEntries;
  }

  record(entry: JournalEntry): void {
    const size = entrySize(entry);
    this.#entries.push(entry);
    this.#sizes.set(entry, size);
    this.#byId.set(entry.id, entry);
    this.#bytes += size;
    while (this.size > this.limits.maxEntries || (this.#bytes > this.limits.maxBytes && this.size > 1)) this.#dropOldest();
    if (this.#head > 1024 && this.#head > this.#entries.length / 2) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
    for (const listener of this.#listeners) listener(entry);
  }

  #dropOldest(): void {
    const oldest = this.#entries[this.#head]!;
    this.#entries[this.#head] = undefined as unknown as JournalEntry;
    this.#head++;
    this.#bytes -= this.#sizes.get(oldest) ?? 0;
    this.#sizes.delete(oldest);
    this.#byId.delete(oldest.id);
  }

  get(id: string): JournalEntry | undefined {
    return this.#byId.get(id);
  }

  /** Newest first. */
  query(q: JournalQuery = {}): { items: JournalEntry[]; total: number } {
    const found: JournalEntry[] = [];
    const all = this.#entries;
    for (let i = all.length - 1; i >= this.#head; i--) {
      const e = all[i]!;
      if (q.after !== undefined && e.id === q.after) break;
      if (matches(e, q)) found.push(e);
    }
    return { items: found.slice(0, q.limit ?? 100), total: found.length };
  }

  /** Live entries as they are recorded; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#entries.length - this.#head;
  }

  /** Characters held by the kept entries (see entrySize). */
  get bytes(): number {
    return this.#bytes;
  }

  clear(): void {
    this.#entries = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#sizes.clear();
    this.#byId.clear();
  }
}
