import type { Express } from 'express';
import type { Clock } from '../clock.js';
import type { faultInjection } from '../faults/inject.js';
import type { GatewayDeps } from '../gateway/gateway.js';
import type { RateLimiter } from '../gateway/rate-limit.js';
import { baseApp } from '../http/base-app.js';
import { contextOf } from '../http/context.js';
import { errorHandler, type ErrorLogger } from '../http/error-handler.js';
import { chain } from '../http/chain.js';
import { jsonBody } from '../http/json-body.js';
import { specRouter } from '../http/spec-router.js';
import { loadSpecValidator } from '../http/validator.js';
import { IdempotencyKeys } from '../idempotency/keys.js';
import type { Journal } from '../journal/journal.js';
import { seeRequestBody } from '../journal/recorder.js';
import { platformSpecPath } from '../paths.js';
import type { Store } from '../store/store.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import { cardholderOperations } from './cardholders.js';
import { cardOperations } from './cards.js';
import { deprecatedOperations } from './deprecated.js';
import type { PlatformDeps, PlatformSettings } from './deps.js';
import { frontDoor } from './front-door.js';
import type { Operation } from './operation.js';
import { otpOperations } from './otp.js';
import { stagingOperations } from './staging.js';
import { transactionOperations } from './transactions.js';
import { UnitOfWork } from './unit-of-work.js';
import { walletOperations } from './wallets.js';

export interface PlatformAppDeps {
  store: Store;
  clock: Clock;
  journal: Journal;
  gateway: GatewayDeps;
  settings: PlatformSettings;
  webhooks: WebhookDispatcher;
  validateResponses: boolean;
  logError: ErrorLogger;
  /** the gateway's last step: the token bucket per API key */
  rateLimiter?: RateLimiter;
  /** the single point where faults apply: after the gateway, before validation */
  faults?: ReturnType<typeof faultInjection>;
}

/** Every operation of openapi/platform.yaml, by operationId. */
export function platformOperationTable(deps: PlatformDeps): Map<string, Operation> {
  const all = [cardholderOperations(), cardOperations(deps), transactionOperations(), walletOperations(deps), otpOperations(deps), stagingOperations(deps), deprecatedOperations()].flat();
  return new Map(all.map((op) => [op.operationId as string, op]));
}

/**
 * The emulated platform API (/v2), in the documented order: the front door (request id, journal,
 * gateway, rate limit, faults, staging check), the JSON body, then the spec's dispatcher, which
 * validates against the spec and runs the operation as one unit of work (a path the spec lacks is a
 * 404), all in one layer. The spec is loaded (once per process) before this resolves, so the
 * listener is ready when it starts.
 */
export async function createPlatformApp(deps: PlatformAppDeps): Promise<Express> {
  const spec = await loadSpecValidator(platformSpecPath, deps.validateResponses);
  const operations = platformOperationTable({ store: deps.store, clock: deps.clock, settings: deps.settings, webhooks: deps.webhooks });
  const work = new UnitOfWork({ store: deps.store, clock: deps.clock, keys: new IdempotencyKeys() });
  const app = baseApp();
  // the front door, the body and the spec's dispatcher: one layer, run in this order
  app.use(
    chain(
      frontDoor({ journal: deps.journal, clock: deps.clock, gateway: deps.gateway, rateLimiter: deps.rateLimiter, faults: deps.faults }),
      jsonBody({ limit: '256kb', seen: seeRequestBody }),
      specRouter(spec, deps.validateResponses, (route) => {
        const op = route.operationId === undefined ? undefined : operations.get(route.operationId);
        if (!op) return undefined;
        return (_route, req, res, next) => {
          try {
            const done = work.run(op, req, res, contextOf(req));
            if (done) done.catch(next);
          } catch (e) {
            next(e);
          }
        };
      }),
    ),
  );
  app.use(errorHandler(deps.logError));
  return app;
}
