import {
  nextId,
  type CardFee,
  type CardTransaction,
  type CardTransactionStatus,
  type CardTransactionType,
  type IssuerCardStatus,
  type Program,
  type State,
  type WalletTransaction,
} from '../store/state.js';
import { listed, type ListQuery } from './paging.js';
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

/** The filters of the event lists (conjunctive); the window and order come with ListQuery. */
export interface EventQuery extends ListQuery {
  cardId?: number;
  cardholderId?: number;
  walletId?: number;
  transId?: string;
  status?: CardTransactionStatus;
  type?: CardTransactionType;
}

/** Without `after`, card transactions and fees start 90 days before now (reference/get_cards-transactions). */
const DEFAULT_WINDOW_SECONDS = 90 * 86_400;

interface Event {
  programId: number;
  createdAt: number;
  cardholderId: number | null;
}

/**
 * The documented default window of card transactions and fees: `after` now - 90 days, `before` up to
 * and including now (contract 8.2). An explicit bound replaces its default.
 */
function cardWindow(q: EventQuery, now: number): { after: number; before: number } {
  return { after: q.after ?? now - DEFAULT_WINDOW_SECONDS, before: q.before ?? now + 1 };
}

function lastNameOf(state: State, cardholderId: number | null): string {
  return state.cardholders.find((c) => c.cardholderId === cardholderId)?.lastName ?? '';
}

/** Newest first by default; events of the same second keep their recording order, latest first. */
function eventOrdering<T extends Event>(state: State, extra: Record<string, (e: T) => number | string>) {
  return {
    keys: { dateCreated: (e: T) => e.createdAt, cardholderId: (e: T) => e.cardholderId ?? 0, lastName: (e: T) => lastNameOf(state, e.cardholderId), ...extra },
    defaultKey: 'dateCreated',
    defaultSort: 'desc' as const,
  };
}

const inProgram = (e: Event, programId: number, q: EventQuery) =>
  e.programId === programId && (q.cardholderId === undefined || e.cardholderId === q.cardholderId);

export function listCardTransactions(state: State, programId: number, q: EventQuery, now: number): CardTransaction[] {
  const ordering = eventOrdering<CardTransaction>(state, { status: (t) => t.status, cardId: (t) => t.cardId, transId: (t) => t.transId, amount: (t) => t.amount });
  const match = (t: CardTransaction) =>
    inProgram(t, programId, q) &&
    (q.cardId === undefined || t.cardId === q.cardId) &&
    (q.transId === undefined || t.transId === q.transId) &&
    (q.status === undefined || t.status === q.status) &&
    (q.type === undefined || t.type === q.type);
  return listed(state.transactions, { ...q, ...cardWindow(q, now) }, match, ordering);
}

export function listFees(state: State, programId: number, q: EventQuery, now: number): CardFee[] {
  const ordering = eventOrdering<CardFee>(state, { cardId: (f) => f.cardId, amount: (f) => f.amount });
  const match = (f: CardFee) => inProgram(f, programId, q) && (q.cardId === undefined || f.cardId === q.cardId);
  return listed(state.fees, { ...q, ...cardWindow(q, now) }, match, ordering);
}

/** `cardId` matches transfers to that card, `cardholderId` transfers to that cardholder's cards. No default window (INFERRED). */
export function listWalletTransactions(state: State, programId: number, q: EventQuery): WalletTransaction[] {
  const ordering = eventOrdering<WalletTransaction>(state, { walletId: (w) => w.walletId, amount: (w) => w.amount });
  const match = (w: WalletTransaction) =>
    inProgram(w, programId, q) &&
    (q.walletId === undefined || w.walletId === q.walletId) &&
    (q.cardId === undefined || (w.counterpartyType === 'card' && w.counterpartyId === q.cardId));
  return listed(state.walletTransactions, q, match, ordering);
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
    type: t.type,
    authorizedAmount: minorToDecimal(t.authorizedAmount),
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
    transId: w.transferId,
    depositId: w.depositId,
    dateCreated: isoDate(w.createdAt),
  };
}

export interface SpendInput {
  amount: string;
  merchantName?: string;
  merchantCurrency?: string;
  /** 1 Purchase (default) or 2 ATM withdrawal */
  type?: 1 | 2;
}

/** Card transaction statuses (reference/get_cards-transactions, contract 8.3). */
export const TxnStatus = { Pending: 1, Cleared: 2, Completion: 3, Declined: 4, Error: 5 } as const satisfies Record<string, CardTransactionStatus>;
/** INFERRED transaction types. */
export const TxnType = { Purchase: 1, AtmWithdrawal: 2, Refund: 3 } as const satisfies Record<string, CardTransactionType>;

/** ATM withdrawals pay a flat fee (INFERRED), foreign-currency spends the FX fee. */
const ATM_FEE = 300;

/**
 * Staging: a purchase or ATM withdrawal. Authorized (1 Pending: amount and fee held against the
 * available balance, the ledger unchanged) when the card is Active and issued, the amount is within
 * the limits (card, cardholder, program) and the available balance covers amount plus fee;
 * otherwise 4 Declined with a reason and no money moves.
 */
export function simulateSpend(state: State, program: Program, cardId: number, input: SpendInput, now: number): CardTransaction {
  const card = findCard(state, program.programId, cardId);
  const amount = decimalToMinor(input.amount);
  const home = CURRENCY_CODES[program.currency];
  const merchantCurrency = input.merchantCurrency ?? home;
  const type = input.type ?? TxnType.Purchase;
  const fxFee = merchantCurrency === home ? 0 : Math.max(1, Math.round(amount * FX_FEE_RATE));
  const fee = type === TxnType.AtmWithdrawal ? ATM_FEE + fxFee : fxFee;
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
  const merchantName = input.merchantName ?? (type === TxnType.AtmWithdrawal ? 'Sandbox ATM' : 'Sandbox Merchant');
  const transaction: CardTransaction = {
    transId: `txn_${seq}`,
    programId: program.programId,
    cardId: card.cardId,
    cardholderId: card.cardholderId,
    authRefNum: String(seq).padStart(12, '0'),
    amount,
    currency: program.currency,
    description: `${type === TxnType.AtmWithdrawal ? 'ATM withdrawal' : 'Purchase'} at ${merchantName}`,
    merchantName,
    merchantAmount: amount,
    merchantCurrency,
    status: declineReason ? TxnStatus.Declined : TxnStatus.Pending,
    type,
    authorizedAmount: amount,
    fee: declineReason ? 0 : fee,
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
        feeType: type === TxnType.AtmWithdrawal ? 'atm' : 'fx',
        amount: fee,
        merchantAmount: amount,
        createdAt: now,
      });
    }
  }
  return transaction;
}
