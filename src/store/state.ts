import type { FaultRule } from '../faults/types.js';
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
  rateLimit: RateLimit;
  createdAt: number;
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
  statusText: 'pending';
  createdAt: number;
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
  /** fault rules, in the order they are checked (absent in states written before faults existed) */
  faults?: FaultRule[];
  /** stored answers of writes sent with an Idempotency-Key, until they expire */
  idempotency?: IdempotencyRecord[];
}

export function nextId(state: State, collection: string, floor = 1): number {
  const next = Math.max((state.sequences[collection] ?? 0) + 1, floor);
  state.sequences[collection] = next;
  return next;
}
