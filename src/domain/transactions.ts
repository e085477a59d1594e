import { nextId, type CardFee, type IssuerCardStatus, type CardTransaction, type Program, type State, type WalletTransaction } from '../store/state.js';
import { decimalToMinor, isoDate, minorToDecimal } from './amounts.js';
import { CardApproval, CardState, cardholderOf, findCard, issuerStatusName } from './cards.js';

const CURRENCY_CODES = ['USD', 'CAD', 'GBP', 'EUR'] as const;
/** Foreign-currency spends pay an FX fee of 2% (at least one minor unit), linked by authRefNum (TXN). */
const FX_FEE_RATE = 0.02;

export const declineReasons = {
  notActive: (status: IssuerCardStatus) => `card not active (issuerCardStatus ${status} ${issuerStatusName[status]})`,
  notIssued: 'card not issued (cardStatus is not Approved)',
  overLimit: (limit: number) => `amount exceeds the transaction limit of ${minorToDecimal(limit)}`,
  insufficientFunds: 'insufficient available balance',
};

export interface EventQuery {
  cardId?: number;
  cardholderId?: number;
  walletId?: number;
  /** exclusive upper bound, Unix seconds */
  before?: number;
  /** inclusive lower bound, Unix seconds */
  after?: number;
}

interface Event {
  programId: number;
  createdAt: number;
  cardholderId: number | null;
}

/** The program, the cardholder and the time window (after inclusive, before exclusive). */
function inScope(e: Event, programId: number, q: EventQuery): boolean {
  return (
    e.programId === programId &&
    (q.cardholderId === undefined || e.cardholderId === q.cardholderId) &&
    (q.after === undefined || e.createdAt >= q.after) &&
    (q.before === undefined || e.createdAt < q.before)
  );
}

/** Newest first; events of the same second keep their recording order, latest first. */
function newestFirst<T extends Event>(events: T[]): T[] {
  return events.reverse().sort((a, b) => b.createdAt - a.createdAt);
}

/** Card transactions and fees share their filters: the scope and the card. */
function listCardEvents<T extends Event & { cardId: number }>(events: T[], programId: number, q: EventQuery): T[] {
  return newestFirst(events.filter((e) => inScope(e, programId, q) && (q.cardId === undefined || e.cardId === q.cardId)));
}

export function listCardTransactions(state: State, programId: number, q: EventQuery): CardTransaction[] {
  return listCardEvents(state.transactions, programId, q);
}

export function listFees(state: State, programId: number, q: EventQuery): CardFee[] {
  return listCardEvents(state.fees, programId, q);
}

/** `cardId` matches transfers to that card, `cardholderId` transfers to that cardholder's cards. */
export function listWalletTransactions(state: State, programId: number, q: EventQuery): WalletTransaction[] {
  return newestFirst(
    state.walletTransactions.filter(
      (w) =>
        inScope(w, programId, q) &&
        (q.walletId === undefined || w.walletId === q.walletId) &&
        (q.cardId === undefined || (w.counterpartyType === 'card' && w.counterpartyId === q.cardId)),
    ),
  );
}

export function transactionView(t: CardTransaction) {
  return {
    cardId: t.cardId,
    cardholderId: t.cardholderId,
    transId: t.transId,
    authRefNum: t.authRefNum,
    amount: minorToDecimal(t.amount),
    currency: t.currency,
    description: t.description,
    merchantName: t.merchantName,
    merchantAmount: minorToDecimal(t.merchantAmount),
    merchantCurrency: t.merchantCurrency,
    status: t.status,
    declineReason: t.declineReason,
    dateCreated: isoDate(t.createdAt),
  };
}

export function feeView(f: CardFee) {
  return {
    cardId: f.cardId,
    cardholderId: f.cardholderId,
    authRefNum: f.authRefNum,
    feeType: f.feeType,
    amount: minorToDecimal(f.amount),
    merchantAmount: minorToDecimal(f.merchantAmount),
    dateCreated: isoDate(f.createdAt),
  };
}

export function walletTransactionView(w: WalletTransaction) {
  return {
    walletTransactionId: w.walletTransactionId,
    walletId: w.walletId,
    type: w.type,
    amount: w.amount,
    counterpartyType: w.counterpartyType,
    counterpartyId: w.counterpartyId,
    description: w.description,
    transferId: w.transferId,
    depositId: w.depositId,
    dateCreated: isoDate(w.createdAt),
  };
}

export interface SpendInput {
  amount: string;
  merchantName?: string;
  merchantCurrency?: string;
}

/**
 * Staging: a card-not-present purchase. Approved (status `authorized`, amount and fee held against the
 * available balance) when the card is Active and issued, the amount is within the limits
 * (card, cardholder, program) and the available balance covers amount plus fee; otherwise a
 * `declined` transaction is recorded and no money moves.
 */
export function simulateSpend(state: State, program: Program, cardId: number, input: SpendInput, now: number): CardTransaction {
  const card = findCard(state, program.programId, cardId);
  const amount = decimalToMinor(input.amount);
  const home = CURRENCY_CODES[program.currency];
  const merchantCurrency = input.merchantCurrency ?? home;
  const fee = merchantCurrency === home ? 0 : Math.max(1, Math.round(amount * FX_FEE_RATE));
  const limit = Math.min(card.transactionLimit, cardholderOf(state, card)?.transactionLimit ?? Infinity, program.transactionLimit);
  const declineReason =
    card.cardStatus !== CardApproval.Approved
      ? declineReasons.notIssued
      : card.issuerCardStatus !== CardState.Active
        ? declineReasons.notActive(card.issuerCardStatus)
        : amount > limit
          ? declineReasons.overLimit(limit)
          : amount + fee > card.availableBalance
            ? declineReasons.insufficientFunds
            : null;
  const seq = nextId(state, 'transactions', 900001);
  const merchantName = input.merchantName ?? 'Sandbox Merchant';
  const transaction: CardTransaction = {
    transId: `txn_${seq}`,
    programId: program.programId,
    cardId: card.cardId,
    cardholderId: card.cardholderId,
    authRefNum: String(seq).padStart(12, '0'),
    amount,
    currency: program.currency,
    description: `Purchase at ${merchantName}`,
    merchantName,
    merchantAmount: amount,
    merchantCurrency,
    status: declineReason ? 'declined' : 'authorized',
    declineReason,
    createdAt: now,
  };
  state.transactions.push(transaction);
  if (!declineReason) {
    card.availableBalance -= amount + fee;
    if (fee > 0) {
      state.fees.push({
        feeId: nextId(state, 'fees'),
        programId: program.programId,
        cardId: card.cardId,
        cardholderId: card.cardholderId,
        authRefNum: transaction.authRefNum,
        feeType: 'fx',
        amount: fee,
        merchantAmount: amount,
        createdAt: now,
      });
    }
  }
  return transaction;
}
