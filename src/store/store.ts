import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Low, Memory } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { withCollections, type State } from './state.js';

export class StoreFileError extends Error {}

/**
 * The state behind a private lowdb handle. Domain functions mutate `state` synchronously,
 * then the caller awaits `commit()`: the write is on disk before the response goes out.
 */
export class Store {
  #db: Low<State>;
  readonly file: string | null;

  private constructor(db: Low<State>, file: string | null) {
    this.#db = db;
    this.file = file;
  }

  static memory(initial: State): Store {
    const db = new Low<State>(new Memory<State>(), initial);
    db.data = withCollections(initial);
    return new Store(db, null);
  }

  /** Opens the data file, creating it from `seed()` when absent. A corrupt file is never overwritten. */
  static async open(file: string, seed: () => Promise<State>): Promise<Store> {
    let text: string | null = null;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') {
        throw new StoreFileError(`Cannot read the data file ${file} (${code}). Fix its permissions, or start with --data-file <other path> or --in-memory.`);
      }
    }
    const db = new Low<State>(new JSONFile<State>(file), {} as State);
    const store = new Store(db, file);
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
    return store;
  }

  get state(): State {
    return this.#db.data;
  }

  /** Swap in a whole new state (reset, import, restore) and persist it. */
  async replace(next: State): Promise<void> {
    this.#db.data = withCollections(next);
    await this.commit();
  }

  async commit(): Promise<void> {
    await this.#db.write();
  }
}
