import { errorTemplate, type FieldError } from '../http/errors.js';
import { checkFault } from '../store/fault-shape.js';
import type { Fault, FinalFault } from './types.js';

const FIELD = 'headers.x-mock-fault';

const headerGrammar =
  'X-Mock-Fault takes one fault: a status 400..599 (e.g. 503, or 503;retry-after=2), delay=<ms> (optionally ;jitter=<ms>), ' +
  'reset, timeout, malformed, or after-commit=<5xx|reset|timeout|malformed> (a status may add ;retry-after=<s>). ' +
  'Numbers are whole numbers (delay and jitter up to 300000 ms, retry-after up to 86400 s); each parameter at most once, no others.';

/** Each status paired with its message; raised as `throw faultHeaderErrors.x(...)`. */
const faultHeaderErrors = {
  invalid: errorTemplate(400, (value: string) => `Invalid X-Mock-Fault "${value}". ${headerGrammar}`),
} as const;

class Refusal extends Error {}

/** The bounds of the fault rules' schema (openapi/control.yaml Fault). */
const MAX = { delay: 300_000, jitter: 300_000, 'retry-after': 86_400 } as const;

function int(raw: string, name: keyof typeof MAX): number {
  if (!/^\d{1,9}$/.test(raw)) throw new Refusal(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n > MAX[name]) throw new Refusal(`${name} must be at most ${MAX[name]}, got ${n}`);
  return n;
}

/**
 * `503;retry-after=2` -> head '503', params retry-after=2. Parameters go into a Map (no object whose
 * prototype a name such as `__proto__` could reach); only `allowed` names, each at most once.
 */
function split(value: string): { head: string; arg: string | undefined; params: Map<string, string> } {
  const [first = '', ...rest] = value.split(';').map((s) => s.trim());
  const [head = '', arg, ...extra] = first.split('=').map((s) => s.trim());
  if (extra.length) throw new Refusal(`"${first}" has more than one "="`);
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) throw new Refusal(`parameter "${p}" has no value (name=value)`);
    const name = p.slice(0, eq).trim().toLowerCase();
    if (params.has(name)) throw new Refusal(`parameter "${name}" is given more than once`);
    params.set(name, p.slice(eq + 1).trim());
  }
  return { head: head.toLowerCase(), arg, params };
}

function onlyParams(params: Map<string, string>, allowed: string[], what: string): void {
  for (const name of params.keys()) {
    if (!allowed.includes(name)) {
      throw new Refusal(allowed.length ? `${what} takes only ;${allowed.join(', ;')}, not "${name}"` : `${what} takes no parameters, not "${name}"`);
    }
  }
}

function final(word: string, params: Map<string, string>): FinalFault {
  if (/^\d{3}$/.test(word)) {
    onlyParams(params, ['retry-after'], `status ${word}`);
    const raw = params.get('retry-after');
    return { type: 'status', status: Number(word), ...(raw !== undefined ? { retryAfter: int(raw, 'retry-after') } : {}) };
  }
  if (word === 'reset' || word === 'timeout' || word === 'malformed') {
    onlyParams(params, [], word);
    return { type: word };
  }
  throw new Refusal(`"${word}" is not a fault`);
}

function parse(value: string): Fault {
  const { head, arg, params } = split(value);
  if (head === 'delay') {
    if (arg === undefined) throw new Refusal('delay needs milliseconds: delay=<ms>');
    onlyParams(params, ['jitter'], 'delay');
    const ms = int(arg, 'delay');
    const jitter = params.get('jitter');
    return { type: 'delay', ms, ...(jitter !== undefined ? { jitterMs: int(jitter, 'jitter') } : {}) };
  }
  if (head === 'after-commit') {
    if (arg === undefined) throw new Refusal('after-commit needs what follows the commit: after-commit=<5xx|reset|timeout|malformed>');
    return { type: 'after-commit', then: final(arg.toLowerCase(), params) };
  }
  if (arg !== undefined) throw new Refusal(`"${head}" takes no "=" value`);
  return final(head, params);
}

/** The fault a request asks for with X-Mock-Fault; a value outside the grammar is a 400 that says the grammar. */
export function parseFaultHeader(value: string): Fault {
  const refuse = (errors: FieldError[]) => faultHeaderErrors.invalid(value).withErrors(errors);
  let fault: Fault;
  try {
    fault = parse(value);
  } catch (e) {
    if (e instanceof Refusal) throw refuse([{ field: FIELD, message: e.message }]);
    throw e;
  }
  const errors: FieldError[] = [];
  const checked = checkFault(fault, errors, FIELD);
  if (!checked || errors.length) throw refuse(errors.length ? errors : [{ field: FIELD, message: 'not a fault' }]);
  return checked;
}
