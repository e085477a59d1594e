import { Router } from 'express';
import type { ControlDeps } from './deps.js';

/** Webhook deliveries the mock attempted, newest first, with their outcome. */
export function webhooksRouter(deps: ControlDeps): Router {
  const router = Router();
  router.get('/_mock/webhooks', (_req, res) => {
    res.json(deps.webhooks.list());
  });
  router.delete('/_mock/webhooks', (_req, res) => {
    deps.webhooks.clear();
    res.json({ status: 'success' });
  });
  return router;
}
