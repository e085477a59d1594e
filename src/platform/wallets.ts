import { Router } from 'express';
import { createWallet, findWallet, listWallets, recordDeposit, transfer, transferView, walletView } from '../domain/ledger.js';
import { paginate, type ListQuery } from '../domain/paging.js';
import { contextOf } from '../http/context.js';
import { depositView } from './deposits.js';
import { idParam, mutate, type PlatformDeps } from './deps.js';

export function walletsRouter(deps: PlatformDeps): Router {
  const router = Router();

  router.get('/v2/wallets', (req, res) => {
    const q = req.query as ListQuery;
    res.json({ status: 'success', ...paginate(listWallets(deps.store.state, contextOf(req).caller.program.programId, q), q, walletView) });
  });

  router.post('/v2/wallets', async (req, res) => {
    const { program } = contextOf(req).caller;
    const w = await mutate(deps, (state, now) => createWallet(state, program, req.body.name, now));
    res.json({ status: 'success', walletId: w.walletId });
  });

  router.post('/v2/wallets/transfer', async (req, res) => {
    const { program } = contextOf(req).caller;
    const t = await mutate(deps, (state, now) => transfer(state, program.programId, req.body, now));
    res.json({ status: 'success', ...transferView(t) });
  });

  router.get('/v2/wallets/:walletId', (req, res) => {
    const w = findWallet(deps.store.state, contextOf(req).caller.program.programId, idParam(req.params.walletId));
    res.json({ status: 'success', ...walletView(w) });
  });

  router.post('/v2/wallets/:walletId/bank-deposit', async (req, res) => {
    const { program } = contextOf(req).caller;
    const ref = { type: 'wallet' as const, id: idParam(req.params.walletId) };
    const result = await mutate(deps, (state, now) => recordDeposit(state, program.programId, ref, req.body, 'bank-deposit', deps.settings, now));
    res.json(depositView(result));
  });

  return router;
}
