import { Router } from 'express';
import { notFound } from '../http/errors.js';
import { toHar } from '../journal/har.js';
import { summaryOf, type JournalQuery } from '../journal/journal.js';
import { streamJournal } from '../journal/stream.js';
import type { ControlDeps } from './deps.js';

export function journalRouter(deps: ControlDeps): Router {
  const router = Router();
  router.get('/_mock/requests', (req, res) => {
    const page = deps.journal.query(req.query as JournalQuery);
    res.json({ items: page.items.map(summaryOf), total: page.total });
  });
  router.delete('/_mock/requests', (_req, res) => {
    deps.journal.clear();
    res.json({ status: 'success' });
  });
  router.get('/_mock/requests/stream', (req, res) => {
    streamJournal(deps.journal, req.query as JournalQuery, req, res);
  });
  router.get('/_mock/requests/export.har', (req, res) => {
    const q = req.query as JournalQuery;
    const page = deps.journal.query({ ...q, limit: q.limit ?? 5000 });
    res.set('Content-Disposition', 'attachment; filename="axys-mock-journal.har"');
    res.json(toHar(page.items, deps.platformUrl(), deps.version));
  });
  router.get('/_mock/requests/:entry', (req, res) => {
    const entry = deps.journal.get(req.params.entry);
    if (!entry) throw notFound('journal entry', req.params.entry);
    res.json(entry);
  });
  return router;
}
