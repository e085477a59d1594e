import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Clock } from '../clock.js';
import { contextOf } from '../http/context.js';
import { sendError } from '../http/error-handler.js';
import { ApiError, messages } from '../http/errors.js';
import type { Store } from '../store/store.js';
import { deferredCommit, type DeferredCommit } from './context.js';
import { findRecord, fingerprint, storeRecord } from './records.js';

export const idempotencyMessages = {
  invalidKey: 'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice).',
  reused:
    'This Idempotency-Key was already used for a different request (another method, path or body). Use a new key for a new operation; resend the identical request to get the first answer again.',
  inFlight: 'A request with this Idempotency-Key is still being processed. Retry once it has finished: it will get the same answer.',
} as const;

const KEY = /^[\x21-\x7e]{1,255}$/;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Writes sent with an Idempotency-Key (any POST/PUT/PATCH/DELETE under /v2, whatever the endpoint):
 * the first successful (2xx) answer is stored with the change in one commit and replayed, without
 * running the operation again, to every later request with the same key and the same method, path and
 * body, for 24 hours on the mock's clock. A different request with the same key is a 409, as is a
 * second request while the first is still running. Answers that are not 2xx changed nothing and are
 * not stored: the retry runs again. Without the header nothing changes.
 */
export function idempotency(deps: { store: Store; clock: Clock }): RequestHandler {
  const inFlight = new Set<string>();

  return (req: Request, res: Response, next: NextFunction) => {
    const key = req.get('idempotency-key');
    if (key === undefined || !WRITES.has(req.method)) return next();
    if (!KEY.test(key)) return next(new ApiError(422, idempotencyMessages.invalidKey, [{ field: 'headers.idempotency-key', message: 'must be 1..255 visible ASCII characters' }]));
    const { program } = contextOf(req).caller;
    const now = deps.clock.now();
    // in flight until its commit is on disk: a replay never answers what is not stored yet
    const slot = `${program.programId}\u0000${key}`;
    if (inFlight.has(slot)) return next(new ApiError(409, idempotencyMessages.inFlight));
    const print = fingerprint(req.method, req.originalUrl, req.body);
    const stored = findRecord(deps.store.state, program.programId, key, now);
    if (stored) {
      if (stored.fingerprint !== print) return next(new ApiError(409, idempotencyMessages.reused));
      res.setHeader('Idempotent-Replayed', 'true');
      res.status(stored.status).json(stored.body);
      return;
    }
    inFlight.add(slot);

    const pending: DeferredCommit = { tx: deps.store.begin() };
    let committed = false;
    const commit = async () => {
      committed = true;
      await pending.tx.commit();
    };
    const json = res.json;
    res.json = function answerOnceCommitted(body: unknown) {
      res.json = json;
      const success = res.statusCode >= 200 && res.statusCode < 300;
      if (success) {
        pending.tx.run((state) => storeRecord(state, { programId: program.programId, key, fingerprint: print, method: req.method, path: req.originalUrl, status: res.statusCode, body, createdAt: now }));
      }
      const persist = success || pending.tx.changed ? commit() : Promise.resolve();
      persist.then(
        () => {
          inFlight.delete(slot);
          res.json(body);
        },
        (err: unknown) => {
          inFlight.delete(slot);
          // the store says why it could not write (a clear 500); anything else stays generic
          sendError(res, err instanceof ApiError ? err : new ApiError(500, messages.internal));
        },
      );
      return res;
    };
    // An answer sent without res.json (none today) stores no record, but its change is still persisted.
    // A client that goes away does not end the slot: the handler still runs and answers through res.json.
    res.once('finish', () => {
      inFlight.delete(slot);
      if (pending.tx.changed && !committed) void commit().catch(() => undefined);
    });
    deferredCommit.run(pending, next);
  };
}
