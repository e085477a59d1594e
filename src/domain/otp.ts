import { randomBytes, randomInt } from 'node:crypto';
import { errorTemplate } from '../http/errors.js';
import type { Card, OtpListener, Program, State } from '../store/state.js';
import { findLiveCardholder } from './cardholders.js';
import { CardState, findCard, issuerStatusName } from './cards.js';

export interface OtpSettings {
  /** life of a listener from its subscription (contract section 7: 15 minutes) */
  otpListenerSeconds: number;
  /** life of a received code (5 minutes) */
  otpCodeSeconds: number;
  /** why a webhookUrl is refused (not http(s), the mock's own listeners, WEBHOOK_URLS=public-https), or null */
  webhookUrlRefusal?: (url: string) => string | null;
}

export const otpMessages = {
  exactlyOne: 'Send exactly one of cardId (recommended) or cardholderId (legacy: covers all the cardholder\'s cards).',
  threeDSDisabled: (program: Program) =>
    `3-D Secure is not enabled for program ${program.programId}: it produces no OTPs. 3DS is a program setting fixed at setup.`,
  cardNotActive: (card: Card) =>
    `Card ${card.cardId} is ${issuerStatusName[card.issuerCardStatus]} (issuerCardStatus ${card.issuerCardStatus}): 3-D Secure OTPs exist only for Active cards (issuerCardStatus 1).`,
  noActiveCard: (cardholderId: number) =>
    `Cardholder ${cardholderId} has no Active card (issuerCardStatus 1): 3-D Secure OTPs exist only for Active cards. Issue or activate a card first.`,
  tokenNotFound: (token: string) =>
    `OTP token ${token} not found: it is unknown, unsubscribed or expired (listeners live 15 minutes, codes 5 by default). Subscribe again with POST /v2/otp/listeners.`,
};

/** Each status paired with its message; raised as `throw otpErrors.x(...)`. */
const otpErrors = {
  exactlyOne: errorTemplate(422, otpMessages.exactlyOne),
  threeDSDisabled: errorTemplate(409, otpMessages.threeDSDisabled),
  cardNotActive: errorTemplate(409, otpMessages.cardNotActive),
  noActiveCard: errorTemplate(409, otpMessages.noActiveCard),
  tokenNotFound: errorTemplate(404, otpMessages.tokenNotFound),
  // the refusal comes from the configured webhook URL policy (settings.webhookUrlRefusal)
  webhookUrlRefused: errorTemplate(422, (refusal: string) => refusal),
} as const;

export interface OtpSubscriptionInput {
  cardId?: number;
  cardholderId?: number;
  webhookUrl?: string;
}

/**
 * A listener answers until it expires: before a code arrives, its own expiry; once a code arrived, the
 * code's. A challenge reaches live listeners only, so an expired token stays 404 for good.
 */
function isLive(l: OtpListener, now: number): boolean {
  if (l.unsubscribed) return false;
  return l.codeExpiresAt !== null ? now < l.codeExpiresAt : now < l.expiresAt;
}

function requireThreeDS(program: Program): void {
  if (!program.threeDSEnabled) throw otpErrors.threeDSDisabled(program);
}

function requireActive(card: Card): void {
  if (card.issuerCardStatus !== CardState.Active) throw otpErrors.cardNotActive(card);
}

export function subscribeOtp(state: State, program: Program, input: OtpSubscriptionInput, settings: OtpSettings, now: number): OtpListener {
  if ((input.cardId === undefined) === (input.cardholderId === undefined)) {
    throw otpErrors.exactlyOne().withErrors([{ field: input.cardId === undefined ? 'cardId' : 'cardholderId', message: 'send exactly one of cardId, cardholderId' }]);
  }
  const urlRefusal = input.webhookUrl === undefined ? null : (settings.webhookUrlRefusal?.(input.webhookUrl) ?? null);
  if (urlRefusal !== null) throw otpErrors.webhookUrlRefused(urlRefusal).withErrors([{ field: 'webhookUrl', message: urlRefusal }]);
  if (input.cardId !== undefined) {
    const card = findCard(state, program.programId, input.cardId);
    requireThreeDS(program);
    requireActive(card);
  } else {
    const cardholder = findLiveCardholder(state, program.programId, input.cardholderId!, 'an OTP subscription');
    requireThreeDS(program);
    const active = state.cards.some((c) => c.cardholderId === cardholder.cardholderId && c.issuerCardStatus === CardState.Active);
    if (!active) throw otpErrors.noActiveCard(cardholder.cardholderId);
  }
  dropDeadListeners(state, now);
  const listener: OtpListener = {
    token: randomBytes(24).toString('base64url'),
    programId: program.programId,
    cardId: input.cardId ?? null,
    cardholderId: input.cardholderId ?? null,
    webhookUrl: input.webhookUrl ?? null,
    createdAt: now,
    expiresAt: now + settings.otpListenerSeconds,
    code: null,
    codeExpiresAt: null,
    unsubscribed: false,
  };
  state.otpListeners.push(listener);
  return listener;
}

/**
 * Dead listeners are of no further use: dropping them keeps the collection bounded, and before the
 * mock's clock moves back it keeps an expired token 404 for good (it would otherwise be live again).
 * Replacing the collection writes all of it to the change log, so only when one of them is dead.
 */
export function dropDeadListeners(state: State, now: number): void {
  if (!state.otpListeners.every((l) => isLive(l, now))) state.otpListeners = state.otpListeners.filter((l) => isLive(l, now));
}

export function findListener(state: State, programId: number, token: string, now: number): OtpListener {
  const l = state.otpListeners.find((x) => x.token === token && x.programId === programId);
  if (!l || !isLive(l, now)) throw otpErrors.tokenNotFound(token);
  return l;
}

export function otpView(l: OtpListener) {
  return l.code === null ? { status: 'pending' as const, code: null, expiresAt: null } : { status: 'received' as const, code: l.code, expiresAt: l.codeExpiresAt };
}

export function unsubscribeOtp(state: State, programId: number, token: string, now: number): void {
  findListener(state, programId, token, now).unsubscribed = true;
}

export interface Challenge {
  card: Card;
  code: string;
  expiresAt: number;
  listeners: OtpListener[];
}

/** Staging: a 3-DS challenge on a card gives every live listener of the card (or of its cardholder) a fresh 6-digit code. */
export function challengeCard(state: State, program: Program, cardId: number, settings: OtpSettings, now: number): Challenge {
  const card = findCard(state, program.programId, cardId);
  requireThreeDS(program);
  requireActive(card);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = now + settings.otpCodeSeconds;
  const listeners = state.otpListeners.filter(
    (l) => l.programId === program.programId && isLive(l, now) && (l.cardId === card.cardId || l.cardholderId === card.cardholderId),
  );
  for (const l of listeners) {
    l.code = code;
    l.codeExpiresAt = expiresAt;
  }
  return { card, code, expiresAt, listeners };
}

