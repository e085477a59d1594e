import { Router, type NextFunction, type Request, type Response } from 'express';
import { forceKycOutcome } from '../domain/cardholders.js';
import { ApiError, messages } from '../http/errors.js';
import { callerOf } from '../gateway/gateway.js';
import { mutate, type PlatformDeps } from './deps.js';

/** /v2/staging/* exists only in staging: production credentials get 404 (SBX). */
export function stagingOnly(_req: Request, res: Response, next: NextFunction): void {
  if (callerOf(res).program.environment !== 'staging') return next(new ApiError(404, messages.stagingOnly));
  next();
}

export function stagingRouter(deps: PlatformDeps): Router {
  const router = Router();
  router.post('/v2/staging/kyc/validate', async (req, res) => {
    const { program } = callerOf(res);
    const { cardholderId, result } = req.body as { cardholderId: number; result: 'pass' | 'fail' };
    const c = await mutate(deps, (state, now) => forceKycOutcome(state, program.programId, cardholderId, result, now));
    res.json({ status: 'success', result: { cardholderId: c.cardholderId, status: c.status } });
  });

  return router;
}
