import type { Request, Response } from 'express';
import type { Clock } from '../clock.js';
import { normalizeIp } from '../net/ip.js';
import { captureHeaders, captureParsed, captureText, cut, LIMITS, type CapturedBody } from './capture.js';
import { maybeContextOf, type RequestContext } from '../http/context.js';
import { bodyChars, headerChars, type Journal, type JournalEntry, type JournalMessage } from './journal.js';
import { operationOf } from './operations.js';

/** The JSON body parser's hook: the request body's text and size, for its journal entry. */
export function seeRequestBody(req: Request, text: string, bytes: number): void {
  const ctx = maybeContextOf(req);
  if (!ctx) return;
  ctx.bodyBytes = bytes;
  ctx.bodyText = text;
}

function mimeOf(type: unknown): string | null {
  return typeof type === 'string' ? type : null;
}

type Headers = Record<string, string | string[] | number | undefined>;

/**
 * What a message's journal form is made from, kept as the request left it: the header object and the
 * body text are referenced, not copied. A body over LIMITS.body is captured at once instead (from its
 * parsed value, so fields are redacted by name all the same), so no entry holds a long text.
 */
interface RawMessage {
  headers: Headers;
  size: number;
  mimeType: string | null;
  /** the whole body text, at most LIMITS.body characters, captured when read */
  text?: string;
  /** or the body already captured (long, refused unread, or none) */
  captured?: CapturedBody | null;
}

function parsedOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function rawBody(text: string | undefined, parsed: unknown, size: number, mimeType: string | null): Omit<RawMessage, 'headers'> {
  if (size === 0) return { size, mimeType, captured: null };
  // refused before the body was read (gateway, rate limit, fault), or not JSON: only its size is known
  if (text === undefined) return { size, mimeType, captured: { size, mimeType, text: '', truncated: true } };
  if (text.length <= LIMITS.body) return { size, mimeType, text };
  const value = parsed === undefined && mimeType?.includes('json') ? parsedOr(text) : parsed;
  return { size, mimeType, captured: value !== undefined && value !== null && typeof value === 'object' ? captureParsed(value, size, mimeType) : captureText(text, false, size, mimeType) };
}

function messageOf(raw: RawMessage): JournalMessage {
  const body = raw.text !== undefined ? captureText(raw.text, true, raw.size, raw.mimeType) : (raw.captured ?? null);
  return { headers: captureHeaders(raw.headers), body };
}

/** Characters a raw message will hold once captured (an estimate: redaction changes little). */
function rawChars(raw: RawMessage | null): number {
  if (!raw) return 0;
  let n = raw.text !== undefined ? bodyChars(raw.text) : raw.captured ? bodyChars(raw.captured.text) : 0;
  for (const name in raw.headers) {
    const v = raw.headers[name];
    if (v !== undefined) n += headerChars(name, String(v));
  }
  return n;
}

const RAW = Symbol('axys-mock.journal-raw');
type WithRaw = JournalEntry & { [RAW]: { request: RawMessage | null; response: RawMessage | null } };

/** Captures a message on first read; from then on it is a plain property of the entry, and the raw one is let go. */
function capture(entry: WithRaw, key: 'request' | 'response'): JournalMessage | null {
  const raws = entry[RAW];
  const raw = raws[key];
  const value = raw ? messageOf(raw) : null;
  raws[key] = null;
  Object.defineProperty(entry, key, { value, enumerable: true, configurable: true, writable: true });
  return value;
}

// one pair of getters for every entry, so entries share their hidden class
const lazyMessages: PropertyDescriptorMap = {
  request: { enumerable: true, configurable: true, get(this: WithRaw) { return capture(this, 'request'); } },
  response: { enumerable: true, configurable: true, get(this: WithRaw) { return capture(this, 'response'); } },
};

/**
 * An entry whose request and response are captured (redacted, bounded) when first read, not on the
 * request's path: most entries are never read, and capturing costs more than the rest of the entry.
 */
function withLazyMessages(summary: Omit<JournalEntry, 'request' | 'response'>, request: RawMessage, response: RawMessage | null): JournalEntry {
  Object.defineProperty(summary, RAW, { value: { request, response } });
  return Object.defineProperties(summary, lazyMessages) as JournalEntry;
}

/** Records the request in the journal once its response is finished (or the connection dropped). */
export function journalOnClose(journal: Journal, clock: Clock, req: Request, res: Response, ctx: RequestContext): void {
  const started = ctx.startedAt;
  const time = clock.nowMs();
  // 'close' comes once per response: after it finished, or when the connection dropped first
  res.on('close', () => {
    const ended = performance.now();
    const [rawPath = req.originalUrl, rawQuery] = splitUrl(req.originalUrl);
    const path = cut(rawPath, LIMITS.path);
    const query = rawQuery === undefined ? null : cut(rawQuery, LIMITS.query);
    const { gatewayDoneAt } = ctx;
    const sent = res.headersSent;
    const requestMime = mimeOf(req.headers['content-type']);
    const request: RawMessage = {
      headers: req.headers,
      ...rawBody(ctx.bodyText, req.body, ctx.bodyBytes ?? (Number(req.headers['content-length'] ?? 0) || 0), requestMime),
    };
    const answered = ctx.answerText;
    const response: RawMessage | null = sent
      ? { headers: res.getHeaders() as Headers, ...rawBody(answered, undefined, answered === undefined ? 0 : Buffer.byteLength(answered), mimeOf(res.getHeader('content-type'))) }
      : null;
    const entry = withLazyMessages(
      {
        id: ctx.requestId,
        time,
        method: req.method,
        path: path.text,
        status: sent ? res.statusCode : null,
        decision: ctx.decision,
        programId: ctx.programId,
        remoteAddress: req.socket.remoteAddress ? normalizeIp(req.socket.remoteAddress) : null,
        durationMs: round(ended - started),
        fault: ctx.fault,
        reason: ctx.reason,
        operation: path.truncated ? null : operationOf(req.method, path.text),
        query: query?.text ?? null,
        chain: ctx.chain,
        timings: { gatewayMs: gatewayDoneAt === undefined ? null : round(gatewayDoneAt - started), totalMs: round(ended - started) },
        truncated: path.truncated || (query?.truncated ?? false),
      },
      request,
      response,
    );
    journal.record(entry, rawChars(request) + rawChars(response));
  });
}

function splitUrl(url: string): [string, string | undefined] {
  const q = url.indexOf('?');
  return q < 0 ? [url, undefined] : [url.slice(0, q), url.slice(q + 1)];
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
