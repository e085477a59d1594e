import { errorTemplate, notFound } from '../http/errors.js';
import { nextId, type Card, type Cardholder, type IssuerCardStatus, type Program, type State } from '../store/state.js';
import { findCardholder, requireApproved } from './cardholders.js';
import { expiryFrom, maskCardNumber, newCryptoAddresses, randomCvv, testCardNumber } from './card-numbers.js';
import { listed, type ListQuery, type Ordering } from './paging.js';

/** issuerCardStatus, reference.md 6.2 */
export const CardState = { Pending: 0, Active: 1, OnHold: 2, Closed: 3, NotActivated: 4 } as const satisfies Record<string, IssuerCardStatus>;
/** cardStatus: the approval of the issuance request */
export const CardApproval = { Pending: 0, Approved: 1, Declined: 2 } as const;

export const issuerStatusName: Record<IssuerCardStatus, string> = { 0: 'Pending', 1: 'Active', 2: 'On Hold', 3: 'Closed', 4: 'Not Activated' };

/** Design slots with an approved design; the mock approves only the mandatory default slot 0. */
const APPROVED_DESIGN_SLOTS: ReadonlySet<number> = new Set([0]);

const stateOf = (card: Card) => `Card ${card.cardId} is ${issuerStatusName[card.issuerCardStatus]} (issuerCardStatus ${card.issuerCardStatus})`;

export const cardMessages = {
  notActivatable: (card: Card) => `${stateOf(card)}: only a physical card that is Not Activated (4) can be activated, and only once.`,
  statusNotChangeable: (card: Card) =>
    `${stateOf(card)}: block and unblock (newStatus 1 or 2) work only between Active (1) and On Hold (2). Closing is support-ticket only.`,
  pinNotChangeable: (card: Card) => `${stateOf(card)}: the PIN can be changed only while the card is Active (1) or On Hold (2).`,
  detailsMismatch:
    'cardNumber, expMonth, expYear and cvv must match the card being activated: read them with GET /v2/cards/{cardId}/sensitive (or from the card itself).',
  oldPinWrong:
    'oldPin does not match the card\'s current PIN. A new card\'s PIN is the last four digits of its PAN (shown in maskedCardNumber); an activated card\'s is the newPin sent with /activate.',
  designNotApproved: (slot: number) => `Design slot ${slot} has no approved design in this program: use cardType 0 (the default design).`,
  limitAboveCardholder: (limit: number, cardholder: Cardholder) =>
    `transactionLimit ${limit} exceeds the cardholder's transactionLimit ${cardholder.transactionLimit}: a card limit must not exceed its cardholder's (program -> cardholder -> card).`,
  notFundable: (card: Card) =>
    card.cardStatus !== CardApproval.Approved
      ? `Card ${card.cardId} was not issued (cardStatus ${card.cardStatus}): it cannot receive funds.`
      : `${stateOf(card)}: a closed or pending card cannot receive funds. Fund an Active, On Hold or Not Activated card.`,
};

/** Each status paired with its message; raised as `throw cardErrors.x(...)`. */
const cardErrors = {
  notActivatable: errorTemplate(409, cardMessages.notActivatable),
  statusNotChangeable: errorTemplate(409, cardMessages.statusNotChangeable),
  pinNotChangeable: errorTemplate(409, cardMessages.pinNotChangeable),
  detailsMismatch: errorTemplate(422, cardMessages.detailsMismatch),
  oldPinWrong: errorTemplate(422, cardMessages.oldPinWrong),
  designNotApproved: errorTemplate(422, cardMessages.designNotApproved),
  limitAboveCardholder: errorTemplate(422, cardMessages.limitAboveCardholder),
  notFundable: errorTemplate(409, cardMessages.notFundable),
} as const;

export interface CardIssueInput {
  nameOnCard?: string;
  cardType?: number;
  alias?: string;
  transactionLimit?: number;
  callingCode?: string;
  countryCallingCode?: string;
  phoneNum?: string;
  cellNum?: string;
  emailAdr?: string;
}

export type CardUpdateInput = Partial<Pick<Card, 'alias' | 'transactionLimit' | 'callingCode' | 'countryCallingCode' | 'phoneNum' | 'cellNum' | 'emailAdr'>>;

/** Integers (the reference page) or digit strings (the guides), contract 8.7. */
export interface CardActivationInput {
  cardNumber: number | string;
  expMonth: number | string;
  expYear: number | string;
  cvv: number | string;
  newPin: number | string;
}

/** The documented name length on a card. */
const NAME_ON_CARD_MAX = 26;

/** A new card's PIN: the last four digits of its PAN (reference/put_cards-cardid-pin). */
export const defaultPin = (cardNumber: string) => cardNumber.slice(-4);

/** The card's current PIN; data written before the default PIN stored null for it. */
const currentPin = (card: Card) => card.pin ?? defaultPin(card.cardNumber);

const digits = (value: number | string, width: number) => String(value).padStart(width, '0');
/** "MM" (sic) or YYYY: 28 = 2028. */
const fullYear = (value: number | string) => {
  const n = Number(value);
  return n < 100 ? 2000 + n : n;
};

/** GET /v2/cards (docs/pagination-filtering-and-rate-limits): the program's cards, filters conjunctive. */
export function listCards(state: State, programId: number, q: ListQuery & { issuerCardStatus?: number; cardholderId?: number }): Card[] {
  const lastName = (card: Card) => state.cardholders.find((c) => c.cardholderId === card.cardholderId)?.lastName ?? '';
  const ordering: Ordering<Card> = {
    defaultKey: null,
    defaultSort: 'asc',
    keys: {
      cardId: (c) => c.cardId,
      issuerCardStatus: (c) => c.issuerCardStatus,
      cardholderId: (c) => c.cardholderId,
      cardHolderLastName: lastName,
      createdDatetime: (c) => c.createdAt,
    },
  };
  return listed(
    state.cards,
    q,
    (c) => c.programId === programId && (q.issuerCardStatus === undefined || c.issuerCardStatus === q.issuerCardStatus) && (q.cardholderId === undefined || c.cardholderId === q.cardholderId),
    ordering,
  );
}

export function findCard(state: State, programId: number, cardId: number): Card {
  const card = state.cards.find((c) => c.cardId === cardId && c.programId === programId);
  if (!card) throw notFound('Card', cardId);
  return card;
}

/** The card's cardholder, even a deleted one: the card's limits still sit under its limit. */
export function cardholderOf(state: State, card: Card): Cardholder | undefined {
  return state.cardholders.find((c) => c.cardholderId === card.cardholderId);
}

/** Active or On Hold: the states block, unblock and PIN changes work in. */
const adjustable = (card: Card) => card.issuerCardStatus === CardState.Active || card.issuerCardStatus === CardState.OnHold;

function checkCardLimit(limit: number | undefined, cardholder: Cardholder | undefined): void {
  if (limit !== undefined && cardholder && limit > cardholder.transactionLimit) {
    throw cardErrors.limitAboveCardholder(limit, cardholder).withErrors([
      { field: 'transactionLimit', message: `must be at most ${cardholder.transactionLimit}` },
    ]);
  }
}

/** Virtual cards are Active at once; physical ones wait in Not Activated (4) for /activate (CARDS, PHYS). */
export function issueCard(state: State, program: Program, cardholderId: number, kind: Card['type'], input: CardIssueInput, now: number): Card {
  const cardholder = findCardholder(state, program.programId, cardholderId);
  requireApproved(cardholder, 'issuing a card');
  if (kind === 'physical' && !APPROVED_DESIGN_SLOTS.has(input.cardType ?? 0)) {
    throw cardErrors.designNotApproved(input.cardType!).withErrors([{ field: 'cardType', message: 'must be an approved design slot (0)' }]);
  }
  checkCardLimit(input.transactionLimit, cardholder);
  const cardId = nextId(state, 'cards', 20001);
  const card: Card = {
    cardId,
    programId: program.programId,
    cardholderId,
    type: kind,
    cardType: kind === 'physical' ? (input.cardType ?? 0) : null,
    nameOnCard: input.nameOnCard ?? `${cardholder.firstName} ${cardholder.lastName}`.slice(0, NAME_ON_CARD_MAX).trim(),
    alias: input.alias ?? null,
    cardNumber: testCardNumber(cardId),
    ...expiryFrom(now),
    cvv: randomCvv(),
    pin: defaultPin(testCardNumber(cardId)),
    cardStatus: CardApproval.Approved,
    issuerCardStatus: kind === 'virtual' ? CardState.Active : CardState.NotActivated,
    transactionLimit: input.transactionLimit ?? cardholder.transactionLimit,
    callingCode: input.callingCode ?? cardholder.callingCode,
    countryCallingCode: input.countryCallingCode ?? cardholder.countryCallingCode,
    phoneNum: input.phoneNum ?? cardholder.phoneNum ?? null,
    cellNum: input.cellNum ?? cardholder.cellNum,
    emailAdr: input.emailAdr ?? cardholder.emailAdr,
    cryptoAddresses: newCryptoAddresses(),
    ledgerBalance: 0,
    availableBalance: 0,
    createdAt: now,
    updatedAt: now,
  };
  state.cards.push(card);
  return card;
}

/** 4 -> 1 with matching card details and a new PIN; never back (REF:put_cards-cardid-activate). */
export function activateCard(state: State, programId: number, cardId: number, input: CardActivationInput, now: number): Card {
  const card = findCard(state, programId, cardId);
  if (card.issuerCardStatus !== CardState.NotActivated) throw cardErrors.notActivatable(card);
  const matches =
    digits(input.cardNumber, 16) === card.cardNumber &&
    Number(input.expMonth) === card.expMonth &&
    fullYear(input.expYear) === card.expYear &&
    digits(input.cvv, card.cvv.length) === card.cvv;
  if (!matches) throw cardErrors.detailsMismatch();
  card.issuerCardStatus = CardState.Active;
  card.pin = digits(input.newPin, 4);
  card.updatedAt = now;
  return card;
}

/** Block (2) / unblock (1), only between Active and On Hold. Asking for the current status is a no-op, so a retry is safe. */
export function setCardStatus(state: State, programId: number, cardId: number, newStatus: 1 | 2, now: number): Card {
  const card = findCard(state, programId, cardId);
  if (!adjustable(card)) throw cardErrors.statusNotChangeable(card);
  if (card.issuerCardStatus !== newStatus) {
    card.issuerCardStatus = newStatus;
    card.updatedAt = now;
  }
  return card;
}

/** Settings, in any state (LIFE); the limit stays within the cardholder's. */
export function updateCard(state: State, programId: number, cardId: number, input: CardUpdateInput, now: number): Card {
  const card = findCard(state, programId, cardId);
  checkCardLimit(input.transactionLimit, cardholderOf(state, card));
  for (const [field, value] of Object.entries(input)) {
    if (value !== undefined) Object.assign(card, { [field]: value });
  }
  card.updatedAt = now;
  return card;
}

/** The current PIN is always required (contract 8.9); a wrong one is 422 and changes nothing. */
export function changePin(state: State, programId: number, cardId: number, input: { oldPin: string; newPin: string }, now: number): Card {
  const card = findCard(state, programId, cardId);
  if (!adjustable(card)) throw cardErrors.pinNotChangeable(card);
  if (input.oldPin !== currentPin(card)) throw cardErrors.oldPinWrong().withErrors([{ field: 'oldPin', message: 'does not match the current PIN' }]);
  card.pin = input.newPin;
  card.updatedAt = now;
  return card;
}

/** Funds may reach an issued card unless it is closed or still pending (FUND: even before activation). */
export function requireFundable(card: Card): void {
  const open = card.issuerCardStatus === CardState.Active || card.issuerCardStatus === CardState.OnHold || card.issuerCardStatus === CardState.NotActivated;
  if (card.cardStatus !== CardApproval.Approved || !open) throw cardErrors.notFundable(card);
}

/** The API view: no PAN, CVV or PIN; the number masked. */
export function cardView(card: Card) {
  return {
    cardId: card.cardId,
    cardholderId: card.cardholderId,
    type: card.type,
    cardType: card.cardType,
    nameOnCard: card.nameOnCard,
    alias: card.alias,
    maskedCardNumber: maskCardNumber(card.cardNumber),
    cardStatus: card.cardStatus,
    issuerCardStatus: card.issuerCardStatus,
    transactionLimit: card.transactionLimit,
    callingCode: card.callingCode,
    countryCallingCode: card.countryCallingCode,
    phoneNum: card.phoneNum,
    cellNum: card.cellNum,
    emailAdr: card.emailAdr,
    cryptoAddresses: card.cryptoAddresses,
    createdAt: card.createdAt,
  };
}

export function sensitiveView(card: Card) {
  return { cardId: card.cardId, cardNumber: card.cardNumber, expMonth: card.expMonth, expYear: card.expYear, cvv: card.cvv };
}
