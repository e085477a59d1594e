import { Router } from 'express';
import { cardholderLifecycle } from '../domain/cardholders.js';
import { errorTemplate } from '../http/errors.js';
import { checkIntegrity } from '../store/integrity.js';
import type { State } from '../store/state.js';
import type { ControlDeps } from './deps.js';

export const stateMessages = {
  inconsistent: 'The state is inconsistent and was not imported (nothing changed): see errors[].',
} as const;

/** Each status paired with its message; raised as `throw stateErrors.x(...)`. */
const stateErrors = {
  inconsistent: errorTemplate(422, stateMessages.inconsistent),
} as const;

/** Export/import of the whole store and in-memory snapshots (contract section 5). */
export function stateRouter(deps: ControlDeps): Router {
  const router = Router();

  router.get('/_mock/state', (_req, res) => {
    res.json(deps.store.state);
  });

  router.get('/_mock/cardholder-lifecycles', (_req, res) => {
    const items = deps.store.state.cardholders.map((c) => ({ cardholderId: c.cardholderId, programId: c.programId, status: c.status, ...cardholderLifecycle(c) }));
    res.json({ items, total: items.length });
  });

  router.put('/_mock/state', async (req, res) => {
    const next = req.body as State;
    const errors = checkIntegrity(next);
    if (errors.length) throw stateErrors.inconsistent().withErrors(errors);
    await deps.replaceState(next);
    res.json({ status: 'success' });
  });

  router.get('/_mock/snapshots', (_req, res) => {
    const items = deps.snapshots.list();
    res.json({ items, total: items.length });
  });

  router.post('/_mock/snapshots', (req, res) => {
    const { name } = (req.body ?? {}) as { name?: string };
    res.status(201).json(deps.snapshots.take(deps.store.state, name ?? null, deps.clock.now()));
  });

  router.post('/_mock/snapshots/:snapshotId/restore', async (req, res) => {
    const snapshotId = Number(req.params.snapshotId);
    await deps.replaceState(deps.snapshots.state(snapshotId));
    res.json({ status: 'success', snapshotId });
  });

  router.delete('/_mock/snapshots/:snapshotId', (req, res) => {
    deps.snapshots.delete(Number(req.params.snapshotId));
    res.json({ status: 'success' });
  });

  return router;
}
