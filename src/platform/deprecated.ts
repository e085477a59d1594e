import { findCardholder } from '../domain/cardholders.js';
import { findCard } from '../domain/cards.js';
import { findWallet } from '../domain/ledger.js';
import { write, type Operation } from './operation.js';

const deprecation = { Deprecation: 'true' };

/**
 * Deprecated endpoints (VER): still answered as the platform does, after validation and a scope
 * check, with no effect; crypto addresses come with card issuance now.
 */
export function deprecatedOperations(): Operation[] {
  const acknowledged = () => ({ status: 'success' as const });
  return [
    write('registerCardholderWalletAddress', (state, { caller, params }) => findCardholder(state, caller.program.programId, params.cardholderId), acknowledged, { headers: deprecation }),
    write('notifyCardCryptoDeposit', (state, { caller, params }) => findCard(state, caller.program.programId, params.cardId), acknowledged, { headers: deprecation }),
    write('notifyWalletCryptoDeposit', (state, { caller, params }) => findWallet(state, caller.program.programId, params.walletId), acknowledged, { headers: deprecation }),
  ];
}
