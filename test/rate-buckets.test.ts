import { beforeEach, describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/gateway/rate-limit.js';
import { apiClient, controlClient } from './helpers/client.js';
import { fixtureCardholder as F, fixtureKeys } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

// GET /_mock/rate-limits: the live token buckets, per program and API key, read without taking a token.
const mock = useMock();
const control = () => controlClient(mock());
const approved = `/v2/cardholders/${F.approved}`;

const bucketOf = async (programId: number, apiKey: string) => {
  const res = await control().get(`/_mock/rate-limits?programId=${programId}`);
  expect(res.status, res.text).toBe(200);
  return res.body.items[0].buckets.find((b: { apiKey: string }) => b.apiKey === apiKey);
};

describe('GET /_mock/rate-limits', () => {
  // a frozen clock refills nothing, so every figure below is exact
  beforeEach(async () => {
    expect((await control().put('/_mock/clock', { frozen: true })).body.frozen).toBe(true);
  });

  it('lists every program with its setting and a full, unused bucket per live API key before any call', async () => {
    const res = await control().get('/_mock/rate-limits');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(mock().store.state.programs.length);
    const first = res.body.items.find((p: { programId: number }) => p.programId === 1);
    const setting = mock().store.state.programs.find((p) => p.programId === 1)!.rateLimit;
    expect(first).toMatchObject({ programId: 1, environment: 'staging', rateLimit: setting });
    expect(first.buckets).toEqual([
      { apiKey: fixtureKeys.staging, used: false, tokens: setting.burst, remaining: setting.burst, burst: setting.burst, requestsPerSecond: setting.requestsPerSecond, secondsUntilFull: 0 },
    ]);
  });

  it('shows what requests over mTLS took from their key, and only from that key; reading takes nothing', async () => {
    expect((await control().put('/_mock/programs/1/rate-limit', { requestsPerSecond: 0.5, burst: 3 })).status).toBe(200);
    const second = await control().post('/_mock/programs/1/api-keys');
    expect(second.status).toBe(201);
    const api = apiClient(mock(), { apiKey: fixtureKeys.staging });
    for (let i = 0; i < 2; i++) expect((await api.get(approved)).status).toBe(200);

    const expected = { apiKey: fixtureKeys.staging, used: true, tokens: 1, remaining: 1, burst: 3, requestsPerSecond: 0.5, secondsUntilFull: 4 };
    expect(await bucketOf(1, fixtureKeys.staging)).toEqual(expected);
    expect(await bucketOf(1, fixtureKeys.staging)).toEqual(expected);
    expect(await bucketOf(1, second.body.apiKey)).toMatchObject({ used: false, tokens: 3, remaining: 3, secondsUntilFull: 0 });
    // the program next door is untouched
    expect(await bucketOf(3, fixtureKeys.otherProgram)).toMatchObject({ used: false });

    // the one token left is still there for the next request, then the bucket is empty and refuses
    const last = await api.get(approved);
    expect(last.status).toBe(200);
    expect(last.headers['x-ratelimit-remaining']).toBe('0');
    expect(await bucketOf(1, fixtureKeys.staging)).toMatchObject({ tokens: 0, remaining: 0, secondsUntilFull: 6 });
    expect((await api.get(approved)).status).toBe(429);

    // setting the limit again restarts the buckets full
    await control().put('/_mock/programs/1/rate-limit', { requestsPerSecond: 0.5, burst: 3 });
    expect(await bucketOf(1, fixtureKeys.staging)).toMatchObject({ used: false, tokens: 3, remaining: 3 });
  });

  it('a revoked key has no bucket listed; an unknown program is a 404', async () => {
    const added = await control().post('/_mock/programs/1/api-keys');
    expect(await bucketOf(1, added.body.apiKey)).toBeDefined();
    expect((await control().delete(`/_mock/api-keys/${added.body.apiKey}`)).status).toBeLessThan(300);
    expect(await bucketOf(1, added.body.apiKey)).toBeUndefined();
    expect((await control().get('/_mock/rate-limits?programId=999')).status).toBe(404);
    expect((await control().get('/_mock/rate-limits?programId=abc')).status).toBe(400);
  });
});

describe('RateLimiter.peek', () => {
  it('refills up to now on the injected time without storing anything', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const limit = { requestsPerSecond: 2, burst: 4 };
    for (let i = 0; i < 4; i++) limiter.take('k', limit);
    expect(limiter.peek('k', limit)).toEqual({ used: true, tokens: 0, remaining: 0, burst: 4, requestsPerSecond: 2, secondsUntilFull: 2 });
    now = 750;
    expect(limiter.peek('k', limit)).toEqual({ used: true, tokens: 1.5, remaining: 1, burst: 4, requestsPerSecond: 2, secondsUntilFull: 1.25 });
    // peeking stored nothing: a take at the same time sees the same 1.5 tokens
    expect(limiter.take('k', limit)).toMatchObject({ allowed: true, remaining: 0 });
    now = 10_000;
    expect(limiter.peek('k', limit)).toMatchObject({ tokens: 4, secondsUntilFull: 0 });
    // a changed limit is a new, full bucket
    expect(limiter.peek('k', { requestsPerSecond: 1, burst: 9 })).toMatchObject({ used: false, tokens: 9 });
  });
});
