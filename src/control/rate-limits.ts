import { Router } from 'express';
import { findProgram } from '../domain/programs.js';
import type { Program } from '../store/state.js';
import type { ControlDeps } from './deps.js';

const round = (n: number) => Math.round(n * 1000) / 1000;

/** GET /_mock/rate-limits: each program's live buckets, one per API key, as they stand now (read only). */
export function rateLimitsRouter(deps: ControlDeps): Router {
  const router = Router();
  const state = () => deps.store.state;

  const view = (program: Program) => ({
    programId: program.programId,
    programName: program.programName,
    environment: program.environment,
    rateLimit: { ...program.rateLimit },
    buckets: state()
      .apiKeys.filter((k) => k.programId === program.programId && !k.revoked)
      .map((k) => {
        const b = deps.rateBucket(k.apiKey, program.rateLimit);
        return { apiKey: k.apiKey, used: b.used, tokens: round(b.tokens), remaining: b.remaining, burst: b.burst, requestsPerSecond: b.requestsPerSecond, secondsUntilFull: round(b.secondsUntilFull) };
      }),
  });

  router.get('/_mock/rate-limits', (req, res) => {
    const programs = req.query.programId === undefined ? state().programs : [findProgram(state(), Number(req.query.programId))];
    res.json({ items: programs.map(view), total: programs.length });
  });

  return router;
}
