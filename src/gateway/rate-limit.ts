import type { Response } from 'express';
import type { components } from '../generated/control.js';
import type { DecisionStep, RequestContext } from '../http/context.js';
import { ApiError, errors } from '../http/errors.js';
import type { ApiKeyRecord, RateLimit } from '../store/state.js';
import { frozen, keyHint } from './gateway.js';

interface Bucket {
  tokens: number;
  /** the time source's milliseconds at the last refill */
  at: number;
  limit: RateLimit;
}

export interface RateVerdict {
  allowed: boolean;
  /** bucket capacity (the burst) */
  limit: number;
  /** whole tokens left after this request */
  remaining: number;
  /** seconds until the bucket is full again */
  resetSeconds: number;
  /** whole seconds (>= 1) until one token is back; only when refused */
  retryAfter?: number;
}

/** One API key's bucket as GET /_mock/rate-limits shows it (openapi/control.yaml `RateBucket`, less the key). */
export type RateBucketView = Omit<components['schemas']['RateBucket'], 'apiKey'>;

/**
 * A token bucket per API key (contract section 3, step 5). Tokens refill on the injected monotonic
 * time (the mock passes its clock's running time: real time that stands still while the clock is
 * frozen, and that advancing the clock does not move), so a client that really waits Retry-After
 * gets through and a jump of the mock's clock refills nothing. A changed rate limit starts a full bucket.
 */
export class RateLimiter {
  #buckets = new Map<string, Bucket>();

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  take(apiKey: string, limit: RateLimit, now = this.nowMs()): RateVerdict {
    let bucket = this.#buckets.get(apiKey);
    if (!bucket || bucket.limit.burst !== limit.burst || bucket.limit.requestsPerSecond !== limit.requestsPerSecond) {
      bucket = { tokens: limit.burst, at: now, limit: { ...limit } };
      this.#buckets.set(apiKey, bucket);
    }
    const rate = limit.requestsPerSecond;
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    const verdict: RateVerdict = {
      allowed,
      limit: limit.burst,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((limit.burst - bucket.tokens) / rate),
    };
    if (!allowed) verdict.retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
    return verdict;
  }

  /**
   * A read-only look at a key's bucket as it stands now (refilled up to now, nothing taken, nothing
   * stored): a key that has not called yet, or whose limit changed since, has a full bucket.
   */
  peek(apiKey: string, limit: RateLimit, now = this.nowMs()): RateBucketView {
    const bucket = this.#buckets.get(apiKey);
    const live = bucket !== undefined && bucket.limit.burst === limit.burst && bucket.limit.requestsPerSecond === limit.requestsPerSecond;
    const tokens = live ? Math.min(limit.burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * limit.requestsPerSecond) : limit.burst;
    return {
      used: live,
      tokens,
      remaining: Math.floor(tokens),
      burst: limit.burst,
      requestsPerSecond: limit.requestsPerSecond,
      secondsUntilFull: (limit.burst - tokens) / limit.requestsPerSecond,
    };
  }

  /** The next request of these keys starts a full bucket (a program's rate limit was set, even to the value it had). */
  restart(apiKeys: Iterable<string>): void {
    for (const apiKey of apiKeys) this.#buckets.delete(apiKey);
  }

  clear(): void {
    this.#buckets.clear();
  }
}

/**
 * After the API key check: every answer to an identified caller carries X-RateLimit-Limit (the
 * burst), -Remaining (whole requests left now) and -Reset (seconds until the bucket is full); a
 * request beyond the bucket is a 429 with Retry-After and does nothing. Answers the refusal or null.
 */
export function checkRateLimit(limiter: RateLimiter, res: Response, ctx: RequestContext): ApiError | null {
  const { program, apiKey } = ctx.caller;
  const v = limiter.take(apiKey.apiKey, program.rateLimit);
  res.setHeader('X-RateLimit-Limit', String(v.limit));
  res.setHeader('X-RateLimit-Remaining', String(v.remaining));
  res.setHeader('X-RateLimit-Reset', String(v.resetSeconds));
  if (v.allowed) {
    ctx.record(rateLimitPassed(apiKey, program.rateLimit, v.remaining));
    return null;
  }
  ctx.record({
    step: 'rateLimit',
    outcome: 'fail',
    detail: `${bucketOf(apiKey, program.rateLimit)}, empty: retry after ${v.retryAfter} s`,
    facts: { burst: program.rateLimit.burst, requestsPerSecond: program.rateLimit.requestsPerSecond, remaining: v.remaining },
  });
  ctx.refuse('rate_limited');
  ctx.reason = `bucket of ${program.rateLimit.burst} at ${program.rateLimit.requestsPerSecond}/s is empty`;
  return errors.tooManyRequests().withHeaders({ 'Retry-After': String(v.retryAfter) });
}

function bucketOf(apiKey: ApiKeyRecord, limit: RateLimit): string {
  return `bucket of key ${keyHint(apiKey.apiKey)}: ${limit.burst} at ${limit.requestsPerSecond}/s`;
}

/**
 * The passing steps of a key's bucket by tokens left, shared by the chains that hold them as the
 * gateway's passing steps are (gateway.ts); at most PASSED_MAX per key, a changed limit starts anew.
 */
interface PassedRateSteps {
  key: string;
  burst: number;
  requestsPerSecond: number;
  byRemaining: Map<number, DecisionStep>;
}
const passedRateSteps = new WeakMap<ApiKeyRecord, PassedRateSteps>();
const PASSED_MAX = 1024;

function rateLimitPassed(apiKey: ApiKeyRecord, limit: RateLimit, remaining: number): DecisionStep {
  let passed = passedRateSteps.get(apiKey);
  if (!passed || passed.key !== apiKey.apiKey || passed.burst !== limit.burst || passed.requestsPerSecond !== limit.requestsPerSecond) {
    passed = { key: apiKey.apiKey, burst: limit.burst, requestsPerSecond: limit.requestsPerSecond, byRemaining: new Map() };
    passedRateSteps.set(apiKey, passed);
  }
  let step = passed.byRemaining.get(remaining);
  if (!step) {
    if (passed.byRemaining.size >= PASSED_MAX) passed.byRemaining.clear();
    step = frozen({
      step: 'rateLimit',
      outcome: 'pass',
      detail: `${bucketOf(apiKey, limit)}, ${remaining} left`,
      facts: { burst: limit.burst, requestsPerSecond: limit.requestsPerSecond, remaining },
    });
    passed.byRemaining.set(remaining, step);
  }
  return step;
}
