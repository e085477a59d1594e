import { Router } from 'express';
import { paginate } from '../domain/paging.js';
import {
  feeView,
  listCardTransactions,
  listFees,
  listWalletTransactions,
  transactionView,
  walletTransactionView,
  type EventQuery,
} from '../domain/transactions.js';
import { contextOf } from '../http/context.js';
import type { PlatformDeps } from './deps.js';

type ListQuery = EventQuery;

/** The three event lists, newest first by default, with the filters of TXN. Mounted before the card and wallet routers: `/v2/cards/transactions` is not a card id. */
export function transactionsRouter(deps: PlatformDeps): Router {
  const router = Router();

  router.get('/v2/cards/transactions', (req, res) => {
    const q = req.query as ListQuery;
    res.json({ status: 'success', ...paginate(listCardTransactions(deps.store.state, contextOf(req).caller.program.programId, q, deps.clock.now()), q, transactionView) });
  });

  router.get('/v2/cards/fees', (req, res) => {
    const q = req.query as ListQuery;
    res.json({ status: 'success', ...paginate(listFees(deps.store.state, contextOf(req).caller.program.programId, q, deps.clock.now()), q, feeView) });
  });

  router.get('/v2/wallets/transactions', (req, res) => {
    const q = req.query as ListQuery;
    res.json({ status: 'success', ...paginate(listWalletTransactions(deps.store.state, contextOf(req).caller.program.programId, q), q, walletTransactionView) });
  });

  return router;
}
