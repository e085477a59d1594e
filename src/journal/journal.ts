/** What the gateway decided about a request, or why a handshake was refused. */
export type Decision =
  | 'ok'
  | 'tls_refused'
  | 'ip_not_allowlisted'
  | 'fcrdns_failed'
  | 'unknown_certificate'
  | 'invalid_api_key'
  | 'rate_limited'
  | 'fault';

export interface JournalEntry {
  id: string;
  /** ms since the epoch, on the mock's clock */
  time: number;
  method: string | null;
  path: string | null;
  status: number | null;
  decision: Decision;
  programId: number | null;
  remoteAddress: string | null;
  durationMs: number | null;
  fault: string | null;
  reason: string | null;
}

export interface JournalQuery {
  method?: string;
  path?: string;
  status?: number;
  programId?: number;
  decision?: string;
  limit?: number;
}

export type JournalListener = (entry: JournalEntry) => void;

/**
 * Newest-first request journal, bounded so a long request stream cannot grow memory. Every finished
 * request passes through record(): the request log, coverage and metrics listen there, whatever the
 * pipeline in front of it looks like.
 */
export class Journal {
  #entries: JournalEntry[] = [];
  #listeners: JournalListener[] = [];
  readonly capacity: number;

  constructor(capacity = 5000) {
    this.capacity = capacity;
  }

  /** Called with every entry as it is recorded (synchronously: keep it cheap). */
  onRecord(listener: JournalListener): void {
    this.#listeners.push(listener);
  }

  record(entry: JournalEntry): void {
    this.#entries.push(entry);
    for (const listener of this.#listeners) listener(entry);
    // drop in chunks so recording stays O(1) amortised
    if (this.#entries.length > this.capacity * 1.25) this.#entries.splice(0, this.#entries.length - this.capacity);
  }

  query(q: JournalQuery = {}): { items: JournalEntry[]; total: number } {
    const matches: JournalEntry[] = [];
    const all = this.#entries;
    const kept = Math.min(all.length, this.capacity);
    for (let i = all.length - 1; i >= all.length - kept; i--) {
      const e = all[i]!;
      if (q.method && e.method !== q.method.toUpperCase()) continue;
      if (q.path && e.path !== q.path) continue;
      if (q.status !== undefined && e.status !== q.status) continue;
      if (q.programId !== undefined && e.programId !== q.programId) continue;
      if (q.decision && e.decision !== q.decision) continue;
      matches.push(e);
    }
    return { items: matches.slice(0, q.limit ?? 100), total: matches.length };
  }

  get size(): number {
    return Math.min(this.#entries.length, this.capacity);
  }

  clear(): void {
    this.#entries = [];
  }
}
