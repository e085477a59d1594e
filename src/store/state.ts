import type { components } from '../generated/control.js';
import { errorTemplate } from '../http/errors.js';

/**
 * The whole persisted state of the mock: what the platform holds plus what the control plane set up.
 * Every shape is the `State` schema of openapi/control.yaml (`npm run gen:types`), which also
 * validates imports and data files; these names only spare the import sites the long form.
 */
type Schemas = components['schemas'];

export type Environment = Schemas['Environment'];
export type RateLimit = Schemas['RateLimit'];
export type Program = Schemas['StoredProgram'];
/** Weights of the review outcomes after kyc-submit; any non-negative numbers, at least one positive. */
export type EmulationWeights = Schemas['EmulationWeights'];
export type EmulationSettings = Schemas['EmulationSettings'];
/** A review outcome drawn at kyc-submit, applied when the mock's clock reaches dueAt. */
export type EmulationOutcome = Schemas['StoredEmulationOutcome'];
/** One expiry reminder the mock sent (at most once per certificate and threshold, also across restarts). */
export type CertificateReminder = Schemas['StoredCertificateReminder'];
export type ApiKeyRecord = Schemas['StoredApiKey'];
/** A client certificate the control plane issued (fixture certificates are known from certs/). */
export type CertificateRecord = Schemas['StoredCertificate'];
export type DnsTable = Schemas['DnsTable'];
export type Cardholder = Schemas['StoredCardholder'];
/** Compliance state, reference.md 6.1 */
export type CardholderStatus = Cardholder['status'];
export type BankAccountRegistration = Schemas['StoredBankAccount'];
export type Card = Schemas['StoredCard'];
/** Card approval (cardStatus) and operational state (issuerCardStatus), reference.md 6.2 */
export type CardApproval = Card['cardStatus'];
export type IssuerCardStatus = Card['issuerCardStatus'];
export type CryptoAddress = Card['cryptoAddresses'][number];
export type Wallet = Schemas['StoredWallet'];
/** A bank-deposit trace (or a staging deposit): ledger at once, available when it clears. */
export type Deposit = Schemas['StoredDeposit'];
export type AccountRef = Deposit['account'];
export type Transfer = Schemas['StoredTransfer'];
/** A card spend event; amounts in minor units here, decimal strings in the API. */
export type CardTransaction = Schemas['StoredCardTransaction'];
/** 1 Pending (authorized, held), 2 Cleared, 3 Completion (settled), 4 Declined (or reversed), 5 Error (contract 8.3) */
export type CardTransactionStatus = CardTransaction['status'];
/** INFERRED values: 1 Purchase, 2 ATM withdrawal, 3 Refund */
export type CardTransactionType = CardTransaction['type'];
export type CardFee = Schemas['StoredCardFee'];
export type WalletTransaction = Schemas['StoredWalletTransaction'];
/** A 3-D Secure OTP subscription (contract section 7 on lifetimes). */
export type OtpListener = Schemas['StoredOtpListener'];
/** The first answer to a write sent with an Idempotency-Key; stored in the same commit as the change. */
export type IdempotencyRecord = Schemas['StoredIdempotencyRecord'];

/** A stored fault rule's fault, narrowed per type (the spec lists the fields; checkFault requires them per type). */
type SpecFinalFault = Schemas['FinalFault'];
type SpecFault = Schemas['Fault'];
export type FinalFault =
  | ({ type: 'status' } & Required<Pick<SpecFinalFault, 'status'>> & Pick<SpecFinalFault, 'retryAfter' | 'body'>)
  | { type: 'reset' }
  | { type: 'timeout' }
  | { type: 'malformed' };
export type Fault =
  | FinalFault
  | ({ type: 'delay' } & Required<Pick<SpecFault, 'ms'>> & Pick<SpecFault, 'jitterMs'>)
  | { type: 'after-commit'; then: FinalFault };
/** A rule as stored (state.faults). Counters are runtime only: see FaultEngine. */
export type FaultRule = Omit<Schemas['FaultRule'], 'fault'> & { fault: Fault };

/** A state as a data file, a fixture or an import may hold it: collections added later may be absent. */
export type StateFile = Schemas['State'];
/** The state in memory: every collection present (withCollections), fault rules narrowed per type. */
export type State = Omit<Required<StateFile>, 'faults'> & { faults: FaultRule[] };

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

export const sequenceMessages = {
  exhausted: (collection: string) =>
    `No ${collection} id is left: sequences.${collection} reached the largest id (${MAX_ID}). Nothing was created; reset, or import a state with a lower sequence.`,
} as const;

/** Each status paired with its message; raised as `throw sequenceErrors.x(...)`. */
const sequenceErrors = {
  exhausted: errorTemplate(422, sequenceMessages.exhausted),
} as const;

export function nextId(state: State, collection: string, floor = 1): number {
  const next = Math.max((state.sequences[collection] ?? 0) + 1, floor);
  if (!Number.isSafeInteger(next) || next > MAX_ID) {
    throw sequenceErrors.exhausted(collection);
  }
  state.sequences[collection] = next;
  return next;
}
