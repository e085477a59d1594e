import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ControlError, startMock, type RunningMock } from '../src/index.js';
import { apiClient, expectHandshakeRefused } from './helpers/client.js';
import { cardholderBody, fixtureKeys } from './helpers/data.js';

const cardholderIds = async (mock: RunningMock): Promise<number[]> => {
  const res = await fetch(`${mock.apiUrl}/v2/cardholders?limit=100`, { dispatcher: mock.dispatcher, headers: { 'X-API-Key': mock.apiKey } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Array<{ cardholderId: number }> }).items.map((c) => c.cardholderId);
};

const createCardholder = async (mock: RunningMock, lastName: string): Promise<number> => {
  const res = await fetch(`${mock.apiUrl}/v2/cardholders`, {
    method: 'POST',
    dispatcher: mock.dispatcher,
    headers: { 'X-API-Key': mock.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify(cardholderBody({ lastName })),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { cardholderId: number }).cardholderId;
};

function getWithAgent(mock: RunningMock, path: string): Promise<{ status: number; body: string; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${mock.apiUrl}${path}`, { agent: mock.agent, headers: { 'X-API-Key': mock.apiKey } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, reusedSocket: req.reusedSocket }));
    });
    req.on('error', reject);
  });
}

describe('startMock() resolves to everything an integrator needs', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ validateResponses: true });
  });
  beforeEach(() => mock.control.reset());
  afterAll(() => mock.close());

  it('free ports, the default staging program, its key and its TLS material as PEM strings', () => {
    expect(mock.apiUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.apiUrl).not.toBe('https://127.0.0.1:8443');
    expect(mock.programId).toBe(1);
    expect(mock.apiKey).toBe(fixtureKeys.staging);
    expect(mock.tls.ca).toBe(mock.certs.ca.certPem);
    expect(mock.tls.cert).toBe(mock.certs.clients.get(1)!.certPem);
    expect(mock.tls.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('dispatcher: Node\'s global fetch over mTLS', async () => {
    expect(await cardholderIds(mock)).toContain(10001);
  });

  it('agent: node:https with keep-alive', async () => {
    const first = await getWithAgent(mock, '/v2/cardholders/10001');
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body).cardholder.cardholderId).toBe(10001);
    const second = await getWithAgent(mock, '/v2/cardholders/10001');
    expect(second).toMatchObject({ status: 200, reusedSocket: true });
  });

  it('control: reset brings back the fixtures', async () => {
    const id = await createCardholder(mock, 'Transient');
    expect(await cardholderIds(mock)).toContain(id);
    expect(await mock.control.reset()).toEqual({ status: 'success', fixtures: null });
    expect(await cardholderIds(mock)).not.toContain(id);
  });

  it('control: the journal, filtered, newest first, and cleared', async () => {
    await createCardholder(mock, 'Journaled');
    await cardholderIds(mock);
    const posts = await mock.control.journal.list({ method: 'POST', path: '/v2/cardholders' });
    expect(posts.items).toHaveLength(1);
    expect(posts.items[0]).toMatchObject({ method: 'POST', status: 200, programId: 1, decision: 'ok' });
    const all = await mock.control.journal.list({ limit: 2 });
    expect(all.items.map((e) => e.method)).toEqual(['GET', 'POST']);
    await mock.control.journal.clear();
    expect((await mock.control.journal.list()).total).toBe(0);
  });

  it('control: onboard a program, then call as it', async () => {
    const created = await mock.control.programs.create({
      tenantName: 'Acme Ltd',
      programName: 'Acme Card',
      environment: 'staging',
      allowlist: ['127.0.0.1/32'],
      domains: ['api.acme.test'],
    });
    expect((await mock.control.programs.get(created.programId)).domains).toEqual(['api.acme.test']);
    expect((await mock.control.dns.get()).a['api.acme.test']).toEqual(['127.0.0.1']);
    const asAcme = apiClient(mock, { cert: { certPem: created.certificate.certPem, keyPem: created.certificate.keyPem }, apiKey: created.apiKey });
    expect((await asAcme.get('/v2/cardholders')).body.total).toBe(0);
    const { apiKey } = await mock.control.programs.issueApiKey(created.programId);
    await mock.control.programs.revokeApiKey(created.apiKey);
    expect((await apiClient(mock, { cert: { certPem: created.certificate.certPem, keyPem: created.certificate.keyPem }, apiKey }).get('/v2/cardholders')).status).toBe(200);
  });

  it('control: allowlist, DNS table and certificates', async () => {
    await mock.control.programs.setAllowlist(1, ['127.0.0.2/32']);
    expect((await apiClient(mock).get('/v2/cardholders')).status).toBe(403);
    await mock.control.programs.setAllowlist(1, ['127.0.0.1/32']);
    const dns = await mock.control.dns.get();
    await mock.control.dns.set({ ptr: {}, a: dns.a });
    expect((await apiClient(mock).get('/v2/cardholders')).status).toBe(403);
    await mock.control.dns.set(dns);
    const issued = await mock.control.certificates.issue({ programId: 1 });
    expect((await mock.control.certificates.list()).items.map((c) => c.serial)).toContain(issued.serial);
    expect(await mock.control.certificates.revoke(issued.serial)).toEqual({ serial: issued.serial, revoked: true });
  });

  it('control: the clock freezes, moves without sleeping, and reset brings back real, running time', async () => {
    const before = await mock.control.clock.freeze();
    expect(before.frozen).toBe(true);
    expect((await mock.control.clock.advance(3600)).now).toBe(before.now + 3600);
    expect(await mock.control.clock.set(2_000_000_000)).toMatchObject({ now: 2_000_000_000, frozen: true });
    expect((await mock.control.health()).time).toBe(2_000_000_000);
    expect(await mock.control.clock.freeze(2_100_000_000)).toMatchObject({ now: 2_100_000_000, frozen: true });
    expect((await mock.control.clock.unfreeze()).frozen).toBe(false);
    expect(await mock.control.clock.reset()).toMatchObject({ offsetSeconds: 0, frozen: false });
  });

  it('control: webhook deliveries listed, cleared, and gone after a reset', async () => {
    const received: string[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/3ds`;
      const api = apiClient(mock);
      const deliver = async () => {
        expect((await api.post('/v2/otp/listeners', { cardId: 20001, webhookUrl: url })).status).toBe(200);
        expect((await api.post('/v2/staging/cards/20001/3ds-challenge')).status).toBe(200);
        for (let i = 0; i < 200 && (await mock.control.webhooks.list()).items.some((d) => d.outcome === 'pending'); i++) await new Promise((r) => setTimeout(r, 25));
      };
      await deliver();
      const listed = await mock.control.webhooks.list();
      expect(listed.total).toBe(1);
      expect(listed.items[0]).toMatchObject({ url, payload: { cardId: 20001 }, outcome: 'delivered', statusCode: 204 });
      expect(received).toEqual(['{"cardId":20001}']);
      expect(await mock.control.webhooks.clear()).toEqual({ status: 'success' });
      expect(await mock.control.webhooks.list()).toMatchObject({ items: [], total: 0 });
      await deliver();
      // clearing the list leaves the listeners: both the first and the second one are notified
      expect((await mock.control.webhooks.list()).total).toBe(2);
      await mock.control.reset();
      expect(await mock.control.webhooks.list()).toMatchObject({ items: [], total: 0 });
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('control: a refused call rejects with ControlError carrying the status and the error body', async () => {
    const err = await mock.control.programs.get(999).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlError);
    expect(err).toMatchObject({ status: 404, body: { status: 'error' } });
  });

  it('close() is safe to call twice', async () => {
    const other = await startMock();
    await other.close();
    await expect(other.close()).resolves.toBeUndefined();
    await expect(fetch(`${other.controlUrl}/_mock/health`)).rejects.toThrow();
  });
});

describe('two mocks started in parallel in one file', () => {
  let a: RunningMock;
  let b: RunningMock;
  beforeAll(async () => {
    [a, b] = await Promise.all([startMock(), startMock()]);
  });
  afterAll(() => Promise.all([a.close(), b.close()]));

  it('listen on their own ports and share the cached certificates', () => {
    expect(new Set([a.apiUrl, b.apiUrl, a.controlUrl, b.controlUrl]).size).toBe(4);
    expect(a.tls).toEqual(b.tls);
  });

  it('do not see each other\'s state, journal or revocations', async () => {
    const id = await createCardholder(a, 'OnlyInA');
    expect(await cardholderIds(a)).toContain(id);
    expect(await cardholderIds(b)).not.toContain(id);
    expect((await b.control.journal.list({ method: 'POST' })).total).toBe(0);
    expect((await a.control.journal.list({ method: 'POST' })).total).toBe(1);
    await a.control.programs.revokeApiKey(a.apiKey);
    expect((await apiClient(a).get('/v2/cardholders')).status).toBe(401);
    expect((await apiClient(b).get('/v2/cardholders')).status).toBe(200);
    await a.control.certificates.revoke(a.certs.clients.get(1)!.serial);
    await expectHandshakeRefused(apiClient(a, { apiKey: fixtureKeys.staging }).get('/v2/cardholders'));
    expect((await apiClient(b).get('/v2/cardholders')).status).toBe(200);
  });
});
