import { chmod, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Low, Memory } from 'lowdb';
import { errorTemplate, type ApiError } from '../http/errors.js';
import { describeHazard, MAX_FILE_DEPTH, scanJson } from '../json-scan.js';
import { ChangeLog } from './change-log.js';
import { Crashed, type DurabilityHooks } from './durability-hooks.js';
import { syncFolder } from './durable-write.js';
import { errnoCode, unwritableFolderMessage, writeHint } from './folder-errors.js';
import { DATA_FILE_MODE, SnapshotFile } from './snapshot-file.js';
import { checkState, checkStateSchema, describeProblems, jsonErrorPlace } from './state-check.js';
import { withCollections, type State } from './state.js';
import { applyChanges, Tracker } from './tracker.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class StoreFileError extends Error {}

export interface StoreFileOptions {
  /** fold the change log into a new snapshot once it outgrows this (default: 8 MiB or twice the snapshot, the larger) */
  compactAtBytes?: number;
  /** test hooks: crash (as a SIGKILL would) at a step of a write, or shorten writes */
  hooks?: DurabilityHooks;
}

interface Job {
  /** a change-log line, or null for a whole-state snapshot */
  line: string | null;
  /** puts the in-memory state back when the write fails */
  undo?: () => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export const storeMessages = {
  notWritten: (file: string, code: string, hint: string) =>
    `The data file ${file} could not be written (${code}: ${hint}). The change was not stored and nothing changed; retry once that is fixed.`,
  /** The change could not be written as JSON (a value nested too deeply): it was undone. */
  unserialisable:
    'The change could not be stored: a value in it cannot be written as JSON (nested too deeply). Nothing changed; send a flatter value.',
} as const;

/** Each status paired with its message; raised as `throw storeErrors.x(...)`. */
const storeErrors = {
  notWritten: errorTemplate(500, storeMessages.notWritten),
  unserialisable: errorTemplate(422, storeMessages.unserialisable),
} as const;

/** A write the store could not make durable: a clear 500, and nothing changed. */
export function storeWriteError(file: string, err: unknown): ApiError {
  const code = errnoCode(err);
  return storeErrors.notWritten(file, code, writeHint(code));
}

/** The one line a start-up failure to write the data folder prints: the folder, the cause, the fix. */
function startWriteError(file: string, err: unknown): StoreFileError {
  return new StoreFileError(unwritableFolderMessage('data', path.dirname(file), err, '--data-file <path in a writable folder> or --in-memory'));
}

/**
 * The state behind a private lowdb handle (the snapshot file) and its change log. Two ways to change it:
 * - `transact(change)` (or `begin()` for several changes written together): a synchronous change,
 *   tracked; only what it changed is appended to the change log (concurrent transactions share one
 *   write and one fdatasync), and a change that throws, cannot be serialised, or whose write fails is undone.
 * - change `state` in place, then `commit()` at once: the whole state is written (lowdb snapshot).
 *   An in-place change must always be followed by `commit()`: the change log records slots by
 *   position and replays onto the last snapshot.
 * Either way the write is on disk before the promise resolves. A snapshot and its log carry the same
 * generation number; a log replays only over its own generation's snapshot, so a new snapshot (reset,
 * import, compaction) takes effect in the one step of its rename.
 */
export class Store {
  #db: Low<State>;
  readonly file: string | null;
  readonly #snapshot: SnapshotFile | null;
  readonly #log: ChangeLog | null;
  #pending: Job[] = [];
  #writing = false;
  /** a test crashed the store: no file operation, no answer any more (as after a SIGKILL) */
  #crashed = false;
  #idle: Array<() => void> = [];
  readonly #compactAtBytes: number | undefined;
  readonly #runs = { runs: 0 };

  private constructor(db: Low<State>, file: string | null, options: StoreFileOptions = {}) {
    this.#db = db;
    this.file = file;
    this.#compactAtBytes = options.compactAtBytes;
    this.#snapshot = db.adapter instanceof SnapshotFile ? db.adapter : null;
    this.#log = file ? new ChangeLog(`${file}.log`, options.hooks) : null;
  }

  static memory(initial: State): Store {
    const db = new Low<State>(new Memory<State>(), initial);
    db.data = withCollections(initial);
    return new Store(db, null);
  }

  /**
   * Opens the data file (and replays its change log), creating it from `seed()` when absent. A file
   * that is not a valid state, or a corrupt log, is never overwritten: the start is refused.
   */
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
    const adapter = new SnapshotFile(file, options.hooks);
    const db = new Low<State>(adapter, {} as State);
    const store = new Store(db, file, options);
    if (text === null) {
      db.data = withCollections(await seed());
      try {
        await store.#writeSnapshot();
      } catch (e) {
        throw startWriteError(file, e);
      }
      return store;
    }
    const unusable = (why: string) =>
      new StoreFileError(
        `The data file ${file} is unreadable: ${why}. It was left untouched. ` +
          `Move it away (or delete it) to start from the fixtures, or start with --data-file <other path>.`,
      );
    const hazard = scanJson(text, MAX_FILE_DEPTH);
    if (hazard) throw unusable(describeHazard(hazard));
    let parsed: State & { generation?: unknown };
    try {
      parsed = JSON.parse(text) as State & { generation?: unknown };
    } catch (e) {
      throw unusable(`it is not JSON (${jsonErrorPlace(e)})`);
    }
    const generation = isObject(parsed) && Number.isSafeInteger(parsed.generation) ? (parsed.generation as number) : 0;
    if (isObject(parsed)) delete parsed.generation;
    const problems = checkState(parsed);
    if (problems.length) throw unusable(`it is not a valid axys-mock state: ${describeProblems(problems)}`);
    db.data = withCollections(parsed);
    adapter.generation = generation;
    const log = store.#log!;
    let contents: Awaited<ReturnType<typeof ChangeLog.read>>;
    try {
      contents = await ChangeLog.read(log.file, generation);
      for (const changes of contents?.entries ?? []) applyChanges(db.data, changes);
      // a line may only lead to a state of the documented shape (the consistency rules are the snapshot's, checked above)
      const replayed = contents?.entries.length ? checkStateSchema(db.data) : [];
      if (replayed.length) throw new Error(`replayed over the data file, it gives no valid axys-mock state: ${describeProblems(replayed)}`);
    } catch (e) {
      throw new StoreFileError(
        `The change log ${log.file} of the data file ${file} is unreadable: ${(e as Error).message}. Both files were left untouched. ` +
          `Move both away to start from the fixtures, or start with --data-file <other path>.`,
      );
    }
    try {
      if (contents?.generation === generation && contents.empty) {
        await adapter.adopt(Buffer.byteLength(text));
        await chmod(file, DATA_FILE_MODE);
        await log.resume((await stat(log.file)).size);
      } else {
        // replayed changes, a stale log (a crash after a new snapshot), or none: a fresh pair
        await store.#writeSnapshot();
      }
    } catch (e) {
      await log.close();
      throw startWriteError(file, e);
    }
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
      this.#runs,
    );
  }

  /** Waits for the writes in flight, then closes the change log. */
  async close(): Promise<void> {
    if (!this.#log) return;
    if (this.#writing && !this.#crashed) await new Promise<void>((resolve) => this.#idle.push(resolve));
    await this.#log.close();
  }

  #enqueue(line: string | null, undo?: () => void): Promise<void> {
    if (!this.file) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#pending.push({ line, undo, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  /**
   * One writer: each round writes either every pending change-log line at once, or one snapshot.
   * Lines are written as a snapshot instead when the log cannot take them (its file, or the data
   * file, was deleted or replaced, or an earlier failure left it unusable): what memory holds is
   * then written whole, so nothing acknowledged depends on a file a restart would not read.
   */
  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#pending.length) {
      const head = this.#pending[0]!.line === null;
      const end = head ? 1 : this.#pending.findIndex((j) => j.line === null);
      const batch = this.#pending.splice(0, end === -1 ? this.#pending.length : end);
      try {
        if (head || !(await this.#appendable())) await this.#writeSnapshot();
        else {
          await this.#log!.append(batch.map((j) => j.line).join(''));
          const compactAt = this.#compactAtBytes ?? Math.max(8 * 1024 * 1024, 2 * this.#snapshot!.bytes);
          if (this.#log!.bytes > compactAt && this.#pending[0]?.line !== null) {
            this.#pending.unshift({ line: null, resolve: () => {}, reject: () => {} });
          }
        }
        for (const j of batch) j.resolve();
      } catch (err) {
        if (err instanceof Crashed) {
          this.#crashed = true;
          for (const resolve of this.#idle.splice(0)) resolve();
          return; // as after a SIGKILL: nothing more is written or answered
        }
        // nothing after the failed write is durable either: undo it all, newest first
        const failed = batch.concat(this.#pending.splice(0));
        for (const j of [...failed].reverse()) j.undo?.();
        const answer = storeWriteError(this.file!, err);
        for (const j of failed) j.reject(answer);
      }
    }
    this.#writing = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  async #appendable(): Promise<boolean> {
    const [log, snapshot] = await Promise.all([this.#log!.usable(), this.#snapshot!.intact()]);
    return log && snapshot;
  }

  /**
   * A new generation: the snapshot (fsync'ed, renamed into place: the commit point), then an empty
   * log of the same generation. A crash between the two leaves the new snapshot beside the old log,
   * which no longer replays. A failure after the rename does not undo anything (the new state is on
   * disk); it leaves the log unusable, so the next write is a snapshot again.
   */
  async #writeSnapshot(): Promise<void> {
    const snapshot = this.#snapshot!;
    const generation = snapshot.generation + 1;
    snapshot.generation = generation;
    await this.#db.write();
    try {
      await syncFolder(path.dirname(snapshot.file));
      await this.#log!.start(generation);
    } catch (e) {
      if (e instanceof Crashed) throw e;
      this.#log!.markBroken();
    }
  }
}

/** Counts tracked changes of every transaction of a store: a serialised line is current while the count has not moved. */
interface RunCounter {
  runs: number;
}

/** Tracked changes applied at once and persisted together by `commit()`; undone if that write fails. */
export class Transaction {
  readonly #state: () => State;
  readonly #enqueue: (line: string, undo: () => void) => Promise<void>;
  readonly #writing: () => boolean;
  /** false for an in-memory store: nothing to serialise or write */
  readonly #persistent: boolean;
  readonly #counter: RunCounter;
  readonly #trackers: Tracker[] = [];
  /** the change lists of the trackers, serialised when they ran, and the count they are current for */
  #serialised: string[] = [];
  #serialisedAt = -1;
  #committed = false;

  constructor(state: () => State, enqueue: (line: string, undo: () => void) => Promise<void>, writing: () => boolean, persistent: boolean, counter: RunCounter = { runs: 0 }) {
    this.#state = state;
    this.#enqueue = enqueue;
    this.#writing = writing;
    this.#persistent = persistent;
    this.#counter = counter;
  }

  /**
   * Applies `change` now; if it throws, this change is undone and the error rethrown. For a store
   * with a file the change is serialised here, before it counts as applied: a change that cannot be
   * written as JSON is undone at once (422) instead of living in memory and failing every snapshot.
   */
  run<T>(change: (state: State) => T): T {
    if (this.#committed) throw new Error('Transaction.run after commit');
    const tracker = new Tracker(this.#state());
    try {
      const result = change(tracker.draft as State);
      tracker.close();
      if (this.#persistent && tracker.dirty) {
        let text: string;
        try {
          text = JSON.stringify(tracker.changes());
        } catch {
          throw storeErrors.unserialisable();
        }
        const current = !this.changed || this.#serialisedAt === this.#counter.runs;
        this.#serialised = current ? [...this.#serialised, text.slice(1, -1)] : [];
        this.#counter.runs++;
        this.#serialisedAt = current ? this.#counter.runs : -1;
      }
      this.#trackers.push(tracker);
      return result;
    } catch (e) {
      tracker.rollback();
      // a value nested deeper than the stack: it could not be stored either
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw storeErrors.unserialisable();
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
    // the values as this transaction left them: serialised anew when other changes ran since
    const line = !this.changed
      ? ''
      : this.#serialisedAt === this.#counter.runs
        ? `[${this.#serialised.filter(Boolean).join(',')}]\n`
        : `${JSON.stringify(this.#trackers.flatMap((t) => t.changes()))}\n`;
    // nothing changed: answer at once, unless writes are in flight (this may have read their changes)
    if (!line && !this.#writing()) return;
    await this.#enqueue(line, () => {
      for (const t of [...this.#trackers].reverse()) t.rollback();
    });
  }
}
