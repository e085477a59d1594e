import type { Card, Deposit, Wallet } from '../store/state.js';

/** The answer to every deposit notification and simulation: the deposit and the account's balances after it. */
export function depositView({ deposit, account }: { deposit: Deposit; account: Card | Wallet }) {
  return {
    status: 'success' as const,
    depositId: deposit.depositId,
    statusText: 'pending' as const,
    ledgerBalance: account.ledgerBalance,
    availableBalance: account.availableBalance,
    clearsAt: deposit.cleared ? null : deposit.clearsAt,
  };
}
