import { beforeEach, describe, expect, it } from 'vitest';
import { Clock } from '../src/clock.js';
import { RateLimiter } from '../src/gateway/rate-limit.js';
import { messages } from '../src/http/errors.js';
import { apiClient, controlClient } from './helpers/client.js';
import { fixtureCardholder as F } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const api = () => apiClient(mock());
const control = () => controlClient(mock());
const approved = `/v2/cardholders/${F.approved}`;

async function setRateLimit(programId: number, requestsPerSecond: number, burst: number) {
  const res = await control().put(`/_mock/programs/${programId}/rate-limit`, { requestsPerSecond, burst });
  expect(res.status, res.text).toBe(200);
  expect(res.body.rateLimit).toEqual({ requestsPerSecond, burst });
}

const remaining = (r: { headers: Record<string, unknown> }) => r.headers['x-ratelimit-remaining'];

describe('the token bucket per API key', () => {
  // a frozen clock refills nothing, so every count below is exact
  beforeEach(async () => {
    expect((await control().put('/_mock/clock', { frozen: true })).body.frozen).toBe(true);
  });

  it('answers every identified request with X-RateLimit-* headers', async () => {
    await setRateLimit(1, 10, 5);
    const res = await api().get(approved);
    expect(res.status).toBe(200);
    expect(res.headers['x-ratelimit-limit']).toBe('5');
    expect(res.headers['x-ratelimit-remaining']).toBe('4');
    // one token short at 10 per second
    expect(res.headers['x-ratelimit-reset']).toBe('1');
  });

  it('a burst beyond the bucket gets 429 with Retry-After, and the journal says why', async () => {
    await setRateLimit(1, 0.5, 3);
    const burst = await Promise.all(Array.from({ length: 6 }, () => api().get(approved)));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
    expect(burst.filter((r) => r.status === 200).map(remaining).sort()).toEqual(['0', '1', '2']);
    const refused = burst.find((r) => r.status === 429)!;
    expect(refused.body).toEqual({ status: 'error', message: messages.tooManyRequests });
    // one token at 0.5 per second
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(refused.headers['x-ratelimit-limit']).toBe('3');
    expect(refused.headers['x-ratelimit-reset']).toBe('6');
    const journal = await control().get('/_mock/requests?status=429');
    expect(journal.body.items).toHaveLength(3);
    expect(journal.body.items[0]).toMatchObject({ decision: 'rate_limited', status: 429, programId: 1, reason: 'bucket of 3 at 0.5/s is empty' });
  });

  it('advancing the clock refills nothing; a frozen clock refills nothing', async () => {
    await setRateLimit(1, 1000, 1);
    expect((await api().get(approved)).status).toBe(200);
    await control().post('/_mock/clock/advance', { seconds: 3600 });
    const refused = await api().get(approved);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
  });

  it('setting the rate limit refills the buckets, also back to a value they had (README drill 3 run twice)', async () => {
    for (const round of [1, 2]) {
      await setRateLimit(1, 2, 3);
      const statuses = await Promise.all(Array.from({ length: 10 }, () => api().get(approved).then((r) => r.status)));
      expect(statuses.sort(), `round ${round}`).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
      await setRateLimit(1, 100, 200);
    }
    await setRateLimit(1, 2, 3);
    expect(remaining(await api().get(approved))).toBe('2');
  });

  it('keeps a bucket per API key: another key of the same program still gets through', async () => {
    await setRateLimit(1, 0.01, 1);
    expect((await api().get(approved)).status).toBe(200);
    expect((await api().get(approved)).status).toBe(429);
    const issued = await control().post('/_mock/programs/1/api-keys');
    expect((await apiClient(mock(), { apiKey: issued.body.apiKey }).get(approved)).status).toBe(200);
  });

  it('a reset clears the buckets', async () => {
    await setRateLimit(1, 0.01, 1);
    await api().get(approved);
    expect((await api().get(approved)).status).toBe(429);
    await control().post('/_mock/reset');
    await setRateLimit(1, 0.01, 1);
    expect((await api().get(approved)).status).toBe(200);
  });

  it('refuses before faults and validation: a rate-limited request does not reach a fault rule', async () => {
    await setRateLimit(1, 0.01, 1);
    await control().post('/_mock/faults', { id: 'f', fault: { type: 'status', status: 503 } });
    expect((await api().get(approved)).status).toBe(503);
    const res = await api().get(approved);
    expect(res.status).toBe(429);
    expect(res.headers['x-mock-fault']).toBeUndefined();
  });
});

describe('PUT /_mock/programs/{id}/rate-limit', () => {
  it.each([
    [{ requestsPerSecond: 0, burst: 1 }, 422],
    [{ requestsPerSecond: 1, burst: 0 }, 422],
    [{ requestsPerSecond: 1, burst: 1.5 }, 400],
    [{ requestsPerSecond: '1', burst: 1 }, 400],
    [{ requestsPerSecond: 1 }, 400],
  ])('rejects %j with %i and changes nothing', async (body, status) => {
    const res = await control().put('/_mock/programs/1/rate-limit', body);
    expect(res.status).toBe(status);
    expect((await control().get('/_mock/programs/1')).body.rateLimit).toEqual({ requestsPerSecond: 100, burst: 200 });
  });

  it('answers 404 for an unknown program', async () => {
    expect((await control().put('/_mock/programs/99/rate-limit', { requestsPerSecond: 1, burst: 1 })).status).toBe(404);
  });

  it('onboarded programs get 100 requests per second with a burst of 200', async () => {
    const res = await control().post('/_mock/programs', { tenantName: 'Rate Co', programName: 'Rate Card', environment: 'staging', allowlist: ['127.0.0.1'], domains: ['rate.example.test'] });
    expect(res.status).toBe(201);
    expect(res.body.program.rateLimit).toEqual({ requestsPerSecond: 100, burst: 200 });
  });
});

describe('RateLimiter arithmetic (real time injected)', () => {
  it('refills at requestsPerSecond up to the burst, and says when to retry', () => {
    const limiter = new RateLimiter();
    const limit = { requestsPerSecond: 2, burst: 3 };
    const at = (ms: number) => limiter.take('k', limit, ms);
    expect([at(0), at(0), at(0)].map((v) => [v.allowed, v.remaining])).toEqual([[true, 2], [true, 1], [true, 0]]);
    expect(at(100)).toMatchObject({ allowed: false, remaining: 0, retryAfter: 1, limit: 3 });
    expect(at(600)).toMatchObject({ allowed: true, remaining: 0 });
    expect(at(10_000)).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 1 });
    expect(limiter.take('k', { requestsPerSecond: 0.1, burst: 1 }, 10_000)).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 10 });
    expect(limiter.take('k', { requestsPerSecond: 0.1, burst: 1 }, 10_001)).toMatchObject({ allowed: false, retryAfter: 10 });
  });
});

describe('RateLimiter on the mock clock\'s running time', () => {
  it('refills as real time passes, not while frozen, and not on a jump', () => {
    let wall = 1_700_000_000_000;
    let mono = 5_000;
    const clock = new Clock({ wallMs: () => wall, monotonicMs: () => mono });
    const limiter = new RateLimiter(() => clock.elapsedMs());
    const limit = { requestsPerSecond: 1, burst: 1 };
    const take = () => limiter.take('k', limit);
    expect(take()).toMatchObject({ allowed: true, remaining: 0 });
    expect(take()).toMatchObject({ allowed: false, retryAfter: 1 });
    clock.advance(3600);
    expect(take()).toMatchObject({ allowed: false, retryAfter: 1 });
    clock.freeze();
    wall += 10_000;
    mono += 10_000;
    expect(take()).toMatchObject({ allowed: false, retryAfter: 1 });
    clock.unfreeze();
    mono += 999;
    expect(take()).toMatchObject({ allowed: false, retryAfter: 1 });
    mono += 1;
    wall += 1000;
    expect(take()).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('restart gives the named keys a full bucket and leaves the others', () => {
    const limiter = new RateLimiter(() => 0);
    const limit = { requestsPerSecond: 1, burst: 2 };
    for (const key of ['a', 'a', 'b', 'b']) limiter.take(key, limit);
    limiter.restart(['a']);
    expect(limiter.take('a', limit)).toMatchObject({ allowed: true, remaining: 1 });
    expect(limiter.take('b', limit)).toMatchObject({ allowed: false });
  });
});
