import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Clock } from '../clock.js';
import type { faultInjection } from '../faults/inject.js';
import { authenticate, type GatewayDeps } from '../gateway/gateway.js';
import { checkRateLimit, type RateLimiter } from '../gateway/rate-limit.js';
import { attachContext, RequestContext } from '../http/context.js';
import { ApiError, errors } from '../http/errors.js';
import { nextId } from '../http/request-id.js';
import type { Journal } from '../journal/journal.js';
import { journalOnClose } from '../journal/recorder.js';
import { STAGING_PATH } from './staging.js';

export interface FrontDoorDeps {
  journal: Journal;
  clock: Clock;
  gateway: GatewayDeps;
  /** the gateway's last step: the token bucket per API key */
  rateLimiter?: RateLimiter;
  /** the single point where faults apply: after the gateway, before the body is read and validated */
  faults?: ReturnType<typeof faultInjection>;
}

/**
 * Everything before the body is read, in the documented order and in one layer: the request's context
 * and X-Request-Id, its journal entry (written when the response is finished), the gateway (client
 * certificate, allowlist, FCrDNS, API key), the rate limit, faults, and the staging-only check.
 * Synchronous unless FCrDNS asks the system resolver or a delay fault fires.
 */
export function frontDoor(deps: FrontDoorDeps): RequestHandler {
  const { rateLimiter, faults } = deps;
  return (req: Request, res: Response, next: NextFunction) => {
    const ctx = attachContext(req, new RequestContext(nextId('req')));
    res.setHeader('X-Request-Id', ctx.requestId);
    journalOnClose(deps.journal, deps.clock, req, res, ctx);

    const stagingCheck: NextFunction = (err?: unknown) => {
      if (err) return next(err);
      if (STAGING_PATH.test(req.path) && ctx.caller.program.environment !== 'staging') return next(errors.stagingOnly());
      next();
    };
    const afterGateway = (refusal: ApiError | null) => {
      if (refusal) return next(refusal);
      const limited = rateLimiter ? checkRateLimit(rateLimiter, res, ctx) : null;
      if (limited) return next(limited);
      if (faults) faults(req, res, ctx, stagingCheck);
      else stagingCheck();
    };
    const outcome = authenticate(deps.gateway, req, ctx);
    if (outcome instanceof Promise) outcome.then(afterGateway, next);
    else afterGateway(outcome);
  };
}
