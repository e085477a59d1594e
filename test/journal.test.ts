import https from 'node:https';
import { describe, expect, it } from 'vitest';
import { startMock } from '../src/mock.js';
import { apiClient, controlClient } from './helpers/client.js';
import { cardholderBody, fixtureCard, fixtureKeys } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const control = () => controlClient(mock());

async function entryOf(requestId: string | string[] | undefined) {
  const res = await control().get(`/_mock/requests/${String(requestId)}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('a journal entry explains the answer', () => {
  it('names the operation, keeps the query, the headers and the bodies, and the decision chain in order', async () => {
    const list = await apiClient(mock()).get('/v2/cardholders?limit=2&offset=0');
    expect(list.status).toBe(200);
    expect((await entryOf(list.headers['x-request-id'])).query).toBe('limit=2&offset=0');
    const res = await apiClient(mock()).post('/v2/cardholders', cardholderBody({ firstName: 'Ada' }));
    expect(res.status).toBe(200);
    const e = await entryOf(res.headers['x-request-id']);
    expect(e.operation).toEqual({ operationId: 'createCardholder', pathTemplate: '/v2/cardholders' });
    expect(e.query).toBeNull();
    expect(e.chain.map((s: { step: string; outcome: string }) => `${s.step}:${s.outcome}`)).toEqual(['tls:pass', 'allowlist:pass', 'fcrdns:pass', 'apiKey:pass', 'rateLimit:pass']);
    const allowlist = e.chain.find((s: { step: string }) => s.step === 'allowlist');
    expect(allowlist.facts.ip).toBe('127.0.0.1');
    expect(mock().store.state.programs.find((p) => p.programId === 1)!.allowlist).toContain(allowlist.facts.entry);
    expect(JSON.parse(e.request.body.text).firstName).toBe('Ada');
    expect(JSON.parse(e.response.body.text)).toEqual(res.body);
    expect(e.response.headers).toContainEqual({ name: 'x-request-id', value: res.headers['x-request-id'] });
    expect(e.timings.totalMs).toBeGreaterThanOrEqual(e.timings.gatewayMs);
    // captured on the first read, the same on the next
    expect(await entryOf(res.headers['x-request-id'])).toEqual(e);
  });

  it('redacts the API key, PANs, CVVs and PINs (request and response)', async () => {
    const api = apiClient(mock());
    const sensitive = await api.get(`/v2/cards/${fixtureCard.active}/sensitive`, { headers: { Authorization: 'Bearer secret-token' } });
    expect(sensitive.status).toBe(200);
    const e = await entryOf(sensitive.headers['x-request-id']);
    const text = JSON.stringify(e);
    expect(text).not.toContain(fixtureKeys.staging);
    expect(text).not.toContain('secret-token');
    expect(text).not.toContain(sensitive.body.cardNumber);
    expect(text).not.toContain(`"${sensitive.body.cvv}"`);
    expect(e.request.headers).toContainEqual({ name: 'x-api-key', value: '[redacted]' });
    expect(JSON.parse(e.response.body.text).cardNumber).toBe('[redacted]');
    const pin = await api.put(`/v2/cards/${fixtureCard.active}/pin`, { newPin: '4821', oldPin: '1234' });
    const pinEntry = await entryOf(pin.headers['x-request-id']);
    expect(JSON.parse(pinEntry.request.body.text)).toEqual({ newPin: '[redacted]', oldPin: '[redacted]' });
  });

  it('a body longer than the kept 16 KB still has its secret fields redacted by name', async () => {
    const api = apiClient(mock());
    // an unknown field pads the body past the journal's 16 KB; the PINs come after it
    const pin = await api.put(`/v2/cards/${fixtureCard.active}/pin`, { padding: 'x'.repeat(20_000), newPin: '4821', oldPin: '1234' });
    const e = await entryOf(pin.headers['x-request-id']);
    expect(e.request.body.size).toBeGreaterThan(20_000);
    expect(e.request.body.text).not.toContain('4821');
    expect(e.request.body.text).not.toContain('1234');
  });

  it('an entry read later shows the answer as it was sent, not the state as it is now', async () => {
    const api = apiClient(mock());
    const before = await api.get('/v2/cardholders/10001');
    const changed = await api.put('/v2/cardholders/10001/update', { emailAdr: 'later@example.com' });
    expect(changed.status).toBe(200);
    const e = await entryOf(before.headers['x-request-id']);
    expect(JSON.parse(e.response.body.text)).toEqual(before.body);
    expect(e.response.body.text).not.toContain('later@example.com');
  });

  it('a refused key is a failed apiKey step naming only the last 4 characters', async () => {
    const res = await apiClient(mock(), { apiKey: 'axys_stg_nobody_000000000000wxyz' }).get('/v2/cardholders');
    expect(res.status).toBe(401);
    const e = await entryOf(res.headers['x-request-id']);
    expect(e.decision).toBe('invalid_api_key');
    expect(e.chain.at(-1)).toMatchObject({ step: 'apiKey', outcome: 'fail', detail: 'key …wxyz is unknown' });
  });

  it("one connection's steps follow what changed between its requests: the allowlist entry, the DNS table, the rate limit, the key", async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    let connections = 0;
    const connect = agent.createConnection.bind(agent);
    agent.createConnection = ((...args: Parameters<typeof connect>) => {
      connections++;
      return connect(...args);
    }) as typeof agent.createConnection;
    try {
      const first = await apiClient(mock(), { agent }).get('/v2/cardholders/10001');
      expect((await control().put('/_mock/programs/1/allowlist', { ips: ['10.0.0.0/8', '127.0.0.0/24'] })).status).toBe(200);
      expect((await control().put('/_mock/programs/1/rate-limit', { requestsPerSecond: 3, burst: 7 })).status).toBe(200);
      const dns = (await control().get('/_mock/dns')).body;
      expect((await control().put('/_mock/dns', { ...dns, ptr: { ...dns.ptr, '127.0.0.1': ['other.test', 'sandbox.northwind-fintech.test'] } })).status).toBe(200);
      const issued = await control().post('/_mock/programs/1/api-keys');
      expect(issued.status).toBe(201);
      const second = await apiClient(mock(), { agent, apiKey: issued.body.apiKey }).get('/v2/cardholders/10001');
      const third = await apiClient(mock(), { agent }).get('/v2/cardholders/10001');
      expect([first.status, second.status, third.status, connections]).toEqual([200, 200, 200, 1]);
      const steps = async (res: { headers: Record<string, unknown> }) =>
        Object.fromEntries((await entryOf(res.headers['x-request-id'] as string)).chain.map((s: { step: string }) => [s.step, s]));
      const [before, after, old] = [await steps(first), await steps(second), await steps(third)];
      const hint = `…${String(issued.body.apiKey).slice(-4)}`;
      expect(before.allowlist).toEqual({ step: 'allowlist', outcome: 'pass', detail: 'caller 127.0.0.1 is inside 127.0.0.1/32', facts: { ip: '127.0.0.1', entry: '127.0.0.1/32', allowlist: ['127.0.0.1/32', '::1/128'] } });
      expect(after.allowlist).toEqual({ step: 'allowlist', outcome: 'pass', detail: 'caller 127.0.0.1 is inside 127.0.0.0/24', facts: { ip: '127.0.0.1', entry: '127.0.0.0/24', allowlist: ['10.0.0.0/8', '127.0.0.0/24'] } });
      expect(before.fcrdns.facts.reverse).toEqual(['sandbox.northwind-fintech.test', 'gateway.northwind-fintech.test', 'api.harbor-rewards.test']);
      expect(after.fcrdns).toEqual({
        step: 'fcrdns',
        outcome: 'pass',
        detail: '127.0.0.1 reverses to sandbox.northwind-fintech.test, which resolves back to 127.0.0.1',
        facts: { ip: '127.0.0.1', reverse: ['other.test', 'sandbox.northwind-fintech.test'], confirmed: 'sandbox.northwind-fintech.test', certificateNames: ['sandbox.northwind-fintech.test'] },
      });
      expect(before.apiKey.detail).toBe('key …5a60 of program 1');
      expect(after.apiKey.detail).toBe(`key ${hint} of program 1`);
      expect(old.apiKey.detail).toBe('key …5a60 of program 1');
      expect(before.rateLimit.detail).toMatch(/^bucket of key …5a60: 200 at 100\/s, 19\d left$/);
      expect(after.rateLimit).toEqual({ step: 'rateLimit', outcome: 'pass', detail: `bucket of key ${hint}: 7 at 3/s, 6 left`, facts: { burst: 7, requestsPerSecond: 3, remaining: 6 } });
      expect(old.rateLimit.detail).toBe('bucket of key …5a60: 7 at 3/s, 6 left');
    } finally {
      agent.destroy();
    }
  });

  it('a fault rule that fires is the last step of the chain', async () => {
    const rule = await control().post('/_mock/faults', { match: { path: '/v2/cardholders' }, fault: { type: 'status', status: 503, retryAfter: 2 } });
    expect(rule.status).toBe(201);
    const res = await apiClient(mock()).get('/v2/cardholders');
    expect(res.status).toBe(503);
    const e = await entryOf(res.headers['x-request-id']);
    expect(e.chain.at(-1)).toMatchObject({ step: 'fault', outcome: 'fired', facts: { rule: rule.body.id, type: 'status' } });
  });

  it('the path filter takes a spec template, and operationId filters too', async () => {
    const api = apiClient(mock());
    await api.get(`/v2/cards/${fixtureCard.active}`);
    await api.get(`/v2/cards/${fixtureCard.onHold}`);
    await api.get('/v2/cardholders');
    const byTemplate = await control().get(`/_mock/requests?path=${encodeURIComponent('/v2/cards/{cardId}')}`);
    expect(byTemplate.body.items.map((e: { path: string }) => e.path)).toEqual([`/v2/cards/${fixtureCard.onHold}`, `/v2/cards/${fixtureCard.active}`]);
    const byOperation = await control().get('/_mock/requests?operationId=getCard');
    expect(byOperation.body.total).toBe(2);
    expect(byOperation.body.items[0].request).toBeUndefined();
  });

  it('GET /_mock/requests/{entry} answers 404 for an id the journal does not hold, 422 for a malformed one', async () => {
    expect((await control().get('/_mock/requests/req_doesnotexist0')).status).toBe(404);
    expect((await control().get('/_mock/requests/..%2Fstate')).status).toBe(422);
  });
});

describe('HAR 1.2 export', () => {
  it('exports the filtered journal, oldest first, redacted', async () => {
    const api = apiClient(mock());
    await api.get('/v2/cardholders?limit=1');
    await api.get(`/v2/cards/${fixtureCard.active}/sensitive`);
    await api.get('/v2/cardholders?limit=2');
    const res = await control().get(`/_mock/requests/export.har?path=${encodeURIComponent('/v2/cardholders')}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('attachment');
    const log = res.body.log;
    expect(log.version).toBe('1.2');
    expect(log.entries.map((e: { request: { url: string } }) => new URL(e.request.url).search)).toEqual(['?limit=1', '?limit=2']);
    expect(log.entries[0].request.queryString).toEqual([{ name: 'limit', value: '1' }]);
    expect(log.entries[0].response.status).toBe(200);
    expect(JSON.parse(log.entries[0].response.content.text).status).toBe('success');
    const all = await control().get('/_mock/requests/export.har');
    expect(all.text).not.toContain(fixtureKeys.staging);
    expect(all.body.log.entries).toHaveLength(3);
  });
});

describe('live stream (Server-Sent Events)', () => {
  it('delivers new entries in batches, filtered, with the newest id as the event id', async () => {
    const controller = new AbortController();
    const res = await fetch(`${mock().controlUrl}/_mock/requests/stream?operationId=listCardholders`, { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const api = apiClient(mock());
    await api.get(`/v2/cards/${fixtureCard.active}`);
    const first = await api.get('/v2/cardholders');
    const second = await api.get('/v2/cardholders');
    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes(String(second.headers['x-request-id']))) text += decoder.decode((await reader.read()).value);
    controller.abort();
    const events = text.split('\n\n').filter((b) => b.startsWith('event: requests'));
    const ids = events.flatMap((b) => JSON.parse(b.split('\ndata: ')[1]!).map((e: { id: string }) => e.id));
    expect(ids).toEqual([first.headers['x-request-id'], second.headers['x-request-id']]);
    expect(events.at(-1)).toContain(`id: ${String(second.headers['x-request-id'])}`);
  });
});

describe('bounded in bytes as well as entries', () => {
  it('15 KB paths and 256 KB bodies: the journal keeps within its byte budget, and each entry within its own bounds', async () => {
    const maxBytes = 128 * 1024;
    const m = await startMock({ journalMaxBytes: maxBytes });
    try {
      const api = apiClient(m);
      const bigBody = { firstName: 'A'.repeat(250 * 1024) };
      const longPath = `/v2/cardholders/${'9'.repeat(15 * 1024)}`;
      for (let i = 0; i < 10; i++) {
        await api.post('/v2/cardholders', bigBody);
        await api.get(`${longPath}?n=${i}`);
      }
      const held = m.journal.query({ limit: 10_000 }).items;
      // an oracle outside the journal's own accounting: what the kept entries serialise to
      const serialised = held.reduce((n, e) => n + JSON.stringify(e).length, 0);
      expect(serialised).toBeLessThan(maxBytes * 1.5);
      expect(m.journal.bytes).toBeLessThanOrEqual(maxBytes);
      // without the byte bound all 20 would be kept (far below the 5,000 entries)
      expect(held.length).toBeLessThan(20);
      expect(held[0]!.query).toBe('n=9');
      const longEntry = held.find((e) => e.path?.startsWith('/v2/cardholders/999'))!;
      expect(longEntry.truncated).toBe(true);
      expect(longEntry.path!.length).toBeLessThanOrEqual(2048);
      const bodyEntry = held.find((e) => e.method === 'POST')!;
      expect(bodyEntry.request!.body!.size).toBeGreaterThan(250 * 1024);
      expect(bodyEntry.request!.body!.text.length).toBeLessThanOrEqual(16 * 1024);
      expect(bodyEntry.request!.body!.truncated).toBe(true);
    } finally {
      await m.close();
    }
  }, 60_000);
});
