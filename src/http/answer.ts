import type { Response } from 'express';
import { maybeContextOf } from './context.js';

/** Only with validateResponses (tests): the mock's own answer broke the spec; say where. */
export function checkFailure(err: unknown): { status: number; body: unknown } {
  const e = err as { message?: string; errors?: Array<{ path?: string; message?: string }> };
  return {
    status: 500,
    body: { status: 'error', message: `The mock's response does not match the spec: ${e?.message}`, errors: (e?.errors ?? []).map((i) => ({ field: i.path ?? '', message: i.message ?? '' })) },
  };
}

/**
 * The one way a JSON answer leaves (operations, replays, the error handler): an after-commit fault
 * replaces it, a response check (validateResponses) may turn it into a 500, then it is written once.
 * A HEAD gets the headers without the body.
 */
export function answer(res: Response, status: number, body: unknown, headers?: Record<string, string>): void {
  const ctx = maybeContextOf(res.req);
  if (ctx?.replaceAnswer) {
    const replace = ctx.replaceAnswer;
    // the fault answers in the platform's stead: its answer is not the operation's to check
    ctx.replaceAnswer = null;
    ctx.checkAnswer = null;
    replace(body);
    return;
  }
  if (headers) for (const name in headers) res.setHeader(name, headers[name]!);
  if (ctx?.checkAnswer) {
    const check = ctx.checkAnswer;
    ctx.checkAnswer = null;
    try {
      check(status, body);
    } catch (err) {
      ({ status, body } = checkFailure(err));
    }
  }
  answerText(res, status, JSON.stringify(body));
}

/** Writes JSON text as it is (a fault's cut-off body uses it directly); the journal keeps the text. */
export function answerText(res: Response, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  const bytes = Buffer.byteLength(text);
  res.setHeader('Content-Length', bytes);
  if (res.req.method === 'HEAD') return void res.end();
  const ctx = maybeContextOf(res.req);
  if (ctx) {
    ctx.answerText = text;
    ctx.answerBytes = bytes;
  }
  res.end(text);
}
