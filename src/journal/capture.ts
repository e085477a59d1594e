import type { JournalMessage } from './journal.js';
import { isSecretField, REDACTED, redactHeader, redactText } from './redact.js';

/** Per-entry bounds: whatever a request sends, its journal entry stays within a few tens of KB. */
export const LIMITS = Object.freeze({
  path: 2048,
  query: 2048,
  headerValue: 1024,
  headers: 64,
  body: 16 * 1024,
  /** nesting kept in a body copy; deeper values become "[too deep]" */
  depth: 24,
});

/** A captured body, redacted, its text at most LIMITS.body characters (openapi/control.yaml `JournalMessage`). */
export type CapturedBody = NonNullable<JournalMessage['body']>;

export type HeaderList = JournalMessage['headers'];

export function cut(text: string, max: number): { text: string; truncated: boolean } {
  return text.length <= max ? { text, truncated: false } : { text: text.slice(0, max), truncated: true };
}

/** Redacted header list; values and count bounded (a cut value ends with `…`). */
export function captureHeaders(raw: Record<string, string | string[] | number | undefined>): HeaderList {
  const out: HeaderList = [];
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [String(value)]) {
      if (out.length >= LIMITS.headers) return out;
      const shown = redactHeader(name, v);
      out.push({ name, value: shown.length > LIMITS.headerValue ? `${shown.slice(0, LIMITS.headerValue)}…` : shown });
    }
  }
  return out;
}

/**
 * A copy of a parsed JSON value with secret fields replaced, bounded in depth and in the characters it
 * can stringify to (strings are cut, arrays and objects stop early), so that stringifying it is cheap
 * and cannot overflow the stack whatever the request sent.
 */
function boundedCopy(value: unknown, budget: { left: number }, depth: number): unknown {
  if (budget.left <= 0) return '…';
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'string') {
      budget.left -= value.length + 2;
      return redactText(value.length > LIMITS.body ? `${value.slice(0, LIMITS.body)}…` : value);
    }
    budget.left -= 8;
    return value;
  }
  if (depth >= LIMITS.depth) return '[too deep]';
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (budget.left <= 0) {
        out.push('…');
        break;
      }
      out.push(boundedCopy(item, budget, depth + 1));
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (budget.left <= 0) {
      out['…'] = '…';
      break;
    }
    budget.left -= key.length + 4;
    const v = (value as Record<string, unknown>)[key];
    // defineProperty: a "__proto__" key stays a plain key of the copy
    Object.defineProperty(out, key, { value: isSecretField(key) && v !== null ? REDACTED : boundedCopy(v, budget, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A body already parsed (express.json): redacted by field name, then stringified and bounded. */
export function captureParsed(value: unknown, size: number, mimeType: string | null): CapturedBody {
  const budget = { left: LIMITS.body };
  const { text, truncated } = cut(JSON.stringify(boundedCopy(value, budget, 0)) ?? '', LIMITS.body);
  return { size, mimeType, text, truncated: truncated || budget.left <= 0 };
}

/** A body seen as text, all of it or its first LIMITS.body characters: JSON is parsed and redacted by field name, anything else by pattern. */
export function captureText(text: string, complete: boolean, size: number, mimeType: string | null): CapturedBody {
  const seen = text.length > LIMITS.body ? text.slice(0, LIMITS.body) : text;
  if (complete && seen.length === text.length && mimeType?.includes('json')) {
    try {
      return captureParsed(JSON.parse(text), size, mimeType);
    } catch {
      // not JSON after all: fall through to the pattern redaction
    }
  }
  return { size, mimeType, text: redactText(seen), truncated: !complete || seen.length < text.length };
}
