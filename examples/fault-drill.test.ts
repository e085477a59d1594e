// A fault drill: the app's retry logic against the platform failing on purpose.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMock, type RunningMock } from 'axys-mock';

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock();
});
beforeEach(() => mock.control.reset()); // also clears fault rules
afterAll(() => mock.close());

/** The code under test: GET with retries on 429/5xx, honouring Retry-After. */
async function getWithRetry(path: string, headers: Record<string, string> = {}, attempts = 3): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${mock.apiUrl}${path}`, { dispatcher: mock.dispatcher, headers: { 'X-API-Key': mock.apiKey, ...headers } });
    if ((res.status !== 429 && res.status < 500) || attempt === attempts) return res;
    await res.body?.cancel();
    const wait = Number(res.headers.get('retry-after') ?? '0');
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
}

describe('fault drill: the app rides out a 503', () => {
  it('a one-off X-Mock-Fault: 503 is visible to the caller and in the journal', async () => {
    const res = await getWithRetry('/v2/cardholders', { 'X-Mock-Fault': '503' }, 1);
    expect(res.status).toBe(503);
    const [entry] = (await mock.control.journal.list({ limit: 1 })).items;
    expect(entry).toMatchObject({ status: 503, fault: 'header' });
  });

  it('a rule that fails the first request: the retry succeeds', async () => {
    const rule = await mock.control.faults.add({
      match: { method: 'GET', path: '/v2/cardholders' },
      fault: { type: 'status', status: 503, retryAfter: 1 },
      times: 1,
    });
    const res = await getWithRetry('/v2/cardholders');
    expect(res.status).toBe(200);
    const { items } = await mock.control.journal.list({ path: '/v2/cardholders' });
    expect(items.map((e) => [e.status, e.fault])).toEqual([
      [200, null],
      [503, rule.id],
    ]);
  });
});
