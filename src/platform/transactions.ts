import { paginate } from '../domain/paging.js';
import { feeView, listCardTransactions, listFees, listWalletTransactions, transactionView, walletTransactionView } from '../domain/transactions.js';
import { read, type Operation } from './operation.js';

/** The three event lists, newest first by default, with the filters of TXN. */
export function transactionOperations(): Operation[] {
  return [
    read('listCardTransactions', (state, { caller, query, now }) => ({ status: 'success', ...paginate(listCardTransactions(state, caller.program.programId, query, now), query, transactionView) })),
    read('listCardFees', (state, { caller, query, now }) => ({ status: 'success', ...paginate(listFees(state, caller.program.programId, query, now), query, feeView) })),
    read('listWalletTransactions', (state, { caller, query }) => ({ status: 'success', ...paginate(listWalletTransactions(state, caller.program.programId, query), query, walletTransactionView) })),
  ];
}
