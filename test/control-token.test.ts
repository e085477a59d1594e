import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMock, type RunningMock } from '../src/mock.js';

// Timing is not measured here (that flakes); what is checked is that the token goes through
// crypto.timingSafeEqual on buffers of equal length whatever the caller sends.
const calls = vi.hoisted(() => [] as Array<[number, number]>);
vi.mock('node:crypto', async (original) => {
  const crypto = await original<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    calls.push([a.byteLength, b.byteLength]);
    return crypto.timingSafeEqual(a, b);
  };
  return { ...crypto, default: { ...crypto, timingSafeEqual }, timingSafeEqual };
});

const TOKEN = 'a-control-token-of-some-length';
let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock({ controlToken: TOKEN });
});
afterAll(() => mock?.close());

const status = async (authorization?: string) => (await fetch(`${mock.controlUrl}/_mock/health`, { headers: authorization ? { authorization } : {} })).status;

describe('item 14: the control token is compared in constant time', () => {
  it('every guess, short, long, almost right or right, is compared by timingSafeEqual on equal-length digests', async () => {
    const guesses: Array<[string | undefined, number]> = [
      [undefined, 401],
      ['Bearer a', 401],
      [`Bearer ${TOKEN.slice(0, -1)}X`, 401],
      [`Bearer ${TOKEN}${'x'.repeat(500)}`, 401],
      [`Bearer ${TOKEN}`, 200],
    ];
    for (const [authorization, expected] of guesses) {
      calls.length = 0;
      expect(await status(authorization), authorization).toBe(expected);
      expect(calls.length, authorization).toBe(1);
      const [a, b] = calls[0]!;
      expect(a).toBe(b);
    }
  });
});
