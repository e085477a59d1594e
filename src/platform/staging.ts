import { clearTransaction, completeTransaction, failTransaction, refundTransaction, reverseTransaction } from '../domain/card-lifecycle.js';
import { decimalToMinor } from '../domain/amounts.js';
import { forceKycOutcome } from '../domain/cardholders.js';
import { recordDeposit } from '../domain/ledger.js';
import { challengeCard } from '../domain/otp.js';
import { simulateSpend, transactionView } from '../domain/transactions.js';
import { replyToBankAccountSms } from '../staging/bank-accounts.js';
import type { CardTransaction } from '../store/state.js';
import { depositView } from './deposits.js';
import type { PlatformDeps } from './deps.js';
import { write, type Operation } from './operation.js';

/** /v2/staging/* exists only in staging: production credentials get 404 (SBX); the front door checks it. */
export const STAGING_PATH = /^\/v2\/staging(?:\/|$)/i;

const transactionBody = (t: CardTransaction) => ({ status: 'success' as const, transaction: transactionView(t) });
const optionalAmount = (amount: string | undefined) => (amount === undefined ? undefined : decimalToMinor(amount));

export function stagingOperations(deps: PlatformDeps): Operation[] {
  return [
    write(
      'stagingValidateKyc',
      (state, { caller, body, now }) => forceKycOutcome(state, caller.program.programId, body.cardholderId, body.result, now),
      // a forced outcome leaves the cardholder Approved (1) or Compliance Decline (2)
      (c) => ({ status: 'success', result: { cardholderId: c.cardholderId, status: c.status as 1 | 2 } }),
    ),
    write(
      'stagingBankAccountSmsReply',
      (state, { caller, params, body }) => replyToBankAccountSms(state, caller.program.programId, params.depositId, body.reply),
      (r) => ({ status: 'success', depositId: r.depositId, statusText: r.statusText }),
    ),
    write('stagingCardSpend', (state, { caller, params, body, now }) => simulateSpend(state, caller.program, params.cardId, body, now), transactionBody),
    // the card-transaction lifecycle (contract 8.3): each answers the transaction after the transition
    write('stagingClearTransaction', (state, { caller, params, body }) => clearTransaction(state, caller.program.programId, params.transId, optionalAmount(body?.amount)), transactionBody),
    write('stagingCompleteTransaction', (state, { caller, params }) => completeTransaction(state, caller.program.programId, params.transId), transactionBody),
    write('stagingReverseTransaction', (state, { caller, params, now }) => reverseTransaction(state, caller.program.programId, params.transId, now), transactionBody),
    write('stagingFailTransaction', (state, { caller, params, body, now }) => failTransaction(state, caller.program.programId, params.transId, body?.reason, now), transactionBody),
    write('stagingRefundTransaction', (state, { caller, params, body, now }) => refundTransaction(state, caller.program.programId, params.transId, optionalAmount(body?.amount), now), transactionBody),
    // a detected bank deposit of an exact amount: same clearing as a bank-deposit notification
    write(
      'stagingCardDeposit',
      (state, { caller, params, body, now }) =>
        recordDeposit(state, caller.program.programId, { type: 'card', id: params.cardId }, { transactionAmount: decimalToMinor(body.amount), transactionReference: 'staging simulation' }, 'staging', deps.settings, now, 'amount'),
      depositView,
    ),
    write(
      'stagingWalletDeposit',
      (state, { caller, params, body, now }) =>
        recordDeposit(state, caller.program.programId, { type: 'wallet', id: params.walletId }, { transactionAmount: decimalToMinor(body.amount), transactionReference: 'staging simulation' }, 'staging', deps.settings, now, 'amount'),
      depositView,
    ),
    write(
      'stagingCard3dsChallenge',
      (state, { caller, params, now }) => challengeCard(state, caller.program, params.cardId, deps.settings, now),
      (challenge) => ({ status: 'success', cardId: challenge.card.cardId, code: challenge.code, expiresAt: challenge.expiresAt, listeners: challenge.listeners.length }),
      {
        // once the challenge is on disk (12.19), and without waiting: a slow receiver never holds up the API
        after: (challenge, { caller }) => {
          for (const l of challenge.listeners) {
            if (l.webhookUrl) deps.webhooks.send({ programId: caller.program.programId, token: l.token, url: l.webhookUrl, payload: { cardId: challenge.card.cardId } });
          }
        },
      },
    ),
  ];
}
