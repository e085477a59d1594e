import { open, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Crashed, step, type DurabilityHooks } from './durability-hooks.js';
import { syncFolder, writeFully } from './durable-write.js';
import { DATA_FILE_MODE } from './snapshot-file.js';
import { describeHazard, MAX_FILE_DEPTH, PROTOTYPE_KEYS, scanJson } from '../json-scan.js';
import type { Change } from './tracker.js';

/** What a change log holds: the generation of the snapshot it replays over, and its committed mutations. */
export interface LogContents {
  /** 0 for a log written before generations (no header line) */
  generation: number;
  entries: Change[][];
  /** the file has nothing but its header: it can be appended to as it is */
  empty: boolean;
}

const header = (generation: number) => `${JSON.stringify({ generation })}\n`;

/**
 * The append-only file of changes next to the snapshot: a header line `{"generation":N}`, then one
 * JSON line per committed mutation (`Change[]`). It replays only over the snapshot of its own
 * generation, so a crash between a new snapshot and a new log cannot replay an old log over the new
 * snapshot. A batch of lines is one write and one fdatasync (group commit); a batch that fails is cut
 * off again, so the file only ever ends in a torn line, never holds one in the middle.
 */
export class ChangeLog {
  readonly file: string;
  readonly #hooks: DurabilityHooks | undefined;
  #handle: FileHandle | null = null;
  #inode: number | null = null;
  /** the end of the last acknowledged line */
  #offset = 0;
  /** a failed append could not be cut off: the file must be replaced before the next append */
  #broken = false;

  constructor(file: string, hooks?: DurabilityHooks) {
    this.file = file;
    this.#hooks = hooks;
  }

  get bytes(): number {
    return this.#offset;
  }

  /**
   * Reads the log. A last line cut off by a crash mid-write is dropped (it was never acknowledged);
   * any other line that does not parse makes the file unreadable, unless the log belongs to another
   * generation than `generation` (then only its header is read: it is stale and will be replaced).
   */
  static async read(file: string, generation: number): Promise<LogContents | null> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const lines = text.split('\n');
    const torn = lines.pop();
    let logGeneration = 0;
    let first = 0;
    const head = lines[0] ?? '';
    if (head && !head.startsWith('{') && !head.startsWith('[')) throw new Error('line 1 is neither a change-log header nor a JSON change list');
    if (head.startsWith('{')) {
      const parsed = parseLine(head);
      if (parsed === undefined || typeof (parsed as { generation?: unknown }).generation !== 'number') throw new Error('line 1 is not a change-log header');
      logGeneration = (parsed as { generation: number }).generation;
      first = 1;
    }
    if (logGeneration !== generation) return { generation: logGeneration, entries: [], empty: false };
    const entries: Change[][] = [];
    for (let i = first; i < lines.length; i++) {
      const parsed = parseChangeLine(lines[i]!, i + 1);
      if (!parsed) throw new Error(`line ${i + 1} is not a JSON change list`);
      entries.push(parsed);
    }
    const last = torn ? parseChangeLine(torn, lines.length + 1) : undefined;
    if (last) entries.push(last);
    return { generation: logGeneration, entries, empty: first === 1 && lines.length === 1 && !torn };
  }

  /** Starts a new, empty log of `generation` in place of the old one (temporary file, fsync, rename). */
  async start(generation: number): Promise<void> {
    const folder = path.dirname(this.file);
    const temporary = path.join(folder, `.${path.basename(this.file)}.tmp`);
    const text = Buffer.from(header(generation));
    const handle = await open(temporary, 'w', DATA_FILE_MODE);
    try {
      await handle.chmod(DATA_FILE_MODE);
      await writeFully(handle, text, 0, this.#hooks);
      await handle.sync();
      step(this.#hooks, 'log:written');
      await rename(temporary, this.file);
      step(this.#hooks, 'log:renamed');
      await syncFolder(folder);
    } catch (e) {
      await handle.close().catch(() => undefined);
      if (!(e instanceof Crashed)) await unlink(temporary).catch(() => undefined);
      throw e;
    }
    await this.close();
    this.#handle = handle;
    this.#inode = (await handle.stat()).ino;
    this.#offset = text.length;
    this.#broken = false;
  }

  /** Appends to the log found at start, which holds only its header. */
  async resume(bytes: number): Promise<void> {
    const handle = await open(this.file, 'r+');
    await this.close();
    this.#handle = handle;
    await handle.chmod(DATA_FILE_MODE);
    this.#inode = (await handle.stat()).ino;
    this.#offset = bytes;
    this.#broken = false;
  }

  /** Whether appends land in the file a restart reads (not deleted, replaced or left torn). */
  async usable(): Promise<boolean> {
    if (!this.#handle || this.#broken) return false;
    try {
      const [open, onDisk] = await Promise.all([this.#handle.stat(), stat(this.file)]);
      return open.nlink > 0 && onDisk.ino === this.#inode;
    } catch {
      return false;
    }
  }

  /** Writes every byte of `text` and fdatasyncs it, or fails leaving the file as it was. */
  async append(text: string): Promise<void> {
    if (!text) return;
    const handle = this.#handle;
    if (!handle) throw new Error('the change log is not open');
    const data = Buffer.from(text);
    const start = this.#offset;
    try {
      if (this.#hooks?.at?.('append:torn') === 'crash') {
        await writeFully(handle, data.subarray(0, Math.max(1, data.length >> 1)), start);
        throw new Crashed('append:torn');
      }
      await writeFully(handle, data, start, this.#hooks);
      step(this.#hooks, 'append:written');
      await handle.datasync();
      step(this.#hooks, 'append:synced');
    } catch (e) {
      if (e instanceof Crashed) throw e;
      try {
        await handle.truncate(start);
        await handle.datasync();
      } catch {
        this.#broken = true;
      }
      throw e;
    }
    this.#offset = start + data.length;
  }

  /** The log no longer matches the data file (a new snapshot without a new log): replace it before appending. */
  markBroken(): void {
    this.#broken = true;
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close().catch(() => undefined);
  }
}

/** A slot path: one or two names, none that reaches a prototype. */
function isSlotPath(p: unknown): p is Change['p'] {
  return Array.isArray(p) && (p.length === 1 || p.length === 2) && p.every((k) => typeof k === 'string' && !PROTOTYPE_KEYS.has(k));
}

function isChange(c: unknown): c is Change {
  if (typeof c !== 'object' || c === null || !isSlotPath((c as { p?: unknown }).p)) return false;
  return 'v' in c || (c as { deleted?: unknown }).deleted === true;
}

/**
 * A line of changes, or undefined when it is not one (a torn tail). A line with a key that could
 * reach a prototype is no accident of a crash: it throws, and the start is refused.
 */
function parseChangeLine(line: string, number: number): Change[] | undefined {
  const hazard = scanJson(line, MAX_FILE_DEPTH);
  if (hazard) throw new Error(`line ${number}: ${describeHazard(hazard)}`);
  const parsed = parseLine(line);
  if (!Array.isArray(parsed)) return undefined;
  for (const c of parsed as { p?: unknown }[]) {
    const names = Array.isArray(c?.p) ? (c.p as unknown[]) : [];
    const named = names.find((k) => typeof k === 'string' && PROTOTYPE_KEYS.has(k));
    if (named !== undefined) throw new Error(`line ${number}: the change to ${names.join('.')} names "${String(named)}", a key that reaches a prototype`);
  }
  return parsed.every(isChange) ? (parsed as Change[]) : undefined;
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
