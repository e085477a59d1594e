import { createWallet, findWallet, listWallets, recordDeposit, transfer, transferView, walletView } from '../domain/ledger.js';
import { paginate } from '../domain/paging.js';
import { depositView } from './deposits.js';
import type { PlatformDeps } from './deps.js';
import { read, write, type Operation } from './operation.js';

export function walletOperations(deps: PlatformDeps): Operation[] {
  return [
    read('listWallets', (state, { caller, query }) => ({ status: 'success', ...paginate(listWallets(state, caller.program.programId, query), query, walletView) })),
    write('createWallet', (state, { caller, body, now }) => createWallet(state, caller.program, body.name, now), (w) => ({ status: 'success', walletId: w.walletId })),
    // the spec bounds destinationType to 0..1
    write('transferFunds', (state, { caller, body, now }) => transfer(state, caller.program.programId, { ...body, destinationType: body.destinationType as 0 | 1 }, now), (t) => ({ status: 'success', ...transferView(t) })),
    read('getWallet', (state, { caller, params }) => ({ status: 'success', ...walletView(findWallet(state, caller.program.programId, params.walletId)) })),
    write(
      'notifyWalletBankDeposit',
      (state, { caller, params, body, now }) => recordDeposit(state, caller.program.programId, { type: 'wallet', id: params.walletId }, body, 'bank-deposit', deps.settings, now),
      depositView,
    ),
  ];
}
