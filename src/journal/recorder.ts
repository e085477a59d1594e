import type { Request, Response } from 'express';
import type { Clock } from '../clock.js';
import { normalizeIp } from '../net/ip.js';
import { captureHeaders, captureParsed, captureText, cut, LIMITS, type CapturedBody } from './capture.js';
import { maybeContextOf, type RequestContext } from '../http/context.js';
import { bodyChars, headerChars, type Journal, type JournalEntry, type JournalMessage, type JournalSummary } from './journal.js';
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

type HeaderValue = string | string[] | number | undefined;
type Headers = Record<string, HeaderValue>;
/** Headers as `[name, value, name, value, ...]`. */
type HeaderList = (string | HeaderValue)[];

/** The response's headers as a list of exactly their length: res.getHeaders() builds a dictionary-mode object, several times the size. */
function responseHeaders(res: Response): HeaderList {
  const names = res.getHeaderNames();
  const list: HeaderList = new Array(names.length * 2);
  for (let i = 0; i < names.length; i++) {
    list[2 * i] = names[i];
    list[2 * i + 1] = res.getHeader(names[i]);
  }
  return list;
}

function headersOf(list: HeaderList): Headers {
  const headers: Headers = {};
  // defineProperty: a header named "__proto__" stays a plain key
  for (let i = 0; i < list.length; i += 2) Object.defineProperty(headers, list[i] as string, { value: list[i + 1], enumerable: true, writable: true, configurable: true });
  return headers;
}

/**
 * What a message's journal form is made from, kept as the request left it: the header object and the
 * body text are referenced, not copied. A body over LIMITS.body is captured at once instead (from its
 * parsed value, so fields are redacted by name all the same), so no entry holds a long text.
 */
interface RawMessage {
  /** the request's header object (Node's own), or the response's as a list */
  headers: Headers | HeaderList;
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

function rawMessage(headers: Headers | HeaderList, text: string | undefined, parsed: unknown, size: number, mimeType: string | null): RawMessage {
  if (size === 0) return { headers, size, mimeType, captured: null };
  // refused before the body was read (gateway, rate limit, fault), or not JSON: only its size is known
  if (text === undefined) return { headers, size, mimeType, captured: { size, mimeType, text: '', truncated: true } };
  if (text.length <= LIMITS.body) return { headers, size, mimeType, text };
  const value = parsed === undefined && mimeType?.includes('json') ? parsedOr(text) : parsed;
  return { headers, size, mimeType, captured: value !== undefined && value !== null && typeof value === 'object' ? captureParsed(value, size, mimeType) : captureText(text, false, size, mimeType) };
}

function messageOf(raw: RawMessage): JournalMessage {
  const body = raw.text !== undefined ? captureText(raw.text, true, raw.size, raw.mimeType) : (raw.captured ?? null);
  return { headers: captureHeaders(Array.isArray(raw.headers) ? headersOf(raw.headers) : raw.headers), body };
}

/** Characters a raw message will hold once captured (an estimate: redaction changes little). */
function rawChars(raw: RawMessage | null): number {
  if (!raw) return 0;
  let n = raw.text !== undefined ? bodyChars(raw.text) : raw.captured ? bodyChars(raw.captured.text) : 0;
  const { headers } = raw;
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) if (headers[i + 1] !== undefined) n += headerChars(headers[i] as string, String(headers[i + 1]));
  } else {
    for (const name in headers) if (headers[name] !== undefined) n += headerChars(name, String(headers[name]));
  }
  return n;
}

function captured(raw: RawMessage | null): JournalMessage | null {
  return raw ? messageOf(raw) : null;
}

/**
 * An entry as the journal keeps it: the summary as own properties, the request and response kept raw
 * (header objects and body texts referenced, not copied) and captured (redacted, bounded) when first
 * read, not on the request's path: most entries are never read, and capturing costs more than the
 * rest of the entry. One object of one shape per entry: the journal holds thousands, and each object
 * they hold is one more for the garbage collector to trace.
 */
interface RecordedEntry extends JournalSummary {}
class RecordedEntry {
  #request: RawMessage | null;
  #response: RawMessage | null;
  /** the captured messages, once read */
  #requestMessage: JournalMessage | null | undefined;
  #responseMessage: JournalMessage | null | undefined;

  constructor(s: JournalSummary, request: RawMessage, response: RawMessage | null) {
    // one assignment per field, in the schema's order: V8 then keeps them inside the object
    this.id = s.id;
    this.time = s.time;
    this.method = s.method;
    this.path = s.path;
    this.status = s.status;
    this.decision = s.decision;
    this.programId = s.programId;
    this.remoteAddress = s.remoteAddress;
    this.durationMs = s.durationMs;
    this.fault = s.fault;
    this.reason = s.reason;
    this.operation = s.operation;
    this.query = s.query;
    this.chain = s.chain;
    this.timings = s.timings;
    this.truncated = s.truncated;
    this.#request = request;
    this.#response = response;
  }

  get request(): JournalMessage | null {
    if (this.#requestMessage === undefined) this.#requestMessage = captured(this.#request);
    this.#request = null;
    return this.#requestMessage;
  }

  get response(): JournalMessage | null {
    if (this.#responseMessage === undefined) this.#responseMessage = captured(this.#response);
    this.#response = null;
    return this.#responseMessage;
  }

  /** As GET /_mock/requests/{entry} answers it: the summary, then the messages. */
  toJSON(): JournalEntry {
    return { ...this, request: this.request, response: this.response };
  }
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
    const request = rawMessage(req.headers, ctx.bodyText, req.body, ctx.bodyBytes ?? (Number(req.headers['content-length'] ?? 0) || 0), requestMime);
    const answered = ctx.answerText;
    const response = sent ? rawMessage(responseHeaders(res), answered, undefined, answered === undefined ? 0 : ctx.answerBytes, mimeOf(res.getHeader('content-type'))) : null;
    const entry = new RecordedEntry(
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
        // a copy of its exact length: the context's array, grown by pushes, has room for 16
        chain: ctx.chain.slice(),
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
