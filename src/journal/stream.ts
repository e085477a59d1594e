import type { Request, Response } from 'express';
import { type Journal, type JournalEntry, type JournalQuery, matches, summaryOf } from './journal.js';

const FLUSH_MS = 200;
const KEEPALIVE_MS = 15_000;
/** per flush: more than this and the oldest of the batch are counted as dropped */
const MAX_BATCH = 500;

/**
 * Server-Sent Events of new journal entries, batched: at 1,000 requests per second a reader gets
 * five events a second, not a thousand, and a reader whose socket is full is told how many it
 * missed instead of making the mock buffer without bound.
 */
export function streamJournal(journal: Journal, q: JournalQuery, req: Request, res: Response): void {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  const after = q.after ?? req.get('last-event-id') ?? undefined;
  let pending: JournalEntry[] = after ? journal.query({ ...q, after, limit: MAX_BATCH }).items.reverse() : [];
  let dropped = 0;
  const { after: _after, limit: _limit, ...filter } = q;
  res.write('retry: 2000\n\n');

  const flush = () => {
    if (!pending.length && !dropped) return;
    if (res.writableNeedDrain) {
      dropped += pending.length;
      pending = [];
      return;
    }
    let out = '';
    if (dropped) out += `event: dropped\ndata: {"dropped":${dropped}}\n\n`;
    if (pending.length) out += `event: requests\nid: ${pending[pending.length - 1]!.id}\ndata: ${JSON.stringify(pending.map(summaryOf))}\n\n`;
    pending = [];
    dropped = 0;
    res.write(out);
  };
  const unsubscribe = journal.subscribe((entry) => {
    if (!matches(entry, filter)) return;
    pending.push(entry);
    if (pending.length > MAX_BATCH) {
      dropped += pending.length - MAX_BATCH;
      pending = pending.slice(-MAX_BATCH);
    }
  });
  const flusher = setInterval(flush, FLUSH_MS);
  const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
  flusher.unref();
  keepalive.unref();
  flush();
  res.on('close', () => {
    clearInterval(flusher);
    clearInterval(keepalive);
    unsubscribe();
  });
}
