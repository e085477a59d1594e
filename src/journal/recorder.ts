import type { NextFunction, Request, Response } from 'express';
import type { Clock } from '../clock.js';
import { normalizeIp } from '../gateway/ip.js';
import type { Decision, Journal } from './journal.js';

/** Records every request in the journal once its response is finished (or the connection dropped). */
export function journalRecorder(journal: Journal, clock: Clock) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const time = clock.nowMs();
    // 'close' comes once per response: after it finished, or when the connection dropped first
    res.once('close', () => {
      journal.record({
        id: res.locals.requestId as string,
        time,
        method: req.method,
        path: req.originalUrl.split('?')[0] ?? req.originalUrl,
        status: res.headersSent ? res.statusCode : null,
        decision: (res.locals.decision as Decision | undefined) ?? 'ok',
        programId: (res.locals.programId as number | undefined) ?? null,
        remoteAddress: req.socket.remoteAddress ? normalizeIp(req.socket.remoteAddress) : null,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        fault: (res.locals.fault as string | undefined) ?? null,
        reason: (res.locals.reason as string | undefined) ?? null,
      });
    });
    next();
  };
}
