import type { Request } from 'express';
import { errorTemplate } from '../http/errors.js';
import type { State } from '../store/state.js';
import { findRecord, fingerprint, storeRecord, type IdempotencyRecord } from './records.js';

export const idempotencyMessages = {
  invalidKey: 'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice).',
  reused:
    'This Idempotency-Key was already used for a different request (another method, path or body). Use a new key for a new operation; resend the identical request to get the first answer again.',
  inFlight: 'A request with this Idempotency-Key is still being processed. Retry once it has finished: it will get the same answer.',
} as const;

const idempotencyErrors = {
  invalidKey: errorTemplate(422, idempotencyMessages.invalidKey),
  reused: errorTemplate(409, idempotencyMessages.reused),
  inFlight: errorTemplate(409, idempotencyMessages.inFlight),
} as const;

const KEY = /^[\x21-\x7e]{1,255}$/;

/** A write with a key that has no answer yet: it stores its answer in the write's own transaction, and holds the key until then. */
export interface KeyClaim {
  /** stores the 2xx answer (called inside the write's transaction, so the answer commits with the change) */
  store(state: State, status: number, body: unknown): void;
  /** the commit is on disk (or failed): the key is free for a retry or a replay */
  release(): void;
}

export type KeyLookup = { replay: IdempotencyRecord } | { claim: KeyClaim };

/**
 * Writes sent with an Idempotency-Key (any POST/PUT/PATCH/DELETE under /v2, whatever the endpoint):
 * the first successful (2xx) answer is stored with the change in one commit and replayed, without
 * running the operation again, to every later request with the same key and the same method, path and
 * body, for 24 hours on the mock's clock. A different request with the same key is a 409, as is a
 * second request while the first is still running. Answers that are not 2xx changed nothing and are
 * not stored: the retry runs again. Without the header nothing changes.
 */
export class IdempotencyKeys {
  /** keys whose write is running, until its commit is on disk: a replay never answers what is not stored yet */
  readonly #inFlight = new Set<string>();

  /** null without a key; throws the 422 or 409 a key can earn. */
  lookup(req: Request, state: State, programId: number, now: number): KeyLookup | null {
    const key = req.get('idempotency-key');
    if (key === undefined) return null;
    if (!KEY.test(key)) throw idempotencyErrors.invalidKey().withErrors([{ field: 'headers.idempotency-key', message: 'must be 1..255 visible ASCII characters' }]);
    const slot = `${programId}\u0000${key}`;
    if (this.#inFlight.has(slot)) throw idempotencyErrors.inFlight();
    const print = fingerprint(req.method, req.originalUrl, req.body);
    const stored = findRecord(state, programId, key, now);
    if (stored) {
      if (stored.fingerprint !== print) throw idempotencyErrors.reused();
      return { replay: stored };
    }
    this.#inFlight.add(slot);
    return {
      claim: {
        store: (draft, status, body) => storeRecord(draft, { programId, key, fingerprint: print, method: req.method, path: req.originalUrl, status, body, createdAt: now }),
        release: () => this.#inFlight.delete(slot),
      },
    };
  }
}
