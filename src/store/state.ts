import type { FaultRule } from '../faults/types.js';
import { ApiError } from '../http/errors.js';
import type { IdempotencyRecord } from '../idempotency/records.js';

/** The whole persisted state of the mock: what the platform holds plus what the control plane set up. */

export type Environment = 'staging' | 'production';

export interface RateLimit {
  requestsPerSecond: number;
  burst: number;
}

export interface Program {
  programId: number;
  tenantName: string;
  programName: string;
  environment: Environment;
  /** CIDR list; a bare address means a single host */
  allowlist: string[];
  /** calling domains: CN and SAN of the program's certificates */
  domains: string[];
  fcrdns: boolean;
  /** 0 USD, 1 CAD, 2 GBP, 3 EUR */
  currency: 0 | 1 | 2 | 3;
  /** ceiling of every cardholder and card limit, minor units */
  transactionLimit: number;
  threeDSEnabled: boolean;
  /** cardholders may use SumSub (sumsubEnabled 1) only on a program with it (contract 8.13); absent in older data: false */
  sumsubEnabled?: boolean;
  rateLimit: RateLimit;
  createdAt: number;
  /** where certificate expiry reminders are POSTed (control plane); absent or null: none are sent */
  reminderUrl?: string | null;
  /** staging's non-deterministic outcomes, seeded (contract 8.16); absent or null: deterministic */
  emulation?: EmulationSettings;
}

/** Weights of the review outcomes after kyc-submit; any non-negative numbers, at least one positive. */
export interface EmulationWeights {
  approved: number;
  complianceDecline: number;
  adminDecline: number;
  error: number;
}

export interface EmulationSettings {
  seed: number;
  weights: EmulationWeights;
  /** the review ends this many seconds (drawn uniformly, inclusive) after the submit */
  reviewSeconds: { min: number; max: number };
  /** share of submits that fail at once with status 6 (0..1) */
  submitErrorRate: number;
  /** a bank deposit clears after this many seconds (drawn uniformly); null keeps the usual clearing */
  depositClearingSeconds: { min: number; max: number } | null;
  /** draws made so far: the n-th draw depends only on (seed, n), so a replay from the same seed gives the same outcomes */
  draws: number;
}

/** A review outcome drawn at kyc-submit, applied when the mock's clock reaches dueAt. */
export interface EmulationOutcome {
  programId: number;
  cardholderId: number;
  /** 1 Approved, 2 Compliance Decline, 6 Error, 7 Admin Decline */
  status: 1 | 2 | 6 | 7;
  dueAt: number;
}

/** One expiry reminder the mock sent (at most once per certificate and threshold, also across restarts). */
export interface CertificateReminder {
  serial: string;
  programId: number;
  daysLeft: 30 | 15 | 5;
  /** Unix seconds: notAfter minus daysLeft days */
  dueAt: number;
  /** Unix seconds on the mock's clock */
  sentAt: number;
  /** null when the program had no reminder URL */
  url: string | null;
}

export interface ApiKeyRecord {
  apiKey: string;
  programId: number;
  revoked: boolean;
  createdAt: number;
}

/** A client certificate the control plane issued (fixture certificates are known from certs/). */
export interface CertificateRecord {
  serial: string;
  programId: number;
  domains: string[];
  notBefore: string;
  notAfter: string;
  createdAt: number;
}

export interface DnsTable {
  ptr: Record<string, string[]>;
  a: Record<string, string[]>;
}

/** Compliance state, reference.md 6.1 */
export type CardholderStatus = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface Cardholder {
  cardholderId: number;
  programId: number;
  status: CardholderStatus;
  firstName: string;
  lastName: string;
  emailAdr: string;
  gender: 0 | 1 | 2;
  dob: string;
  nationality: string;
  placeOfBirth: string;
  adrLine1: string;
  adrLine2?: string | null;
  city: string;
  state: string;
  country: string;
  zipCode: string;
  callingCode: string;
  cellNum: string;
  countryCallingCode: string;
  phoneNum?: string | null;
  sumsubEnabled: 0 | 1;
  transactionLimit: number;
  applicationLink: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface BankAccountRegistration {
  depositId: number;
  programId: number;
  cardholderId: number;
  senderAccountName: string;
  senderAccountNumber: string;
  senderRoutingNumber: string;
  /** pending until the cardholder replies to the platform's SMS (D37) */
  statusText: 'pending' | 'confirmed' | 'rejected';
  createdAt: number;
}

/** Card approval (cardStatus) and operational state (issuerCardStatus), reference.md 6.2 */
export type CardApproval = 0 | 1 | 2;
export type IssuerCardStatus = 0 | 1 | 2 | 3 | 4;

export interface CryptoAddress {
  chain: 'evm' | 'bitcoin' | 'solana';
  address: string;
}

export interface Card {
  cardId: number;
  programId: number;
  cardholderId: number;
  type: 'virtual' | 'physical';
  /** design slot of a physical card; null for a virtual one */
  cardType: number | null;
  nameOnCard: string;
  alias: string | null;
  /** the PAN (test BIN, Luhn-valid); only the sensitive view shows it */
  cardNumber: string;
  expMonth: number;
  expYear: number;
  cvv: string;
  /** 4 digits; a new card's is the last four of its PAN (null in older data means the same) */
  pin: string | null;
  cardStatus: CardApproval;
  issuerCardStatus: IssuerCardStatus;
  transactionLimit: number;
  callingCode: string;
  countryCallingCode: string;
  phoneNum: string | null;
  cellNum: string;
  emailAdr: string;
  cryptoAddresses: CryptoAddress[];
  /** minor units; availableBalance <= ledgerBalance, both >= 0 */
  ledgerBalance: number;
  availableBalance: number;
  createdAt: number;
  updatedAt: number;
}

export interface Wallet {
  walletId: number;
  programId: number;
  name: string;
  currency: Program['currency'];
  ledgerBalance: number;
  availableBalance: number;
  createdAt: number;
}

export type AccountRef = { type: 'card'; id: number } | { type: 'wallet'; id: number };

/** A bank-deposit trace (or a staging deposit): ledger at once, available when it clears. */
export interface Deposit {
  depositId: number;
  programId: number;
  account: AccountRef;
  /** minor units; null when the notification carried no amount (nothing credited) */
  amount: number | null;
  transactionReference: string | null;
  senderAccountName: string | null;
  /** absent in data written before the documented trace fields (contract 8.6) */
  senderAccountNumber?: string | null;
  senderRoutingNumber?: string | null;
  transactionDate: string | null;
  source: 'bank-deposit' | 'staging';
  createdAt: number;
  /** when the amount moves into availableBalance; null without an amount */
  clearsAt: number | null;
  cleared: boolean;
}

export interface Transfer {
  transferId: number;
  programId: number;
  sourceWalletId: number;
  /** 0 wallet, 1 card */
  destinationType: 0 | 1;
  destinationId: number;
  amount: number;
  description: string | null;
  createdAt: number;
}

/** 1 Pending (authorized, held), 2 Cleared, 3 Completion (settled), 4 Declined (or reversed), 5 Error (contract 8.3) */
export type CardTransactionStatus = 1 | 2 | 3 | 4 | 5;
/** INFERRED values: 1 Purchase, 2 ATM withdrawal, 3 Refund */
export type CardTransactionType = 1 | 2 | 3;

/** A card spend event; amounts in minor units here, decimal strings in the API. */
export interface CardTransaction {
  transId: string;
  programId: number;
  cardId: number;
  cardholderId: number;
  authRefNum: string;
  amount: number;
  currency: Program['currency'];
  description: string;
  merchantName: string;
  merchantAmount: number;
  merchantCurrency: string;
  status: CardTransactionStatus;
  type: CardTransactionType;
  /** minor units authorized; `amount` is the posted amount (the same until clearing says otherwise) */
  authorizedAmount: number;
  /** minor units of the fee charged with it (held with the amount until completion) */
  fee: number;
  declineReason: string | null;
  createdAt: number;
}

export interface CardFee {
  feeId: number;
  programId: number;
  cardId: number;
  cardholderId: number;
  authRefNum: string;
  feeType: string;
  amount: number;
  merchantAmount: number;
  createdAt: number;
}

export interface WalletTransaction {
  walletTransactionId: number;
  programId: number;
  walletId: number;
  type: 'deposit' | 'transfer_out' | 'transfer_in';
  amount: number;
  counterpartyType: 'bank' | 'wallet' | 'card';
  counterpartyId: number | null;
  /** the destination card's cardholder, for the cardholderId filter */
  cardholderId: number | null;
  description: string | null;
  transferId: number | null;
  depositId: number | null;
  createdAt: number;
}

/** A 3-D Secure OTP subscription (contract section 7 on lifetimes). */
export interface OtpListener {
  token: string;
  programId: number;
  /** exactly one of cardId / cardholderId (legacy: all the cardholder's cards) */
  cardId: number | null;
  cardholderId: number | null;
  webhookUrl: string | null;
  createdAt: number;
  expiresAt: number;
  code: string | null;
  codeExpiresAt: number | null;
  unsubscribed: boolean;
}

export interface State {
  version: 1;
  /** last id handed out per collection */
  sequences: Record<string, number>;
  programs: Program[];
  apiKeys: ApiKeyRecord[];
  certificates: CertificateRecord[];
  revokedSerials: string[];
  dns: DnsTable;
  cardholders: Cardholder[];
  bankAccounts: BankAccountRegistration[];
  cards: Card[];
  wallets: Wallet[];
  deposits: Deposit[];
  transfers: Transfer[];
  transactions: CardTransaction[];
  fees: CardFee[];
  walletTransactions: WalletTransaction[];
  otpListeners: OtpListener[];
  /** fault rules, in the order they are checked */
  faults: FaultRule[];
  /** stored answers of writes sent with an Idempotency-Key, until they expire */
  idempotency: IdempotencyRecord[];
  /** certificate expiry reminders already sent */
  certificateReminders: CertificateReminder[];
  /** emulated review outcomes not yet applied */
  emulationOutcomes: EmulationOutcome[];
}

const LATER_COLLECTIONS = ['cards', 'wallets', 'deposits', 'transfers', 'transactions', 'fees', 'walletTransactions', 'otpListeners', 'faults', 'idempotency', 'certificateReminders', 'emulationOutcomes'] as const;

/**
 * Fills the collections a state written before them lacks (older data files, custom fixtures), so
 * that every collection exists before any tracked change appends to it.
 */
export function withCollections(state: State): State {
  for (const name of LATER_COLLECTIONS) if (!Array.isArray(state[name])) (state as unknown as Record<string, unknown[]>)[name] = [];
  return state;
}

/** The largest id a sequence hands out: ids stay 32-bit integers, which every client language holds exactly. */
export const MAX_ID = 2_147_483_647;

export function nextId(state: State, collection: string, floor = 1): number {
  const next = Math.max((state.sequences[collection] ?? 0) + 1, floor);
  if (!Number.isSafeInteger(next) || next > MAX_ID) {
    throw new ApiError(422, `No ${collection} id is left: sequences.${collection} reached the largest id (${MAX_ID}). Nothing was created; reset, or import a state with a lower sequence.`);
  }
  state.sequences[collection] = next;
  return next;
}
