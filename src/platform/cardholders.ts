import {
  cardholderView,
  createCardholder,
  editCardholder,
  findCardholder,
  listCardholders,
  refreshKycUrl,
  registerBankAccount,
  submitKyc,
  updateCardholderContact,
} from '../domain/cardholders.js';
import { paginate } from '../domain/paging.js';
import type { Cardholder } from '../store/state.js';
import { read, write, type Operation } from './operation.js';

/** kyc-submit and a link refresh answer alike: the state and the KYC link (both set one, so it is never null here). */
const kycBody = (c: Cardholder) => ({ status: 'success' as const, cardholderId: c.cardholderId, cardholderStatus: c.status, applicationLink: c.applicationLink as string });
const cardholderBody = (c: Cardholder) => ({ status: 'success' as const, cardholder: cardholderView(c) });

export function cardholderOperations(): Operation[] {
  return [
    read('listCardholders', (state, { caller, query }) => ({ status: 'success', ...paginate(listCardholders(state, caller.program.programId, query), query, cardholderView) })),
    write(
      'createCardholder',
      (state, { caller, body, now }) => createCardholder(state, caller.program, body, now),
      (c) => ({ status: 'success', cardholderId: c.cardholderId }),
    ),
    read('getCardholder', (state, { caller, params }) => cardholderBody(findCardholder(state, caller.program.programId, params.cardholderId))),
    write('editCardholder', (state, { caller, params, body, now }) => editCardholder(state, caller.program, params.cardholderId, body, now), cardholderBody),
    write('updateCardholderLimited', (state, { caller, params, body, now }) => updateCardholderContact(state, caller.program, params.cardholderId, body, now), cardholderBody),
    write('submitCardholderKyc', (state, { caller, params, now }) => submitKyc(state, caller.program.programId, params.cardholderId, now), kycBody),
    write('refreshCardholderKycUrl', (state, { caller, params, now }) => refreshKycUrl(state, caller.program.programId, params.cardholderId, now), kycBody),
    write(
      'registerCardholderBankAccount',
      (state, { caller, params, body, now }) => registerBankAccount(state, caller.program.programId, params.cardholderId, body, now),
      (r) => ({ status: 'success', depositId: r.depositId, statusText: r.statusText }),
    ),
  ];
}
