import { randomInt } from 'node:crypto';
import { ApiError, type FieldError } from '../http/errors.js';
import { specShapes, shapeOf } from '../http/routes.js';
import { nextId, type State } from '../store/state.js';
import type { Fault, FaultMatch, FaultRule, FaultRuleInput, FinalFault } from './types.js';

/** The id X-Mock-Fault answers with (and the journal records) for a fault asked for by the request header. */
export const HEADER_FAULT_ID = 'header';

export const faultMessages = {
  idTaken: (id: string) => `A fault rule with id "${id}" already exists: choose another id, or DELETE /_mock/faults/${id} first.`,
  invalidRule: 'The fault rule is inconsistent: see errors[].',
  notFound: (id: string) => `No fault rule "${id}" (it may have expired, run out of times or been deleted): GET /_mock/faults lists the rules.`,
} as const;

function checkFinal(fault: FinalFault, field: string, errors: FieldError[], statusRange: [number, number]): FinalFault {
  const extra = (names: string[]) => {
    for (const name of names) {
      if ((fault as Record<string, unknown>)[name] !== undefined) errors.push({ field: `${field}.${name}`, message: `not allowed for a ${fault.type} fault` });
    }
  };
  switch (fault.type) {
    case 'status': {
      extra(['ms', 'jitterMs', 'then']);
      const [min, max] = statusRange;
      if (fault.status === undefined || fault.status < min || fault.status > max) {
        errors.push({ field: `${field}.status`, message: `a status fault needs a status ${min}..${max}` });
      }
      return { type: 'status', status: fault.status, ...(fault.retryAfter !== undefined ? { retryAfter: fault.retryAfter } : {}), ...(fault.body ? { body: fault.body } : {}) };
    }
    case 'reset':
    case 'timeout':
    case 'malformed':
      extra(['status', 'retryAfter', 'body', 'ms', 'jitterMs', 'then']);
      return { type: fault.type };
    default:
      errors.push({ field: `${field}.type`, message: 'must be status, reset, timeout or malformed' });
      return fault;
  }
}

/** Cross-field rules the schema cannot say: which fields belong to which fault type. */
export function checkFault(fault: Fault, errors: FieldError[], field = 'fault'): Fault {
  const given = fault as Record<string, unknown>;
  if (fault.type === 'delay') {
    for (const name of ['status', 'retryAfter', 'body', 'then']) if (given[name] !== undefined) errors.push({ field: `${field}.${name}`, message: 'not allowed for a delay fault' });
    if (fault.ms === undefined) errors.push({ field: `${field}.ms`, message: 'a delay fault needs ms' });
    return { type: 'delay', ms: fault.ms, ...(fault.jitterMs !== undefined ? { jitterMs: fault.jitterMs } : {}) };
  }
  if (fault.type === 'after-commit') {
    for (const name of ['status', 'retryAfter', 'body', 'ms', 'jitterMs']) if (given[name] !== undefined) errors.push({ field: `${field}.${name}`, message: 'not allowed for an after-commit fault: put it in then' });
    if (!fault.then) {
      errors.push({ field: `${field}.then`, message: 'an after-commit fault needs then: a 5xx status, reset, timeout or malformed fault' });
      return fault;
    }
    return { type: 'after-commit', then: checkFinal(fault.then, `${field}.then`, errors, [500, 599]) };
  }
  return checkFinal(fault, field, errors, [400, 599]);
}

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
  if (input.id !== undefined && rules.some((r) => r.id === input.id)) throw new ApiError(409, faultMessages.idTaken(input.id));
  const errors: FieldError[] = [];
  if (input.id === HEADER_FAULT_ID) errors.push({ field: 'id', message: `"${HEADER_FAULT_ID}" is reserved for X-Mock-Fault` });
  const match = checkMatch(state, input.match ?? {}, errors);
  const fault = checkFault(input.fault, errors);
  if (errors.length) throw new ApiError(422, faultMessages.invalidRule, errors);
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
  if (!rule) throw new ApiError(404, faultMessages.notFound(id));
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
