import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { errors } from '../http/errors.js';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * With CONTROL_TOKEN set, every control request needs `Authorization: Bearer <token>`. Compared in
 * constant time over equal-length digests, so the time of a refusal says nothing about the token.
 */
export function controlAuth(token: string | null) {
  const expected = token === null ? null : digest(`Bearer ${token}`);
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (expected === null) return next();
    if (!timingSafeEqual(digest(req.get('authorization') ?? ''), expected)) return next(errors.controlUnauthorized());
    next();
  };
}
