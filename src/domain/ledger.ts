import { errorTemplate, notFound } from '../http/errors.js';
import { nextId, type AccountRef, type Card, type Deposit, type Program, type State, type Transfer, type Wallet, type WalletTransaction } from '../store/state.js';
import { checkAmount, checkCredit } from './amounts.js';
import { addBusinessDays } from './business-days.js';
import { findCard, requireFundable } from './cards.js';
import { listed, type ListQuery } from './paging.js';
import { emulatedClearingTime } from '../staging/emulation.js';

export interface LedgerSettings {
  /** seconds until a deposit clears; null = 5 business days (FUND: "about 5 business days") */
  depositClearingSeconds: number | null;
}

const BANK_CLEARING_BUSINESS_DAYS = 5;

export const ledgerMessages = {
  insufficientFunds: (wallet: Wallet, amount: number) =>
    `Wallet ${wallet.walletId} has an available balance of ${wallet.availableBalance}, less than the amount ${amount}: nothing was moved. ` +
    `Transfer at most the available balance, or fund the wallet (POST /v2/wallets/${wallet.walletId}/bank-deposit) and wait for the deposit to clear.`,
  sameAccount: (walletId: number) => `sourceWalletId and destinationId are both wallet ${walletId}: a transfer needs a destination other than its source.`,
  amountNotPositive: 'amount must be a positive integer in minor units (1000 = 10.00).',
};

/** Each status paired with its message; raised as `throw ledgerErrors.x(...)`. */
const ledgerErrors = {
  insufficientFunds: errorTemplate(422, ledgerMessages.insufficientFunds),
  sameAccount: errorTemplate(422, ledgerMessages.sameAccount),
  amountNotPositive: errorTemplate(422, ledgerMessages.amountNotPositive),
} as const;

export interface BankDepositInput {
  transactionAmount?: number;
  transactionReference?: string;
  senderAccountName?: string;
  senderAccountNumber?: string;
  senderRoutingNumber?: string;
  transactionDate?: string;
}

/** transStatus of a transfer: 1 completed (the rest of the enum is not published; transfers are synchronous). */
const TRANSFER_COMPLETED = 1 as const;

export interface TransferInput {
  sourceWalletId: number;
  destinationType: 0 | 1;
  destinationId: number;
  amount: number;
  description?: string;
}

export function findWallet(state: State, programId: number, walletId: number): Wallet {
  const wallet = state.wallets.find((w) => w.walletId === walletId && w.programId === programId);
  if (!wallet) throw notFound('Wallet', walletId);
  return wallet;
}

export function createWallet(state: State, program: Program, name: string, now: number): Wallet {
  const wallet: Wallet = {
    walletId: nextId(state, 'wallets', 3001),
    programId: program.programId,
    name,
    currency: program.currency,
    ledgerBalance: 0,
    availableBalance: 0,
    createdAt: now,
  };
  state.wallets.push(wallet);
  return wallet;
}

export function listWallets(state: State, programId: number, q: ListQuery): Wallet[] {
  return listed(state.wallets, q, (w) => w.programId === programId, {
    keys: { walletId: (w) => w.walletId, name: (w) => w.name, dateCreated: (w) => w.createdAt },
    defaultKey: null,
    defaultSort: 'asc',
  });
}

export function walletView(w: Wallet) {
  return { walletId: w.walletId, name: w.name, currency: w.currency, ledgerBalance: w.ledgerBalance, availableBalance: w.availableBalance, createdAt: w.createdAt };
}

function accountOf(state: State, ref: AccountRef): Card | Wallet | undefined {
  return ref.type === 'card' ? state.cards.find((c) => c.cardId === ref.id) : state.wallets.find((w) => w.walletId === ref.id);
}

/** The program's card or wallet that money is about to reach: 404 when not found, 409 for a card that cannot receive funds. */
function findFundable(state: State, programId: number, ref: AccountRef): Card | Wallet {
  if (ref.type === 'wallet') return findWallet(state, programId, ref.id);
  const card = findCard(state, programId, ref.id);
  requireFundable(card);
  return card;
}

function pushWalletTransaction(state: State, entry: Omit<WalletTransaction, 'walletTransactionId'>): void {
  state.walletTransactions.push({ walletTransactionId: nextId(state, 'walletTransactions'), ...entry });
}

function clearingTime(now: number, settings: LedgerSettings): number {
  return settings.depositClearingSeconds === null ? addBusinessDays(now, BANK_CLEARING_BUSINESS_DAYS) : now + settings.depositClearingSeconds;
}

/**
 * A bank-deposit trace (or a staging deposit) for a card or a wallet: the ledger balance rises at once,
 * the available balance when the deposit clears. Without an amount nothing is credited (the bank has not
 * reported it yet), but the notification is recorded.
 */
export function recordDeposit(
  state: State,
  programId: number,
  ref: AccountRef,
  input: BankDepositInput,
  source: Deposit['source'],
  settings: LedgerSettings,
  now: number,
  amountField = 'transactionAmount',
): { deposit: Deposit; account: Card | Wallet } {
  const account = findFundable(state, programId, ref);
  const amount = input.transactionAmount == null ? null : checkAmount(input.transactionAmount, amountField);
  if (amount !== null) checkCredit(account, `${ref.type} ${ref.id}`, amount, amountField);
  const deposit: Deposit = {
    depositId: nextId(state, 'deposits', 50001),
    programId,
    account: ref,
    amount,
    transactionReference: input.transactionReference ?? null,
    senderAccountName: input.senderAccountName ?? null,
    senderAccountNumber: input.senderAccountNumber ?? null,
    senderRoutingNumber: input.senderRoutingNumber ?? null,
    transactionDate: input.transactionDate ?? null,
    source,
    createdAt: now,
    clearsAt: amount === null ? null : (emulatedClearingTime(state, programId, now) ?? clearingTime(now, settings)),
    cleared: amount === null,
  };
  state.deposits.push(deposit);
  if (amount !== null) {
    account.ledgerBalance += amount;
    if (ref.type === 'wallet') {
      pushWalletTransaction(state, {
        programId,
        walletId: ref.id,
        type: 'deposit',
        amount,
        counterpartyType: 'bank',
        counterpartyId: null,
        cardholderId: null,
        description: deposit.transactionReference,
        transferId: null,
        depositId: deposit.depositId,
        createdAt: now,
      });
    }
  }
  // deposits due earlier cleared before this operation (clearDeposits); only this one may be due already
  // (a clearing time of 0 s): no walk over every deposit per deposit
  if (depositDue(deposit, now)) {
    account.availableBalance += amount ?? 0;
    deposit.cleared = true;
  }
  return { deposit, account };
}

/** Whether a deposit's funds become available at `now` and have not yet. */
function depositDue(deposit: Deposit, now: number): boolean {
  return !deposit.cleared && deposit.clearsAt !== null && deposit.clearsAt <= now;
}

/** The earliest clearing time among deposits not yet cleared (Infinity when none is pending). */
export function earliestClearing(deposits: readonly Deposit[]): number {
  let earliest = Infinity;
  for (const d of deposits) if (!d.cleared && d.clearsAt !== null && d.clearsAt < earliest) earliest = d.clearsAt;
  return earliest;
}

/** Moves every deposit whose clearing time has come into its account's available balance. Returns how many cleared. */
export function clearDueDeposits(state: State, now: number): number {
  let cleared = 0;
  for (const deposit of state.deposits) {
    if (!depositDue(deposit, now)) continue;
    const account = accountOf(state, deposit.account);
    if (account) account.availableBalance += deposit.amount ?? 0;
    deposit.cleared = true;
    cleared++;
  }
  return cleared;
}

/**
 * Wallet -> wallet (0) or wallet -> card (1), synchronous and atomic (XFER): every check runs before
 * the first balance changes, so a failed transfer moves nothing.
 */
export function transfer(state: State, programId: number, input: TransferInput, now: number): Transfer {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    throw ledgerErrors.amountNotPositive().withErrors([{ field: 'amount', message: 'must be at least 1' }]);
  }
  const source = findWallet(state, programId, input.sourceWalletId);
  const toCard = input.destinationType === 1;
  if (!toCard && input.destinationId === source.walletId) throw ledgerErrors.sameAccount(source.walletId);
  const destination = findFundable(state, programId, { type: toCard ? 'card' : 'wallet', id: input.destinationId });
  checkAmount(input.amount, 'amount');
  checkCredit(destination, `${toCard ? 'card' : 'wallet'} ${input.destinationId}`, input.amount, 'amount');
  if (source.availableBalance < input.amount) {
    throw ledgerErrors.insufficientFunds(source, input.amount).withErrors([{ field: 'amount', message: `must be at most ${source.availableBalance}` }]);
  }
  source.ledgerBalance -= input.amount;
  source.availableBalance -= input.amount;
  destination.ledgerBalance += input.amount;
  destination.availableBalance += input.amount;

  const record: Transfer = {
    transferId: nextId(state, 'transfers', 60001),
    programId,
    sourceWalletId: source.walletId,
    destinationType: input.destinationType,
    destinationId: input.destinationId,
    amount: input.amount,
    description: input.description ?? null,
    createdAt: now,
  };
  state.transfers.push(record);
  const common = { programId, amount: input.amount, description: record.description, transferId: record.transferId, depositId: null, createdAt: now };
  pushWalletTransaction(state, {
    ...common,
    walletId: source.walletId,
    type: 'transfer_out',
    counterpartyType: toCard ? 'card' : 'wallet',
    counterpartyId: input.destinationId,
    cardholderId: toCard ? (destination as Card).cardholderId : null,
  });
  if (!toCard) {
    pushWalletTransaction(state, {
      ...common,
      walletId: input.destinationId,
      type: 'transfer_in',
      counterpartyType: 'wallet',
      counterpartyId: source.walletId,
      cardholderId: null,
    });
  }
  return record;
}

/** The documented `{ transId, transStatus }` (docs/guide-transfer-funds), plus the transfer itself. */
export function transferView(t: Transfer) {
  return { transId: t.transferId, transStatus: TRANSFER_COMPLETED, transferId: t.transferId, sourceWalletId: t.sourceWalletId, destinationType: t.destinationType, destinationId: t.destinationId, amount: t.amount, createdAt: t.createdAt };
}
