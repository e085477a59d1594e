import type { FieldError } from '../http/errors.js';
import type { Fault, FinalFault } from './state.js';

/**
 * The shape rules of a fault that the schema cannot say (which fields belong to which fault type),
 * here beside the State so that an import (store/integrity) and a new rule (faults/rules) check the same.
 */

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

