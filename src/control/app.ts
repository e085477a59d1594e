import { Router, type Express } from 'express';
import { baseApp } from '../http/base-app.js';
import { errorHandler } from '../http/error-handler.js';
import { jsonBody } from '../http/json-body.js';
import { ApiError } from '../http/errors.js';
import { FixturesError } from '../store/fixtures.js';
import { requestId } from '../http/request-id.js';
import { controlAuth } from './auth.js';
import { browserGuard, selfDeliveryGuard, writeGuard } from './browser-guard.js';
import { certificatesRouter } from './certificates.js';
import { clockRouter } from './clock.js';
import type { ControlDeps } from './deps.js';
import { dnsRouter } from './dns.js';
import { faultsRouter } from './faults.js';
import { journalRouter } from './journal.js';
import { observeRouter } from './observe.js';
import { programStateRouter } from './program-state.js';
import { programsRouter } from './programs.js';
import { rateLimitsRouter } from './rate-limits.js';
import { stagingControlRouter } from './staging.js';
import { stateRouter } from './state.js';
import { platformCallRouter } from './platform-call.js';
import { uiRouter } from './ui.js';
import { checkControlAnswers, controlValidation } from './validation.js';
import { webhookSinkReceiver, webhookSinkRouter } from './webhook-sink.js';
import { webhooksRouter } from './webhooks.js';

function healthRouter(deps: ControlDeps): Router {
  const router = Router();
  router.get('/_mock/health', (_req, res) => {
    res.json({ status: 'ok', version: deps.version, time: deps.clock.now() });
  });
  router.post('/_mock/reset', async (req, res) => {
    const body = (req.body ?? {}) as { fixtures?: string };
    try {
      await deps.reset(body.fixtures);
    } catch (e) {
      if (e instanceof FixturesError) throw new ApiError(e.status, e.message, e.errors);
      throw e;
    }
    res.json({ status: 'success', fixtures: body.fixtures ?? null });
  });
  return router;
}

/** The control plane (/_mock) on its own listener, validated against openapi/control.yaml (loaded on the first control request). */
export function createControlApp(deps: ControlDeps): Express {
  const app = baseApp();
  app.use(requestId);
  app.use(browserGuard(deps.hostPolicy));
  app.use(selfDeliveryGuard(deps.webhookUrls.deliveryHeader));
  app.use(uiRouter(deps));
  app.use(webhookSinkReceiver(deps));
  app.use(writeGuard);
  app.use(controlAuth(deps.controlToken));
  app.use(jsonBody({ limit: '10mb' }));
  app.use(controlValidation(deps.validateResponses));
  for (const router of [healthRouter, programsRouter, rateLimitsRouter, programStateRouter, observeRouter, certificatesRouter, dnsRouter, journalRouter, clockRouter, webhooksRouter, webhookSinkRouter, faultsRouter, stateRouter, stagingControlRouter, platformCallRouter]) app.use(router(deps));
  app.use(errorHandler(deps.logError));
  if (deps.validateResponses) checkControlAnswers(app);
  return app;
}
