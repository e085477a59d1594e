import { Router } from 'express';
import type { JournalQuery } from '../journal/journal.js';
import type { ControlDeps } from './deps.js';

export function journalRouter(deps: ControlDeps): Router {
  const router = Router();
  router.get('/_mock/requests', (req, res) => {
    res.json(deps.journal.query(req.query as JournalQuery));
  });
  router.delete('/_mock/requests', (_req, res) => {
    deps.journal.clear();
    res.json({ status: 'success' });
  });
  return router;
}
