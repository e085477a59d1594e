import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { step, type DurabilityHooks } from './durability-hooks.js';
import { writeFully } from './durable-write.js';
import type { State } from './state.js';

/** Owner read/write only: the data file holds API keys, PANs, CVVs and PINs. */
export const DATA_FILE_MODE = 0o600;

/**
 * The lowdb adapter of the data file: the whole state plus its `generation`, the number that pairs
 * it with its change log. A write goes to a temporary file (0600), is fsync'ed and renamed over the
 * data file (the store fsyncs the folder): a crash leaves either the old snapshot or the new one, whole.
 */
export class SnapshotFile implements Adapter<State> {
  readonly file: string;
  readonly #hooks: DurabilityHooks | undefined;
  /** the generation the next write stamps */
  generation = 0;
  /** the inode of the data file last written: a different one (or none) means it was deleted or replaced */
  #inode: number | null = null;
  bytes = 0;

  constructor(file: string, hooks?: DurabilityHooks) {
    this.file = file;
    this.#hooks = hooks;
  }

  async read(): Promise<State | null> {
    return null; // Store.open reads and validates the file itself
  }

  async write(state: State): Promise<void> {
    const folder = path.dirname(this.file);
    await mkdir(folder, { recursive: true });
    const text = Buffer.from(JSON.stringify({ generation: this.generation, ...state }));
    const temporary = path.join(folder, `.${path.basename(this.file)}.tmp`);
    const handle = await open(temporary, 'w', DATA_FILE_MODE);
    let inode: number;
    try {
      await handle.chmod(DATA_FILE_MODE);
      await writeFully(handle, text, 0, this.#hooks);
      await handle.sync();
      inode = (await handle.stat()).ino;
    } catch (e) {
      await handle.close().catch(() => undefined);
      // a half-written copy would only take the space a retry needs
      await unlink(temporary).catch(() => undefined);
      throw e;
    }
    await handle.close();
    step(this.#hooks, 'snapshot:written');
    await rename(temporary, this.file);
    this.#inode = inode;
    this.bytes = text.length;
    step(this.#hooks, 'snapshot:renamed');
  }

  /** Remembers the data file found at start as the one this store writes. */
  async adopt(bytes: number): Promise<void> {
    this.#inode = (await stat(this.file)).ino;
    this.bytes = bytes;
  }

  /** False once the data file was deleted or replaced behind the store's back. */
  async intact(): Promise<boolean> {
    try {
      return (await stat(this.file)).ino === this.#inode;
    } catch {
      return false;
    }
  }
}
