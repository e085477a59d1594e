import { open, readFile, stat, truncate } from 'node:fs/promises';
import type { Change } from './tracker.js';

/**
 * The append-only file of changes next to the snapshot: one JSON line per committed mutation
 * (`Change[]`). A batch of lines is one write and one fdatasync (group commit). Compaction writes a
 * new snapshot and truncates this file.
 */
export class ChangeLog {
  readonly file: string;
  #bytes = 0;

  constructor(file: string) {
    this.file = file;
  }

  get bytes(): number {
    return this.#bytes;
  }

  async append(text: string): Promise<void> {
    if (!text) return;
    const handle = await open(this.file, 'a');
    try {
      await handle.write(text);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    this.#bytes += Buffer.byteLength(text);
  }

  async clear(): Promise<void> {
    try {
      await truncate(this.file, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    this.#bytes = 0;
  }

  /**
   * The committed mutations in order. A last line cut off by a crash mid-write is dropped (it was
   * never acknowledged); any other line that does not parse makes the file unreadable.
   */
  async read(): Promise<Change[][]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    this.#bytes = (await stat(this.file)).size;
    const lines = text.split('\n');
    const torn = lines.pop();
    const entries: Change[][] = [];
    lines.forEach((line, i) => {
      try {
        entries.push(JSON.parse(line) as Change[]);
      } catch {
        throw new Error(`line ${i + 1} is not a JSON change list`);
      }
    });
    if (torn) {
      try {
        entries.push(JSON.parse(torn) as Change[]);
      } catch {
        /* cut off mid-write: never acknowledged */
      }
    }
    return entries;
  }
}
