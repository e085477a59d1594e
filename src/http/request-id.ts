import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** Every response carries X-Request-Id; the journal stores the same id. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const id = `req_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
}
