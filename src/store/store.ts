import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Low, Memory } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { ChangeLog } from './change-log.js';
import { withCollections, type State } from './state.js';
import { applyChanges, Tracker } from './tracker.js';

export class StoreFileError extends Error {}

export interface StoreFileOptions {
  /** fold the change log into a new snapshot once it outgrows this (default: 8 MiB or twice the snapshot, the larger) */
  compactAtBytes?: number;
}

interface Job {
  /** a change-log line, or null for a whole-state snapshot */
  line: string | null;
  /** puts the in-memory state back when the write fails */
  undo?: () => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The state behind a private lowdb handle (the snapshot file) and its change log. Two ways to change it:
 * - `transact(change)` (or `begin()` for several changes written together): a synchronous change,
 *   tracked; only what it changed is appended to the change log (concurrent transactions share one
 *   write and one fdatasync), and a change that throws or whose write fails is undone.
 * - change `state` in place, then `commit()` at once: the whole state is written (lowdb snapshot).
 *   An in-place change must always be followed by `commit()`: the change log records slots by
 *   position and replays onto the last snapshot.
 * Either way the write is on disk before the promise resolves.
 */
export class Store {
  #db: Low<State>;
  readonly file: string | null;
  readonly #log: ChangeLog | null;
  #pending: Job[] = [];
  #writing = false;
  #snapshotBytes = 0;
  readonly #compactAtBytes: number | undefined;

  private constructor(db: Low<State>, file: string | null, options: StoreFileOptions = {}) {
    this.#db = db;
    this.file = file;
    this.#compactAtBytes = options.compactAtBytes;
    this.#log = file ? new ChangeLog(`${file}.log`) : null;
  }

  static memory(initial: State): Store {
    const db = new Low<State>(new Memory<State>(), initial);
    db.data = withCollections(initial);
    return new Store(db, null);
  }

  /** Opens the data file (and replays its change log), creating it from `seed()` when absent. A corrupt file is never overwritten. */
  static async open(file: string, seed: () => Promise<State>, options: StoreFileOptions = {}): Promise<Store> {
    let text: string | null = null;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') {
        throw new StoreFileError(`Cannot read the data file ${file} (${code}). Make it a readable file (or move it away), or start with --data-file <other path> or --in-memory.`);
      }
    }
    const db = new Low<State>(new JSONFile<State>(file), {} as State);
    const store = new Store(db, file, options);
    if (text === null) {
      await mkdir(path.dirname(file), { recursive: true });
      db.data = withCollections(await seed());
      await store.commit();
      return store;
    }
    try {
      const parsed = JSON.parse(text) as State;
      if (parsed === null || typeof parsed !== 'object' || parsed.version !== 1 || !Array.isArray(parsed.programs)) {
        throw new Error('it is not an axys-mock state (version 1)');
      }
      db.data = withCollections(parsed);
    } catch (e) {
      throw new StoreFileError(
        `The data file ${file} is unreadable: ${(e as Error).message}. It was left untouched. ` +
          `Move it away (or delete it) to start from the fixtures, or start with --data-file <other path>.`,
      );
    }
    store.#snapshotBytes = Buffer.byteLength(text);
    const log = store.#log!;
    try {
      for (const changes of await log.read()) applyChanges(db.data, changes);
    } catch (e) {
      throw new StoreFileError(
        `The change log ${log.file} of the data file ${file} is unreadable: ${(e as Error).message}. Both files were left untouched. ` +
          `Move both away to start from the fixtures, or start with --data-file <other path>.`,
      );
    }
    if (log.bytes > 0) await store.commit();
    return store;
  }

  get state(): State {
    return this.#db.data;
  }

  /** Swap in a whole new state (reset, import, restore) and persist it; the old state stays if the write fails. */
  async replace(next: State): Promise<void> {
    const previous = this.#db.data;
    this.#db.data = withCollections(next);
    await this.#enqueue(null, () => {
      this.#db.data = previous;
    });
  }

  /** Writes the whole state (after in-place changes the store did not track). */
  async commit(): Promise<void> {
    await this.#enqueue(null);
  }

  /**
   * Runs `change` against the state and persists what it changed before resolving. When `change`
   * throws, or the write fails, the state is as if it never ran.
   */
  async transact<T>(change: (state: State) => T): Promise<T> {
    const tx = this.begin();
    const result = tx.run(change);
    await tx.commit();
    return result;
  }

  /** Several tracked changes persisted together, in one write (a change and its idempotency record). */
  begin(): Transaction {
    return new Transaction(
      () => this.#db.data,
      (line, undo) => this.#enqueue(line, undo),
      () => this.#writing,
      this.file !== null,
    );
  }

  #enqueue(line: string | null, undo?: () => void): Promise<void> {
    if (!this.file) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#pending.push({ line, undo, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  /** One writer: each round writes either every pending change-log line at once, or one snapshot. */
  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#pending.length) {
      const snapshot = this.#pending[0]!.line === null;
      const end = snapshot ? 1 : this.#pending.findIndex((j) => j.line === null);
      const batch = this.#pending.splice(0, end === -1 ? this.#pending.length : end);
      try {
        if (snapshot) await this.#writeSnapshot();
        else {
          await this.#log!.append(batch.map((j) => j.line).join(''));
          const compactAt = this.#compactAtBytes ?? Math.max(8 * 1024 * 1024, 2 * this.#snapshotBytes);
          if (this.#log!.bytes > compactAt && this.#pending[0]?.line !== null) {
            this.#pending.unshift({ line: null, resolve: () => {}, reject: () => {} });
          }
        }
        for (const j of batch) j.resolve();
      } catch (err) {
        // nothing after the failed write is durable either: undo it all, newest first
        const failed = batch.concat(this.#pending.splice(0));
        for (const j of [...failed].reverse()) j.undo?.();
        for (const j of failed) j.reject(err);
      }
    }
    this.#writing = false;
  }

  async #writeSnapshot(): Promise<void> {
    await this.#db.write();
    await this.#log!.clear();
    this.#snapshotBytes = (await stat(this.file!)).size;
  }
}

/** Tracked changes applied at once and persisted together by `commit()`; undone if that write fails. */
export class Transaction {
  readonly #state: () => State;
  readonly #enqueue: (line: string, undo: () => void) => Promise<void>;
  readonly #writing: () => boolean;
  /** false for an in-memory store: nothing to serialise or write */
  readonly #persistent: boolean;
  readonly #trackers: Tracker[] = [];
  #committed = false;

  constructor(state: () => State, enqueue: (line: string, undo: () => void) => Promise<void>, writing: () => boolean, persistent: boolean) {
    this.#state = state;
    this.#enqueue = enqueue;
    this.#writing = writing;
    this.#persistent = persistent;
  }

  /** Applies `change` now; if it throws, this change is undone and the error rethrown. */
  run<T>(change: (state: State) => T): T {
    if (this.#committed) throw new Error('Transaction.run after commit');
    const tracker = new Tracker(this.#state());
    try {
      const result = change(tracker.draft as State);
      this.#trackers.push(tracker);
      return result;
    } catch (e) {
      tracker.rollback();
      throw e;
    } finally {
      tracker.close();
    }
  }

  get changed(): boolean {
    return this.#trackers.some((t) => t.dirty);
  }

  /** Writes every change of this transaction as one change-log line; resolves once it is on disk. */
  async commit(): Promise<void> {
    this.#committed = true;
    if (!this.#persistent) return;
    // serialised now: the line holds the values as this transaction left them
    const line = this.changed ? `${JSON.stringify(this.#trackers.flatMap((t) => t.changes()))}\n` : '';
    // nothing changed: answer at once, unless writes are in flight (this may have read their changes)
    if (!line && !this.#writing()) return;
    await this.#enqueue(line, () => {
      for (const t of [...this.#trackers].reverse()) t.rollback();
    });
  }
}
