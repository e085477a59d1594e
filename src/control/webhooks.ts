import { Router } from 'express';
import { notFound } from '../http/errors.js';
import type { ControlDeps } from './deps.js';

/** Webhook deliveries the mock attempted, newest first, with their outcome. */
export function webhooksRouter(deps: ControlDeps): Router {
  const router = Router();
  router.get('/_mock/webhooks', (_req, res) => {
    res.json(deps.webhooks.list());
  });
  router.post('/_mock/webhooks/:deliveryId/redeliver', (req, res) => {
    const delivery = deps.webhooks.redeliver(Number(req.params.deliveryId));
    if (!delivery) throw notFound('webhook delivery', req.params.deliveryId);
    res.status(201).json(delivery);
  });
  router.delete('/_mock/webhooks', (_req, res) => {
    deps.webhooks.clear();
    res.json({ status: 'success' });
  });
  return router;
}
