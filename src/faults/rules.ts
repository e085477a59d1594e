import { randomInt } from 'node:crypto';
import { errorTemplate, type FieldError } from '../http/errors.js';
import { specShapes, shapeOf } from '../http/routes.js';
import { checkFault } from '../store/fault-shape.js';
import { nextId, type State } from '../store/state.js';
import type { Fault, FaultMatch, FaultRule, FaultRuleInput } from './types.js';

/** The id X-Mock-Fault answers with (and the journal records) for a fault asked for by the request header. */
export const HEADER_FAULT_ID = 'header';

export const faultMessages = {
  idTaken: (id: string) => `A fault rule with id "${id}" already exists: choose another id, or DELETE /_mock/faults/${id} first.`,
  invalidRule: 'The fault rule is inconsistent: see errors[].',
  notFound: (id: string) => `No fault rule "${id}" (it may have expired, run out of times or been deleted): GET /_mock/faults lists the rules.`,
} as const;

/** Each status paired with its message; raised as `throw faultErrors.x(...)`. */
const faultErrors = {
  idTaken: errorTemplate(409, faultMessages.idTaken),
  invalidRule: errorTemplate(422, faultMessages.invalidRule),
  notFound: errorTemplate(404, faultMessages.notFound),
} as const;

function checkMatch(state: State, match: FaultMatch, errors: FieldError[]): FaultMatch {
  const out: FaultMatch = {};
  if (match.method !== undefined) out.method = match.method.toUpperCase() as FaultMatch['method'];
  if (match.path !== undefined) {
    if (!match.path.startsWith('/v2/')) errors.push({ field: 'match.path', message: 'must be a platform path under /v2/' });
    else if (match.path.includes('{') && !specShapes().has(shapeOf(match.path))) {
      errors.push({ field: 'match.path', message: `"${match.path}" is no path template of openapi/platform.yaml (e.g. /v2/cardholders/{cardholderId})` });
    }
    out.path = match.path;
  }
  if (match.programId !== undefined) {
    if (!state.programs.some((p) => p.programId === match.programId)) errors.push({ field: 'match.programId', message: `no program ${match.programId}` });
    out.programId = match.programId;
  }
  if (match.apiKey !== undefined) {
    if (!state.apiKeys.some((k) => k.apiKey === match.apiKey)) errors.push({ field: 'match.apiKey', message: 'no such API key' });
    out.apiKey = match.apiKey;
  }
  return out;
}

/** Validates a rule and adds it at the end of the list (rules are checked in order). */
export function addFaultRule(state: State, input: FaultRuleInput, now: number): FaultRule {
  const rules = state.faults;
  if (input.id !== undefined && rules.some((r) => r.id === input.id)) throw faultErrors.idTaken(input.id);
  const errors: FieldError[] = [];
  if (input.id === HEADER_FAULT_ID) errors.push({ field: 'id', message: `"${HEADER_FAULT_ID}" is reserved for X-Mock-Fault` });
  const match = checkMatch(state, input.match ?? {}, errors);
  const fault = checkFault(input.fault, errors);
  if (errors.length) throw faultErrors.invalidRule().withErrors(errors);
  let id = input.id;
  while (id === undefined || rules.some((r) => r.id === id)) id = `fault_${nextId(state, 'faults')}`;
  const rule: FaultRule = {
    id,
    match,
    fault,
    probability: input.probability ?? 1,
    seed: input.seed ?? randomInt(0, 2 ** 32 - 1),
    times: input.times ?? null,
    skip: input.skip ?? 0,
    ttlSeconds: input.ttlSeconds ?? null,
    createdAt: now,
    expiresAt: input.ttlSeconds === undefined ? null : now + input.ttlSeconds,
  };
  rules.push(rule);
  return rule;
}

export function findFaultRule(state: State, id: string): FaultRule {
  const rule = state.faults.find((r) => r.id === id);
  if (!rule) throw faultErrors.notFound(id);
  return rule;
}

export function removeFaultRule(state: State, id: string): FaultRule {
  const rule = findFaultRule(state, id);
  state.faults = state.faults.filter((r) => r.id !== rule.id);
  return rule;
}

/** Drops rules whose ttlSeconds ran out on the mock's clock; returns them. */
export function pruneExpiredRules(state: State, now: number): FaultRule[] {
  const isExpired = (r: FaultRule) => r.expiresAt !== null && now >= r.expiresAt;
  const expired = state.faults.filter(isExpired);
  if (expired.length) state.faults = state.faults.filter((r) => !isExpired(r));
  return expired;
}

/** A one-line description for the journal's reason, e.g. `after-commit then status 500`. */
export function describeFault(fault: Fault): string {
  switch (fault.type) {
    case 'status':
      return `status ${fault.status}`;
    case 'delay':
      return `delay ${fault.ms}ms${fault.jitterMs ? ` +0..${fault.jitterMs}ms` : ''}`;
    case 'after-commit':
      return `after-commit then ${describeFault(fault.then)}`;
    default:
      return fault.type;
  }
}
