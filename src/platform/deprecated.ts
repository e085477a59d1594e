import { Router } from 'express';
import { findCardholder } from '../domain/cardholders.js';
import { findCard } from '../domain/cards.js';
import { findWallet } from '../domain/ledger.js';
import { contextOf } from '../http/context.js';
import type { State } from '../store/state.js';
import { idParam, type PlatformDeps } from './deps.js';

type Finder = (state: State, programId: number, id: number) => unknown;

/**
 * Deprecated endpoints (VER): still answered as the platform does, after validation and a scope
 * check, with no effect; crypto addresses come with card issuance now.
 */
export function deprecatedRouter(deps: PlatformDeps): Router {
  const router = Router();
  const acknowledge = (path: string, param: string, find: Finder) =>
    router.post(path, (req, res) => {
      res.setHeader('Deprecation', 'true');
      find(deps.store.state, contextOf(req).caller.program.programId, idParam(req.params[param]));
      res.json({ status: 'success' });
    });
  acknowledge('/v2/cardholders/:cardholderId/register-wallet-address', 'cardholderId', findCardholder);
  acknowledge('/v2/cards/:cardId/deposit', 'cardId', findCard);
  acknowledge('/v2/wallets/:walletId/deposit', 'walletId', findWallet);
  return router;
}
