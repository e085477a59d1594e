import { ApiError, type FieldError } from '../http/errors.js';
import { checkFault } from './rules.js';
import type { Fault, FinalFault } from './types.js';

const headerGrammar =
  'X-Mock-Fault takes one fault: a status 400..599 (e.g. 503, or 503;retry-after=2), delay=<ms> (optionally ;jitter=<ms>), ' +
  'reset, timeout, malformed, or after-commit=<5xx|reset|timeout|malformed>.';

function int(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}

/** `503;retry-after=2` -> { head: '503', params: { 'retry-after': '2' } } */
function split(value: string): { head: string; arg?: string; params: Record<string, string> } {
  const [first = '', ...rest] = value.split(';').map((s) => s.trim());
  const params: Record<string, string> = {};
  for (const p of rest) {
    const [k, v = ''] = p.split('=');
    params[k!.trim().toLowerCase()] = v.trim();
  }
  const [head = '', arg] = first.split('=').map((s) => s.trim());
  return { head: head.toLowerCase(), arg, params };
}

function final(word: string, params: Record<string, string>): FinalFault | undefined {
  if (/^\d{3}$/.test(word)) {
    const retryAfter = int(params['retry-after']);
    return { type: 'status', status: Number(word), ...(retryAfter !== undefined ? { retryAfter } : {}) };
  }
  if (word === 'reset' || word === 'timeout' || word === 'malformed') return { type: word };
  return undefined;
}

/** The fault a request asks for with X-Mock-Fault; a value outside the grammar is a 400 that says the grammar. */
export function parseFaultHeader(value: string): Fault {
  const { head, arg, params } = split(value);
  let fault: Fault | undefined;
  if (head === 'delay') {
    const ms = int(arg);
    const jitterMs = int(params.jitter);
    if (ms !== undefined && ms <= 300_000) fault = { type: 'delay', ms, ...(jitterMs !== undefined ? { jitterMs } : {}) };
  } else if (head === 'after-commit') {
    const then = arg === undefined ? undefined : final(arg.toLowerCase(), params);
    if (then) fault = { type: 'after-commit', then };
  } else if (arg === undefined) {
    fault = final(head, params);
  }
  const errors: FieldError[] = [];
  if (fault) fault = checkFault(fault, errors, 'headers.x-mock-fault');
  if (!fault || errors.length) {
    throw new ApiError(400, `Invalid X-Mock-Fault "${value}". ${headerGrammar}`, errors.length ? errors : [{ field: 'headers.x-mock-fault', message: 'not a fault' }]);
  }
  return fault;
}
