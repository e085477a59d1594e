import type { components, operations } from '../generated/control.js';
import type { Decision } from '../http/context.js';

export type { Decision };

type Schemas = components['schemas'];

/** A request's or response's headers and body (openapi/control.yaml `JournalMessage`, null aside). */
export type JournalMessage = NonNullable<Schemas['JournalMessage']>;

/**
 * What the journal keeps of a request: `JournalEntryWithMessages` of openapi/control.yaml, which
 * `GET /_mock/requests/{entry}` answers. Path and query are bounded to LIMITS (then `truncated`).
 */
export type JournalEntry = Schemas['JournalEntryWithMessages'];

/** An entry without headers and bodies: what lists and the live stream carry. */
export type JournalSummary = Omit<JournalEntry, 'request' | 'response'>;

/**
 * The filters of GET /_mock/requests (and its stream and HAR export), from openapi/control.yaml: `path`
 * is a concrete path or a spec template (`/v2/cards/{cardId}`), `after` keeps entries newer than that
 * id (what a live view polls with).
 */
export type JournalQuery = NonNullable<operations['listRequests']['parameters']['query']>;

export interface JournalLimits {
  maxEntries: number;
  /** characters of every kept entry together (strings dominate an entry's memory) */
  maxBytes: number;
}

export const DEFAULT_JOURNAL_LIMITS: JournalLimits = Object.freeze({ maxEntries: 5000, maxBytes: 32 * 1024 * 1024 });

/** Fixed overhead counted per entry: the object, its numbers and the small strings. */
const ENTRY_OVERHEAD = 512;

/** Characters counted for one header of a message (its name, its value and the pair's overhead). */
export function headerChars(name: string, value: string): number {
  return name.length + value.length + 32;
}

/** Characters counted for a message's body text. */
export function bodyChars(text: string): number {
  return text.length + 64;
}

/** Characters a captured message holds. */
export function messageChars(m: JournalMessage | null): number {
  if (!m) return 0;
  let n = m.body ? bodyChars(m.body.text) : 0;
  for (const h of m.headers) n += headerChars(h.name, h.value);
  return n;
}

/**
 * Characters an entry holds (an estimate of its memory, not counting shared strings twice).
 * `messages`: what its request and response hold, when the caller knows it without capturing them
 * (journal/recorder.ts captures them when first read).
 */
export function entrySize(e: JournalEntry, messages = messageChars(e.request) + messageChars(e.response)): number {
  let n = ENTRY_OVERHEAD + (e.path?.length ?? 0) + (e.query?.length ?? 0) + (e.reason?.length ?? 0);
  for (const s of e.chain) n += s.detail.length + 64;
  return n + messages;
}

/** The entry without its request and response (which it does not read, so they stay uncaptured). */
export function summaryOf(e: JournalEntry): JournalSummary {
  const summary: Record<string, unknown> = {};
  for (const key of Object.keys(e)) if (key !== 'request' && key !== 'response') summary[key] = e[key as keyof JournalEntry];
  return summary as JournalSummary;
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
  /** each kept entry's size, at the same index as the entry */
  #sizes: number[] = [];
  #listeners = new Set<Listener>();
  readonly limits: JournalLimits;

  constructor(limits: Partial<JournalLimits> = {}) {
    this.limits = { ...DEFAULT_JOURNAL_LIMITS, ...limits };
  }

  get capacity(): number {
    return this.limits.maxEntries;
  }

  /** `messages`: see entrySize. */
  record(entry: JournalEntry, messages?: number): void {
    const size = messages === undefined ? entrySize(entry) : entrySize(entry, messages);
    this.#entries.push(entry);
    this.#sizes.push(size);
    this.#bytes += size;
    while (this.size > this.limits.maxEntries || (this.#bytes > this.limits.maxBytes && this.size > 1)) this.#dropOldest();
    if (this.#head > 1024 && this.#head > this.#entries.length / 2) {
      this.#entries = this.#entries.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
    }
    for (const listener of this.#listeners) listener(entry);
  }

  #dropOldest(): void {
    this.#entries[this.#head] = undefined as unknown as JournalEntry;
    this.#bytes -= this.#sizes[this.#head]!;
    this.#head++;
  }

  /** A scan from the newest: lookups come from the control plane, one at a time; an index by id cost every request a Map set and delete. */
  get(id: string): JournalEntry | undefined {
    const all = this.#entries;
    for (let i = all.length - 1; i >= this.#head; i--) if (all[i]!.id === id) return all[i];
    return undefined;
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
    this.#sizes = [];
  }
}
