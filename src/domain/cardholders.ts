import { randomBytes } from 'node:crypto';
import { errorTemplate, notFound } from '../http/errors.js';
import { nextId, type Cardholder, type CardholderStatus, type Program, type State } from '../store/state.js';
import { listed, type ListQuery, type Ordering } from './paging.js';
import { emulateKycSubmit } from '../staging/emulation.js';

/** reference.md 6.1 */
const CardholderState = {
  Pending: 0,
  Approved: 1,
  ComplianceDecline: 2,
  UnderReview: 3,
  Draft: 4,
  Deleted: 5,
  Error: 6,
  AdminDecline: 7,
} as const satisfies Record<string, CardholderStatus>;

const statusName: Record<CardholderStatus, string> = {
  0: 'Pending', 1: 'Approved', 2: 'Compliance Decline', 3: 'Under Review', 4: 'Draft', 5: 'Deleted', 6: 'Error', 7: 'Admin Decline',
};

/** Full edit (PUT /cardholders/{id}) is possible only in these states (REF:put_cardholders-cardholderid). */
const EDITABLE: ReadonlySet<CardholderStatus> = new Set([2, 4, 6, 7]);
/** kyc-submit: first submission from Draft, re-submission from the declines and Error. */
const SUBMITTABLE: ReadonlySet<CardholderStatus> = new Set([2, 4, 6, 7]);

/** Fields that identify the person and are locked while under review or approved (INFERRED lock set). */
const LOCKED_FIELDS = [
  'firstName', 'lastName', 'dob', 'gender', 'nationality', 'placeOfBirth',
  'adrLine1', 'adrLine2', 'city', 'state', 'country', 'zipCode', 'sumsubEnabled',
] as const;

const CONTACT_FIELDS = ['transactionLimit', 'callingCode', 'countryCallingCode', 'phoneNum', 'cellNum', 'emailAdr'] as const;

export type CardholderInput = Omit<Cardholder, 'cardholderId' | 'programId' | 'status' | 'applicationLink' | 'createdAt' | 'updatedAt' | 'sumsubEnabled' | 'transactionLimit'> & {
  /** "boolean enum Defaults to 0": 0 / 1 or false / true */
  sumsubEnabled?: 0 | 1 | boolean;
  transactionLimit?: number;
};
export type CardholderContactUpdate = Partial<Pick<Cardholder, (typeof CONTACT_FIELDS)[number]>>;

export const cardholderMessages = {
  locked: (c: Cardholder) =>
    `Cardholder ${c.cardholderId} is ${statusName[c.status]} (status ${c.status}): its identity fields (${LOCKED_FIELDS.join(', ')}) are compliance-locked. ` +
    `A full edit is possible only in status 2, 4, 6 or 7; use PUT /v2/cardholders/${c.cardholderId}/update for the limit and contact details.`,
  notSubmittable: (c: Cardholder) =>
    `Cardholder ${c.cardholderId} is ${statusName[c.status]} (status ${c.status}): kyc-submit is possible only from Draft (4), Compliance Decline (2), Error (6) or Admin Decline (7).`,
  sumsub: (c: Cardholder) =>
    `Cardholder ${c.cardholderId} has sumsubEnabled=1: KYC goes through the SumSub token flow, not kyc-submit. Set sumsubEnabled to 0 with a full edit first.`,
  refreshNotAllowed: (c: Cardholder) =>
    `Cardholder ${c.cardholderId} is ${statusName[c.status]} (status ${c.status}): a KYC link can be refreshed only while Under Review (3), or after a Compliance Decline (2) to re-submit.`,
  deleted: (c: Cardholder, action: string) =>
    `Cardholder ${c.cardholderId} is Deleted (status 5): it can still be read, but ${action} is not possible.`,
  sumsubNotEnabled: (program: Program) =>
    `sumsubEnabled 1 needs SumSub, which program ${program.programId} does not have ("SumSub must be enabled for 1 to be a valid value"): send 0, or enable SumSub for the program.`,
  notApproved: (c: Cardholder, action: string) =>
    `Cardholder ${c.cardholderId} is ${statusName[c.status]} (status ${c.status}): ${action} requires an Approved cardholder (status 1).`,
  limitAboveProgram: (limit: number, program: Program) =>
    `transactionLimit ${limit} exceeds the program's transactionLimit ${program.transactionLimit}: a cardholder limit must not exceed its program's.`,
  validateNotUnderReview: (c: Cardholder) =>
    `Cardholder ${c.cardholderId} is ${statusName[c.status]} (status ${c.status}): a KYC outcome can be forced only while Under Review (3). Call kyc-submit first.`,
};

/** Each status paired with its message; raised as `throw cardholderErrors.x(...)`. */
const cardholderErrors = {
  locked: errorTemplate(409, cardholderMessages.locked),
  notSubmittable: errorTemplate(409, cardholderMessages.notSubmittable),
  sumsub: errorTemplate(409, cardholderMessages.sumsub),
  refreshNotAllowed: errorTemplate(409, cardholderMessages.refreshNotAllowed),
  deleted: errorTemplate(409, cardholderMessages.deleted),
  sumsubNotEnabled: errorTemplate(422, cardholderMessages.sumsubNotEnabled),
  notApproved: errorTemplate(403, cardholderMessages.notApproved),
  limitAboveProgram: errorTemplate(422, cardholderMessages.limitAboveProgram),
  validateNotUnderReview: errorTemplate(409, cardholderMessages.validateNotUnderReview),
} as const;

/** The personal details as stored: the optional ones null when not sent (a full edit clears them too). */
function personalDetails(input: CardholderInput) {
  return { ...input, adrLine2: input.adrLine2 ?? null, phoneNum: input.phoneNum ?? null };
}

function applicationLink(): string {
  return `https://kyc.axys-mock.test/session/${randomBytes(12).toString('hex')}`;
}

/** A cardholder of the program, deleted ones (5) included: they stay readable (contract 8.8). */
export function findCardholder(state: State, programId: number, cardholderId: number): Cardholder {
  const c = state.cardholders.find((x) => x.cardholderId === cardholderId && x.programId === programId);
  if (!c) throw notFound('Cardholder', cardholderId);
  return c;
}

/** A cardholder about to change (or to get a card, a bank account, a listener): a deleted one is 409. */
export function findLiveCardholder(state: State, programId: number, cardholderId: number, action: string): Cardholder {
  const c = findCardholder(state, programId, cardholderId);
  if (c.status === CardholderState.Deleted) throw cardholderErrors.deleted(c, action);
  return c;
}

const cardholderOrdering: Ordering<Cardholder> = {
  keys: { cardholderId: (c) => c.cardholderId, status: (c) => c.status, lastName: (c) => c.lastName, dateCreated: (c) => c.createdAt },
  defaultKey: null,
  defaultSort: 'asc',
};

export function listCardholders(state: State, programId: number, q: ListQuery & { status?: number }): Cardholder[] {
  return listed(state.cardholders, q, (c) => c.programId === programId && (q.status === undefined || c.status === q.status), cardholderOrdering);
}

/** 0/1 or false/true as stored (0 | 1); 1 only on a program with SumSub (contract 8.13). */
function sumsubSetting(input: CardholderInput['sumsubEnabled'], program: Program): 0 | 1 | undefined {
  if (input === undefined) return undefined;
  const value = input === true || input === 1 ? 1 : 0;
  if (value === 1 && !program.sumsubEnabled) {
    throw cardholderErrors.sumsubNotEnabled(program).withErrors([{ field: 'sumsubEnabled', message: 'must be 0 on a program without SumSub' }]);
  }
  return value;
}

function checkLimit(limit: number | undefined, program: Program): void {
  if (limit !== undefined && limit > program.transactionLimit) {
    throw cardholderErrors.limitAboveProgram(limit, program).withErrors([
      { field: 'transactionLimit', message: `must be at most ${program.transactionLimit}` },
    ]);
  }
}

export function createCardholder(state: State, program: Program, input: CardholderInput, now: number): Cardholder {
  checkLimit(input.transactionLimit, program);
  const sumsubEnabled = sumsubSetting(input.sumsubEnabled, program) ?? 0;
  const cardholder: Cardholder = {
    ...personalDetails(input),
    cardholderId: nextId(state, 'cardholders', 10000),
    programId: program.programId,
    status: CardholderState.Draft,
    sumsubEnabled,
    transactionLimit: input.transactionLimit ?? program.transactionLimit,
    applicationLink: null,
    createdAt: now,
    updatedAt: now,
  };
  state.cardholders.push(cardholder);
  return cardholder;
}

/** PUT /cardholders/{id}: replaces the personal details; only outside review and approval. */
export function editCardholder(state: State, program: Program, cardholderId: number, input: CardholderInput, now: number): Cardholder {
  const c = findLiveCardholder(state, program.programId, cardholderId, 'a full edit');
  if (!EDITABLE.has(c.status)) throw cardholderErrors.locked(c);
  checkLimit(input.transactionLimit, program);
  const sumsubEnabled = sumsubSetting(input.sumsubEnabled, program) ?? c.sumsubEnabled;
  Object.assign(c, {
    ...personalDetails(input),
    sumsubEnabled,
    transactionLimit: input.transactionLimit ?? c.transactionLimit,
    updatedAt: now,
  });
  return c;
}

/** PUT /cardholders/{id}/update: the limit and contact details, at any time. */
export function updateCardholderContact(state: State, program: Program, cardholderId: number, input: CardholderContactUpdate, now: number): Cardholder {
  const c = findLiveCardholder(state, program.programId, cardholderId, 'an update');
  checkLimit(input.transactionLimit, program);
  for (const field of CONTACT_FIELDS) {
    if (input[field] !== undefined) Object.assign(c, { [field]: input[field] });
  }
  c.updatedAt = now;
  return c;
}

export function submitKyc(state: State, programId: number, cardholderId: number, now: number): Cardholder {
  const c = findLiveCardholder(state, programId, cardholderId, 'kyc-submit');
  if (!SUBMITTABLE.has(c.status)) throw cardholderErrors.notSubmittable(c);
  if (c.sumsubEnabled === 1) throw cardholderErrors.sumsub(c);
  c.status = CardholderState.UnderReview;
  c.applicationLink = applicationLink();
  c.updatedAt = now;
  emulateKycSubmit(state, c, now); // opt-in seeded emulation (contract 8.16): off, it changes nothing
  return c;
}

/** In 3: a new link. In 2: the documented re-submission after a decline, a new link and status 3 (contract 8.11). */
export function refreshKycUrl(state: State, programId: number, cardholderId: number, now: number): Cardholder {
  const c = findCardholder(state, programId, cardholderId);
  if (c.status !== CardholderState.UnderReview && c.status !== CardholderState.ComplianceDecline) throw cardholderErrors.refreshNotAllowed(c);
  if (c.sumsubEnabled === 1) throw cardholderErrors.sumsub(c);
  const resubmission = c.status === CardholderState.ComplianceDecline;
  c.status = CardholderState.UnderReview;
  c.applicationLink = applicationLink();
  c.updatedAt = now;
  if (resubmission) emulateKycSubmit(state, c, now); // a re-submission is reviewed like a submit (emulation opt-in)
  return c;
}

/** Staging only: ends the review with pass (Approved) or fail (Compliance Decline). */
export function forceKycOutcome(state: State, programId: number, cardholderId: number, result: 'pass' | 'fail', now: number): Cardholder {
  const c = findCardholder(state, programId, cardholderId);
  if (c.status !== CardholderState.UnderReview) throw cardholderErrors.validateNotUnderReview(c);
  c.status = result === 'pass' ? CardholderState.Approved : CardholderState.ComplianceDecline;
  c.updatedAt = now;
  return c;
}

/** Approved (1) only; a deleted cardholder is a state conflict (409), any other state a compliance restriction (403). */
export function requireApproved(c: Cardholder, action: string): void {
  if (c.status === CardholderState.Deleted) throw cardholderErrors.deleted(c, action);
  if (c.status !== CardholderState.Approved) throw cardholderErrors.notApproved(c, action);
}

export interface BankAccountInput {
  senderAccountName: string;
  senderAccountNumber: string;
  senderRoutingNumber: string;
}

export function registerBankAccount(state: State, programId: number, cardholderId: number, input: BankAccountInput, now: number) {
  const c = findCardholder(state, programId, cardholderId);
  requireApproved(c, 'registering a bank account');
  const registration = {
    depositId: nextId(state, 'bankAccounts', 7000),
    programId,
    cardholderId,
    ...input,
    statusText: 'pending' as const,
    createdAt: now,
  };
  state.bankAccounts.push(registration);
  return registration;
}

/** The API view: internal fields stripped. */
export function cardholderView(c: Cardholder): Omit<Cardholder, 'programId'> {
  const { programId: _programId, ...view } = c;
  return view;
}

export interface CardholderLifecycle {
  statusName: string;
  /** what can move the cardholder on from here (platform calls) */
  nextSteps: string[];
  /** the identity fields a full edit may not change now */
  lockedFields: string[];
}

/** Where a cardholder stands, in the words of the rules above (the dashboard's state browser). */
export function cardholderLifecycle(c: Cardholder): CardholderLifecycle {
  const nextSteps: string[] = [];
  if (SUBMITTABLE.has(c.status)) nextSteps.push(c.sumsubEnabled === 1 ? 'KYC through the SumSub token flow' : `PUT /v2/cardholders/${c.cardholderId}/kyc-submit (to Under Review)`);
  if (c.status === CardholderState.UnderReview) {
    nextSteps.push(`POST /v2/cardholders/${c.cardholderId}/kyc-url/refresh`, 'POST /v2/staging/kyc/validate pass (to Approved) or fail (to Compliance Decline)');
  }
  if (c.status === CardholderState.Approved) nextSteps.push(`POST /v2/cards/virtual/${c.cardholderId}`, `POST /v2/cardholders/${c.cardholderId}/register-bank-account`);
  if (c.status !== CardholderState.Deleted) nextSteps.push(`PUT /v2/cardholders/${c.cardholderId}/update (limit and contact details)`);
  return { statusName: statusName[c.status], nextSteps, lockedFields: EDITABLE.has(c.status) ? [] : [...LOCKED_FIELDS] };
}
