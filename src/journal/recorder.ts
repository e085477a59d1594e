import type { Request, Response } from 'express';
import type { Clock } from '../clock.js';
import { normalizeIp } from '../net/ip.js';
import { captureBytes, captureHeaders, captureParsed, cut, LIMITS, type CapturedBody } from './capture.js';
import { maybeContextOf, type RequestContext } from '../http/context.js';
import type { Journal } from './journal.js';
import { operationOf } from './operations.js';

/** express.json's `verify` hook: the size of a body sent without Content-Length (chunked), for its journal entry. */
export function countBodyBytes(req: unknown, _res: object, buf: Buffer): void {
  const ctx = maybeContextOf(req as Request);
  if (ctx) ctx.bodyBytes = buf.length;
}

function mimeOf(type: unknown): string | null {
  return typeof type === 'string' ? type : null;
}

/** The first LIMITS.body bytes the response writes, and how many it wrote in all. */
function tapResponse(res: Response): { chunks: Buffer[]; size: number } {
  const tap = { chunks: [] as Buffer[], size: 0 };
  let kept = 0;
  const see = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    tap.size += buf.length;
    if (kept < LIMITS.body) {
      tap.chunks.push(buf.subarray(0, LIMITS.body - kept));
      kept += Math.min(buf.length, LIMITS.body - kept);
    }
  };
  const write = res.write;
  const end = res.end;
  res.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
    see(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Response['write'];
  res.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
    see(chunk, rest[0]);
    return (end as (...a: unknown[]) => Response).call(this, chunk, ...rest);
  } as Response['end'];
  return tap;
}

function requestBody(req: Request, ctx: RequestContext): CapturedBody | null {
  const size = ctx.bodyBytes ?? (Number(req.headers['content-length'] ?? 0) || 0);
  const mimeType = mimeOf(req.headers['content-type']);
  if (req.body !== undefined && req.body !== null && typeof req.body === 'object' && (size > 0 || Object.keys(req.body as object).length)) {
    return captureParsed(req.body, size, mimeType);
  }
  // refused before the body was read (gateway, rate limit, fault), or not JSON: only its size is known
  return size > 0 ? { size, mimeType, text: '', truncated: true } : null;
}

/** Records the request in the journal once its response is finished (or the connection dropped). */
export function journalOnClose(journal: Journal, clock: Clock, req: Request, res: Response, ctx: RequestContext): void {
  const started = ctx.startedAt;
  const time = clock.nowMs();
  const tap = tapResponse(res);
  // 'close' comes once per response: after it finished, or when the connection dropped first
  res.once('close', () => {
    const ended = performance.now();
    const [rawPath = req.originalUrl, rawQuery] = splitUrl(req.originalUrl);
    const path = cut(rawPath, LIMITS.path);
    const query = rawQuery === undefined ? null : cut(rawQuery, LIMITS.query);
    const { gatewayDoneAt } = ctx;
    const sent = res.headersSent;
    journal.record({
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
      request: { headers: captureHeaders(req.headers), body: requestBody(req, ctx) },
      response: sent ? { headers: captureHeaders(res.getHeaders()), body: tap.size ? captureBytes(tap.chunks, tap.size, mimeOf(res.getHeader('content-type'))) : null } : null,
    });
  });
}

function splitUrl(url: string): [string, string | undefined] {
  const q = url.indexOf('?');
  return q < 0 ? [url, undefined] : [url.slice(0, q), url.slice(q + 1)];
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
