import type { NextFunction, Request, Response } from 'express';
import { ApiError, messages } from '../http/errors.js';

/** With CONTROL_TOKEN set, every control request needs `Authorization: Bearer <token>`. */
export function controlAuth(token: string | null) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (token === null) return next();
    const header = req.get('authorization') ?? '';
    if (header !== `Bearer ${token}`) return next(new ApiError(401, messages.controlUnauthorized));
    next();
  };
}
