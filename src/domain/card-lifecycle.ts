import { errorTemplate, notFound } from '../http/errors.js';
import { nextId, type Card, type CardTransaction, type CardTransactionStatus, type State } from '../store/state.js';
import { checkCredit, minorToDecimal } from './amounts.js';
import { findCard } from './cards.js';
import { TxnStatus, TxnType } from './transactions.js';

/**
 * The card-transaction lifecycle the integer statuses imply (contract 8.3), driven by staging
 * simulations. While 1 Pending or 2 Cleared, a transaction holds its amount plus fee against the
 * available balance; 3 Completion moves the ledger and releases the hold; a reversal (4) or an error
 * (5) releases the hold and cancels the fee. Every other transition is 409.
 */

const statusName: Record<CardTransactionStatus, string> = { 1: 'Pending', 2: 'Cleared', 3: 'Completion', 4: 'Declined', 5: 'Error' };

export const REVERSED_REASON = 'reversed: authorization reversed';
const DEFAULT_ERROR_REASON = 'processing error';

export const lifecycleMessages = {
  notAllowed: (t: CardTransaction, action: string, allowed: CardTransactionStatus[]) =>
    `Transaction ${t.transId} is ${statusName[t.status]} (status ${t.status}): ${action} is possible only from ${allowed.map((s) => `${statusName[s]} (${s})`).join(' or ')}.`,
  notRefundable: (t: CardTransaction) => `Transaction ${t.transId} is a refund itself: refund the purchase or withdrawal it belongs to.`,
  clearAboveAvailable: (t: CardTransaction, card: Card, amount: number) =>
    `Clearing ${t.transId} at ${minorToDecimal(amount)} needs ${minorToDecimal(amount - t.amount)} more than is held, but card ${card.cardId} has only ${minorToDecimal(card.availableBalance)} available: nothing changed. Clear at most ${minorToDecimal(t.amount + card.availableBalance)}.`,
  refundTooLarge: (t: CardTransaction, left: number) =>
    `At most ${minorToDecimal(left)} of ${t.transId} is left to refund: nothing changed. Send a smaller amount (or none, to refund the rest).`,
};

/** Each status paired with its message; raised as `throw lifecycleErrors.x(...)`. */
const lifecycleErrors = {
  notAllowed: errorTemplate(409, lifecycleMessages.notAllowed),
  notRefundable: errorTemplate(409, lifecycleMessages.notRefundable),
  clearAboveAvailable: errorTemplate(422, lifecycleMessages.clearAboveAvailable),
  refundTooLarge: errorTemplate(422, lifecycleMessages.refundTooLarge),
} as const;

/** What a transaction holds against its card's available balance. */
export function heldBy(t: CardTransaction): number {
  return t.status === TxnStatus.Pending || t.status === TxnStatus.Cleared ? t.amount + t.fee : 0;
}

export function findTransaction(state: State, programId: number, transId: string): CardTransaction {
  const t = state.transactions.find((x) => x.transId === transId && x.programId === programId);
  if (!t) throw notFound('Transaction', transId);
  return t;
}

const HELD: CardTransactionStatus[] = [TxnStatus.Pending, TxnStatus.Cleared];

function requireStatus(t: CardTransaction, action: string, allowed: CardTransactionStatus[]): void {
  if (!allowed.includes(t.status)) throw lifecycleErrors.notAllowed(t, action, allowed);
}

/** The transaction and its card (the card may be in any state now: the network still settles). */
function transactionAndCard(state: State, programId: number, transId: string): { t: CardTransaction; card: Card } {
  const t = findTransaction(state, programId, transId);
  return { t, card: findCard(state, programId, t.cardId) };
}

/** 1 -> 2; the posted amount may differ from the authorized one, and the hold follows it. */
export function clearTransaction(state: State, programId: number, transId: string, postedAmount: number | undefined): CardTransaction {
  const { t, card } = transactionAndCard(state, programId, transId);
  requireStatus(t, 'clearing', [TxnStatus.Pending]);
  const amount = postedAmount ?? t.amount;
  if (amount - t.amount > card.availableBalance) {
    throw lifecycleErrors.clearAboveAvailable(t, card, amount).withErrors([{ field: 'amount', message: `must be at most ${minorToDecimal(t.amount + card.availableBalance)}` }]);
  }
  card.availableBalance -= amount - t.amount;
  t.amount = amount;
  t.merchantAmount = amount; // no exchange rates in the mock: the merchant amount follows
  t.status = TxnStatus.Cleared;
  return t;
}

/** 1 or 2 -> 3: the ledger pays the amount and fee; the hold (already off the available balance) is gone. */
export function completeTransaction(state: State, programId: number, transId: string): CardTransaction {
  const { t, card } = transactionAndCard(state, programId, transId);
  requireStatus(t, 'completion', HELD);
  card.ledgerBalance -= t.amount + t.fee;
  t.status = TxnStatus.Completion;
  return t;
}

/** Releases the hold and cancels a held fee with an opposite fee record under the same authRefNum. */
function release(state: State, t: CardTransaction, card: Card, now: number): void {
  card.availableBalance += heldBy(t);
  if (t.fee > 0) {
    const original = state.fees.find((f) => f.authRefNum === t.authRefNum && f.programId === t.programId);
    state.fees.push({
      feeId: nextId(state, 'fees'),
      programId: t.programId,
      cardId: t.cardId,
      cardholderId: t.cardholderId,
      authRefNum: t.authRefNum,
      feeType: `${original?.feeType ?? 'fx'}_reversal`,
      amount: -t.fee,
      merchantAmount: t.merchantAmount,
      createdAt: now,
    });
  }
}

/** 1 or 2 -> 4 (a reversal or void: no published status of its own, so Declined with a reason). */
export function reverseTransaction(state: State, programId: number, transId: string, now: number): CardTransaction {
  const { t, card } = transactionAndCard(state, programId, transId);
  requireStatus(t, 'a reversal', HELD);
  release(state, t, card, now);
  t.status = TxnStatus.Declined;
  t.declineReason = REVERSED_REASON;
  return t;
}

/** 1 or 2 -> 5. */
export function failTransaction(state: State, programId: number, transId: string, reason: string | undefined, now: number): CardTransaction {
  const { t, card } = transactionAndCard(state, programId, transId);
  requireStatus(t, 'marking an error', HELD);
  release(state, t, card, now);
  t.status = TxnStatus.Error;
  t.declineReason = reason ?? DEFAULT_ERROR_REASON;
  return t;
}

/** What is left to refund of a completed purchase or withdrawal. */
function refundable(state: State, t: CardTransaction): number {
  const refunded = state.transactions
    .filter((r) => r.type === TxnType.Refund && r.authRefNum === t.authRefNum && r.programId === t.programId)
    .reduce((sum, r) => sum + r.amount, 0);
  return t.amount - refunded;
}

/** On a 3 Completion: a new Refund (type 3, status 3) credits the card at once. */
export function refundTransaction(state: State, programId: number, transId: string, requested: number | undefined, now: number): CardTransaction {
  const { t, card } = transactionAndCard(state, programId, transId);
  if (t.type === TxnType.Refund) throw lifecycleErrors.notRefundable(t);
  requireStatus(t, 'a refund', [TxnStatus.Completion]);
  const left = refundable(state, t);
  const amount = requested ?? left;
  if (amount > left || amount <= 0) {
    throw lifecycleErrors.refundTooLarge(t, left).withErrors([{ field: 'amount', message: `must be at most ${minorToDecimal(left)}` }]);
  }
  checkCredit(card, `card ${card.cardId}`, amount, 'amount');
  const seq = nextId(state, 'transactions', 900001);
  const refund: CardTransaction = {
    ...t,
    transId: `txn_${seq}`,
    amount,
    authorizedAmount: amount,
    merchantAmount: amount,
    fee: 0,
    description: `Refund from ${t.merchantName}`,
    status: TxnStatus.Completion,
    type: TxnType.Refund,
    declineReason: null,
    createdAt: now,
  };
  state.transactions.push(refund);
  card.ledgerBalance += amount;
  card.availableBalance += amount;
  return refund;
}
