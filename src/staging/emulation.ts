import { mulberry32 } from '../faults/prng.js';
import { errorTemplate } from '../http/errors.js';
import type { Cardholder, EmulationOutcome, EmulationSettings, EmulationWeights, Program, State } from '../store/state.js';
import type { components } from '../generated/control.js';

/**
 * The opt-in, seeded emulation mode of a staging program (contract 8.16): the outcomes the platform's
 * staging documents (review approved / declined / admin declined / error after a delay, errors at
 * submit, clearing times that vary), drawn from mulberry32. The n-th draw of a program depends only
 * on (seed, n): the same seed and the same requests give the same outcomes in any process.
 * Plain synchronous functions over (state, ..., now); off (no `emulation`) they change nothing.
 */

export type EmulationInput = components['schemas']['EmulationInput'];

export const emulationMessages = {
  rangeReversed: (field: string) => `${field}.min must not exceed ${field}.max`,
  noPositiveWeight: 'weights: at least one outcome needs a positive weight',
  stagingOnly: 'the emulation mode exists only for staging programs',
} as const;

/** Each status paired with its message; raised as `throw emulationErrors.x(...)`. */
const emulationErrors = {
  rangeReversed: errorTemplate(422, emulationMessages.rangeReversed),
  noPositiveWeight: errorTemplate(422, emulationMessages.noPositiveWeight),
  stagingOnly: errorTemplate(422, emulationMessages.stagingOnly),
} as const;

const DEFAULT_WEIGHTS: EmulationWeights = { approved: 70, complianceDecline: 15, adminDecline: 10, error: 5 };
const DEFAULT_REVIEW = { min: 60, max: 600 };
const OUTCOMES: Array<[keyof EmulationWeights, EmulationOutcome['status']]> = [
  ['approved', 1],
  ['complianceDecline', 2],
  ['adminDecline', 7],
  ['error', 6],
];

function checkRange(range: { min: number; max: number }, field: string): void {
  if (range.min > range.max) throw emulationErrors.rangeReversed(field).withErrors([{ field: `${field}.min`, message: `greater than ${field}.max (${range.max})` }]);
}

/** Validated settings from a control-plane body; the draw counter starts at 0. */
export function emulationSettings(input: EmulationInput): EmulationSettings {
  const weights = input.weights ?? DEFAULT_WEIGHTS;
  if (OUTCOMES.every(([name]) => weights[name] === 0)) {
    throw emulationErrors.noPositiveWeight().withErrors([{ field: 'weights', message: 'all weights are 0' }]);
  }
  const reviewSeconds = input.reviewSeconds ?? DEFAULT_REVIEW;
  checkRange(reviewSeconds, 'reviewSeconds');
  const depositClearingSeconds = input.depositClearingSeconds ?? null;
  if (depositClearingSeconds) checkRange(depositClearingSeconds, 'depositClearingSeconds');
  return { seed: input.seed, weights: { ...weights }, reviewSeconds: { ...reviewSeconds }, submitErrorRate: input.submitErrorRate ?? 0, depositClearingSeconds, draws: 0 };
}

/** A generator for the program's next draw; the counter is advanced (stored with the state). */
function nextDraw(settings: EmulationSettings): () => number {
  const n = settings.draws;
  settings.draws = n + 1;
  // mix the draw number into the seed (golden-ratio step) so consecutive draws are independent streams
  return mulberry32((settings.seed ^ Math.imul(n + 1, 0x9e3779b9)) >>> 0);
}

const uniformInt = (random: () => number, range: { min: number; max: number }): number => range.min + Math.floor(random() * (range.max - range.min + 1));

function pickOutcome(random: () => number, weights: EmulationWeights): EmulationOutcome['status'] {
  const total = OUTCOMES.reduce((sum, [name]) => sum + weights[name], 0);
  let point = random() * total;
  for (const [name, status] of OUTCOMES) {
    point -= weights[name];
    if (point < 0 && weights[name] > 0) return status;
  }
  return OUTCOMES.filter(([name]) => weights[name] > 0).at(-1)![1];
}

const emulationOf = (state: State, programId: number): EmulationSettings | null => {
  const program = state.programs.find((p) => p.programId === programId);
  return program?.environment === 'staging' ? (program.emulation ?? null) : null;
};

/**
 * Called by kyc-submit once the cardholder is Under Review: with the mode on, either the submit
 * itself ends in Error (6) at `submitErrorRate`, or a review outcome is drawn and scheduled.
 */
export function emulateKycSubmit(state: State, cardholder: Cardholder, now: number): void {
  const settings = emulationOf(state, cardholder.programId);
  if (settings === null) return;
  const random = nextDraw(settings);
  state.emulationOutcomes = state.emulationOutcomes.filter((o) => !(o.programId === cardholder.programId && o.cardholderId === cardholder.cardholderId));
  if (random() < settings.submitErrorRate) {
    cardholder.status = 6;
    return;
  }
  const status = pickOutcome(random, settings.weights);
  state.emulationOutcomes.push({ programId: cardholder.programId, cardholderId: cardholder.cardholderId, status, dueAt: now + uniformInt(random, settings.reviewSeconds) });
}

/** The clearing time of a bank deposit under the mode, or null for the usual clearing. */
export function emulatedClearingTime(state: State, programId: number, now: number): number | null {
  const settings = emulationOf(state, programId);
  if (settings?.depositClearingSeconds == null) return null;
  return now + uniformInt(nextDraw(settings), settings.depositClearingSeconds);
}

/** Applies the outcomes due at `now`, in due order; a cardholder no longer Under Review (validated, edited) keeps its status. */
export function applyDueOutcomes(state: State, now: number): EmulationOutcome[] {
  const due = state.emulationOutcomes.filter((o) => o.dueAt <= now);
  if (due.length === 0) return [];
  due.sort((a, b) => a.dueAt - b.dueAt || a.programId - b.programId || a.cardholderId - b.cardholderId);
  for (const outcome of due) {
    const c = state.cardholders.find((x) => x.programId === outcome.programId && x.cardholderId === outcome.cardholderId);
    if (c && c.status === 3) {
      c.status = outcome.status;
      c.updatedAt = now;
    }
  }
  state.emulationOutcomes = state.emulationOutcomes.filter((o) => o.dueAt > now);
  return due;
}

/** Sets or clears a program's mode; clearing drops its outcomes not yet due. */
export function setEmulation(state: State, program: Program, settings: EmulationSettings | null): void {
  if (settings !== null && program.environment !== 'staging') {
    throw emulationErrors.stagingOnly().withErrors([{ field: 'programId', message: `program ${program.programId} is ${program.environment}` }]);
  }
  if (settings === null) delete program.emulation;
  else program.emulation = settings;
  if (settings === null) state.emulationOutcomes = state.emulationOutcomes.filter((o) => o.programId !== program.programId);
}
