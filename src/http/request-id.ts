import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { attachContext, RequestContext } from './context.js';

// a random prefix per process and a counter: unique, and cheap on the hot path
const prefix = randomBytes(5).toString('hex');
const prefixes = { req: `req_${prefix}`, tls: `tls_${prefix}` };
let counter = 0;

/** A journal id: `req_` for requests, `tls_` for refused handshakes. */
export function nextId(kind: 'req' | 'tls'): string {
  return prefixes[kind] + (++counter).toString(36).padStart(8, '0');
}

/** Every response carries X-Request-Id; the journal stores the same id. The request's context starts here. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const id = nextId('req');
  attachContext(req, new RequestContext(id));
  res.setHeader('X-Request-Id', id);
  next();
}
