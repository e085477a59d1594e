import type { Express, RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import { gateway, type GatewayDeps } from '../gateway/gateway.js';
import { baseApp } from '../http/base-app.js';
import { errorHandler, type ErrorLogger } from '../http/error-handler.js';
import { jsonBody } from '../http/json-body.js';
import { ApiError, messages } from '../http/errors.js';
import { requestId } from '../http/request-id.js';
import { specValidator } from '../http/validator.js';
import type { Journal } from '../journal/journal.js';
import { countBodyBytes, journalRecorder } from '../journal/recorder.js';
import { platformSpecPath } from '../paths.js';
import type { Store } from '../store/store.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import { cardholdersRouter } from './cardholders.js';
import { cardsRouter } from './cards.js';
import { deprecatedRouter } from './deprecated.js';
import { clearDeposits, type PlatformSettings } from './deps.js';
import { otpRouter } from './otp.js';
import { stagingOnly, stagingRouter } from './staging.js';
import { transactionsRouter } from './transactions.js';
import { walletsRouter } from './wallets.js';

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
  rateLimit?: RequestHandler;
  /** the single point where faults apply: after the gateway, before validation */
  faults?: RequestHandler;
  /** Idempotency-Key on writes: needs the parsed body, runs before validation */
  idempotency?: RequestHandler;
}

/** The emulated platform API (/v2), in the documented order: gateway, faults, validation, operation. */
export function createPlatformApp(deps: PlatformAppDeps): Express {
  const app = baseApp();
  app.use(requestId);
  app.use(journalRecorder(deps.journal, deps.clock));
  app.use(gateway(deps.gateway));
  if (deps.rateLimit) app.use(deps.rateLimit);
  if (deps.faults) app.use(deps.faults);
  app.use('/v2/staging', stagingOnly);
  app.use(jsonBody({ limit: '256kb', verify: countBodyBytes }));
  if (deps.idempotency) app.use(deps.idempotency);
  app.use(specValidator(platformSpecPath, deps.validateResponses));
  const platform = { store: deps.store, clock: deps.clock, settings: deps.settings, webhooks: deps.webhooks };
  app.use(clearDeposits(platform));
  app.use(cardholdersRouter(platform));
  app.use(transactionsRouter(platform));
  app.use(cardsRouter(platform));
  app.use(walletsRouter(platform));
  app.use(otpRouter(platform));
  app.use(stagingRouter(platform));
  app.use(deprecatedRouter(platform));
  // in the spec but not routed would otherwise get Express's HTML 404
  app.use((req, _res, next) => next(new ApiError(404, messages.unknownRoute(req.method, req.path))));
  app.use(errorHandler(deps.logError));
  return app;
}
