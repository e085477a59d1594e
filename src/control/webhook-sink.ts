import express, { Router } from 'express';
import { errorTemplate } from '../http/errors.js';
import type { ControlDeps } from './deps.js';

/** Bodies the sink reads: a 3-DS webhook is a few bytes; anything past this is refused, not buffered. */
const SINK_BODY_LIMIT = '64kb';
const NAME = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;

export const webhookSinkMessages = {
  badName: 'The sink name is the path after /_mock/webhook-sink/: letters, digits, ".", "_", "~", "-", segments separated by "/", at most 200 characters.',
} as const;

/** Each status paired with its message; raised as `throw webhookSinkErrors.x(...)`. */
const webhookSinkErrors = {
  badName: errorTemplate(400, webhookSinkMessages.badName),
} as const;

/**
 * The receiving side of the built-in webhook sink, mounted before the control token and the spec
 * validator: the mock's own webhook dispatcher (and the developer's app) post to it without the
 * token, with any content type. It only appends to the sink's list.
 */
export function webhookSinkReceiver(deps: ControlDeps): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: SINK_BODY_LIMIT });
  router.all(/^\/_mock\/webhook-sink\/(.+)$/, raw, (req, res, next) => {
    if (req.method !== 'POST' && req.method !== 'PUT') return next();
    const name = (req.params as Record<string, string>)[0] ?? '';
    if (name.length > 200 || !NAME.test(name)) {
      throw webhookSinkErrors.badName();
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const delivery = deps.webhookSink.receive(name, req.method, req.headers, body, deps.clock.now());
    res.json({ status: 'success', receivedId: delivery.receivedId });
  });
  return router;
}

/** Reading and clearing the sink: ordinary control calls (token, validation). */
export function webhookSinkRouter(deps: ControlDeps): Router {
  const router = Router();
  router.get('/_mock/webhook-sink', (req, res) => {
    res.json(deps.webhookSink.list(typeof req.query.name === 'string' ? req.query.name : undefined));
  });
  router.delete('/_mock/webhook-sink', (_req, res) => {
    deps.webhookSink.clear();
    res.json({ status: 'success' });
  });
  return router;
}
