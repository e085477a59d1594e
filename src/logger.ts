import type { Config } from './config.js';

export interface Logger {
  /** a line formatted already (the request log): written as it is unless silent */
  line(text: string): void;
  info(message: string): void;
  debug(message: string): void;
  error(message: string, err?: unknown): void;
}

/** Per stream, whether its reader is gone; absent until the first write watches the stream. */
const readerGone = new WeakMap<NodeJS.WritableStream, boolean>();

/**
 * Writes unless the stream's reader is gone. With stdout piped into `head`, a write after head
 * exited fails with EPIPE, emitted as an 'error' event that would crash the mock: the mock keeps
 * serving (and stops cleanly) and drops the lines nobody reads. Any other stream error still throws.
 */
export function write(stream: NodeJS.WritableStream, text: string): void {
  let gone = readerGone.get(stream);
  if (gone === undefined) {
    readerGone.set(stream, (gone = false));
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      readerGone.set(stream, true);
    });
  }
  if (!gone) stream.write(text);
}

/** Request lines are many and small; one write per line costs a system call each (stdout is synchronous for pipes and files). */
const BATCH_MAX = 64 * 1024;

/**
 * Lines gathered during one turn of the event loop and written together at its end (or once 64 KB
 * have gathered, or at exit), in order with everything else written to the same stream.
 */
class LineBatch {
  #text = '';
  #scheduled = false;
  constructor(private readonly stream: NodeJS.WritableStream) {}

  add(line: string): void {
    this.#text += line;
    if (this.#text.length >= BATCH_MAX) return this.flush();
    if (this.#scheduled) return;
    if (!exitHooked) {
      exitHooked = true;
      process.on('exit', flushBatches);
    }
    batches.add(this);
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.#scheduled = false;
    batches.delete(this);
    if (!this.#text) return;
    const text = this.#text;
    this.#text = '';
    write(this.stream, text);
  }
}

const batches = new Set<LineBatch>();
let exitHooked = false;
function flushBatches(): void {
  for (const b of [...batches]) b.flush();
}

export function createLogger(level: Config['logLevel'], format: Config['logFormat'] = 'text'): Logger {
  const lines = new LineBatch(process.stdout);
  const out = (message: string) => {
    lines.flush();
    write(process.stdout, `${message}\n`);
  };
  const json = (lvl: string, msg: string, err?: unknown) =>
    JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...(err instanceof Error ? { error: err.message, stack: err.stack } : err ? { error: String(err) } : {}) });
  const text = format === 'json' ? (lvl: string, m: string) => json(lvl, m) : (_lvl: string, m: string) => m;
  return {
    line: (t) => level !== 'silent' && lines.add(`${t}\n`),
    info: (m) => level !== 'silent' && out(text('info', m)),
    debug: (m) => level === 'debug' && out(text('debug', m)),
    error: (m, err) => {
      if (level === 'silent') return;
      if (format === 'json') return write(process.stderr, `${json('error', m, err)}\n`);
      write(process.stderr, `${m}${err instanceof Error ? `\n${err.stack}` : err ? ` ${String(err)}` : ''}\n`);
    },
  };
}
