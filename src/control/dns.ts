import { Router } from 'express';
import { checkDnsTable } from '../domain/programs.js';
import type { DnsTable } from '../store/state.js';
import type { ControlDeps } from './deps.js';

export function dnsRouter(deps: ControlDeps): Router {
  const router = Router();
  router.get('/_mock/dns', (_req, res) => {
    res.json(deps.store.state.dns);
  });
  router.put('/_mock/dns', async (req, res) => {
    const table = checkDnsTable(req.body as DnsTable);
    await deps.store.transact((draft) => {
      draft.dns = table;
    });
    res.json(deps.store.state.dns);
  });
  return router;
}
