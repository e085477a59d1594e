import { lookup } from 'node:dns/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { startMock } from '../src/mock.js';
import type { WebhookUrlPolicy } from '../src/webhooks/url-policy.js';
import { apiClient, controlClient } from './helpers/client.js';
import { fixtureCard } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

/** at most this many webhook POSTs in flight at once (documented in control.yaml, GET /_mock/webhooks) */
const MAX_IN_FLIGHT = 32;

const mock = useMock({ webhookTimeoutMs: 20_000 });
const api = () => apiClient(mock());
const control = () => controlClient(mock());

/** A receiver on a free port whose behaviour the test decides. */
async function receiver(handler: http.RequestListener) {
  const sockets = new Set<Socket>();
  const server = http.createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const delivery = (id: number) => mock().webhooks.list().items.find((d) => d.deliveryId === id)!;

describe('issue 12 item 13: webhook URLs are http(s), never the mock itself', () => {
  it("a tenant's OTP webhook at the control plane's revoke URL of another tenant's certificate is refused (422); a challenge revokes nothing", async () => {
    const other = mock().certs.clients.get(2)!.serial;
    const control = new URL(mock().controlUrl);
    const targets = [
      `${mock().controlUrl}/_mock/certificates/${other}/revoke`,
      `http://localhost:${control.port}/_mock/certificates/${other}/revoke`,
      `http://0.0.0.0:${control.port}/_mock/certificates/${other}/revoke`,
      `http://[::ffff:127.0.0.1]:${control.port}/_mock/certificates/${other}/revoke`,
      `http://127.0.0.1:${control.port}/_mock/webhook-sink/../certificates/${other}/revoke`,
      `${mock().apiUrl}/v2/cardholders`,
    ];
    for (const webhookUrl of targets) {
      const res = await api().post('/v2/otp/listeners', { cardId: fixtureCard.active, webhookUrl });
      expect(res.status, webhookUrl).toBe(422);
      expect(res.body.message, webhookUrl).toMatch(/cannot point at the mock's own listeners/);
    }
    expect((await api().post(`/v2/staging/cards/${fixtureCard.active}/3ds-challenge`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(mock().store.state.revokedSerials).not.toContain(other);
    expect(mock().certificates.gate.isRevoked(other)).toBe(false);
    expect(mock().webhooks.list().total).toBe(0);
  });

  it('file:, gopher:, ftp: and data: URLs are refused with 422 saying http or https', async () => {
    for (const webhookUrl of ['file:///etc/passwd', 'gopher://127.0.0.1:70/_x', 'ftp://example.com/x', 'data:text/plain,x']) {
      const res = await api().post('/v2/otp/listeners', { cardId: fixtureCard.active, webhookUrl });
      expect(res.status, webhookUrl).toBe(422);
      expect(res.body.message).toMatch(/must be http or https/);
      expect(res.body.errors).toEqual([{ field: 'webhookUrl', message: res.body.message }]);
    }
  });

  it("the reminder URL follows the same rule; the mock's own webhook sink stays allowed", async () => {
    const other = mock().certs.clients.get(2)!.serial;
    const refused = await control().put('/_mock/programs/1/reminder-url', { url: `${mock().controlUrl}/_mock/certificates/${other}/revoke` });
    expect(refused.status).toBe(422);
    expect((await control().put('/_mock/programs/1/reminder-url', { url: 'gopher://x/' })).status).toBe(422);
    expect((await control().put('/_mock/programs/1/reminder-url', { url: `${mock().controlUrl}/_mock/webhook-sink/reminders` })).status).toBe(200);
    expect((await api().post('/v2/otp/listeners', { cardId: fixtureCard.active, webhookUrl: `${mock().controlUrl}/_mock/webhook-sink/otp` })).status).toBe(200);
  });

  it('a POST carrying the delivery header of the mock itself is refused by the control plane outside the sink', async () => {
    const { name, value } = (mock().webhooks as unknown as { urls: WebhookUrlPolicy }).urls.deliveryHeader;
    const other = mock().certs.clients.get(2)!.serial;
    const post = (path: string) => fetch(`${mock().controlUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', [name]: value }, body: '{"cardId":1}' });
    const refused = await post(`/_mock/certificates/${other}/revoke`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toMatch(/webhook of the mock itself/);
    expect(mock().store.state.revokedSerials).not.toContain(other);
    expect((await post('/_mock/webhook-sink/self')).status).toBe(200);
  });

  it("a name that resolves to the mock's own listener passes as written but is not sent: the delivery records why", async () => {
    // the machine's own name: not a literal, so only resolving it shows it is the mock
    const name = os.hostname();
    const local = (await lookup(name, { all: true }).catch(() => [])).some((a) => a.address === '127.0.0.1' || a.address === '::1');
    if (!local) return void console.warn(`skipped: ${name} does not resolve to a loopback address here`);
    const other = mock().certs.clients.get(2)!.serial;
    const webhookUrl = `http://${name}:${new URL(mock().controlUrl).port}/_mock/certificates/${other}/revoke`;
    expect((await api().post('/v2/otp/listeners', { cardId: fixtureCard.active, webhookUrl })).status).toBe(200);
    expect((await api().post(`/v2/staging/cards/${fixtureCard.active}/3ds-challenge`)).status).toBe(200);
    const [d] = await until('the delivery outcome', () => {
      const items = mock().webhooks.list().items;
      return items.length && !['queued', 'pending'].includes(items[0]!.outcome) ? items : undefined;
    });
    expect(d).toMatchObject({ outcome: 'failed', statusCode: null });
    expect(d!.error).toMatch(/^not sent: Webhook URLs cannot point at the mock's own listeners/);
    expect(mock().store.state.revokedSerials).not.toContain(other);
  });

  describe('WEBHOOK_URLS=public-https: the platform rule', () => {
    const strict = startMock({ webhookUrls: 'public-https', validateResponses: true });
    afterAll(async () => (await strict).close());
    it('http, loopback, private and link-local addresses and localhost are refused; a public https name is accepted', async () => {
      const m = await strict;
      for (const webhookUrl of ['http://hooks.example.com/otp', 'https://127.0.0.1/x', 'https://10.1.2.3/x', 'https://192.168.0.10/x', 'https://169.254.169.254/latest', 'https://[::1]/x', 'https://localhost/x', `${m.controlUrl}/_mock/webhook-sink/x`]) {
        const res = await apiClient(m).post('/v2/otp/listeners', { cardId: fixtureCard.active, webhookUrl });
        expect(res.status, webhookUrl).toBe(422);
        expect(res.body.message, webhookUrl).toMatch(/public HTTPS/);
      }
      expect((await apiClient(m).post('/v2/otp/listeners', { cardId: fixtureCard.active, webhookUrl: 'https://hooks.example.com/otp' })).status).toBe(200);
    });
  });
});

describe('issue 12 item 18, issue 15 items 7 and 9: the dispatcher reads little, sends a bounded number at once, and times out bodies', () => {
  const target = (url: string) => ({ programId: 1, token: null, url, payload: { cardId: fixtureCard.active } });

  it('an answer with an endless body: a few KB are read, the connection dropped, the delivery recorded as delivered', async () => {
    let closed = false;
    let written = 0;
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (!closed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.on('close', () => (closed = true));
      pump();
    });
    try {
      const d = mock().webhooks.send(target(`${r.url}/endless`));
      await until('the mock to drop the endless answer', () => (closed ? true : undefined), 10_000);
      await until('the outcome', () => (['queued', 'pending'].includes(delivery(d.deliveryId).outcome) ? undefined : true));
      expect(delivery(d.deliveryId)).toMatchObject({ outcome: 'delivered', statusCode: 200 });
      // what sat in the socket buffers when the mock let go, not the gigabytes an endless body would reach
      expect(written).toBeLessThan(64 * 1024 * 1024);
    } finally {
      r.close();
    }
  });

  it('a body still arriving at the timeout is a timeout, not a delivery', async () => {
    const quick = await startMock({ webhookTimeoutMs: 800 });
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.flushHeaders();
      const drip = setInterval(() => res.write('x'), 100);
      res.on('close', () => clearInterval(drip));
    });
    try {
      const d = quick.webhooks.send(target(`${r.url}/drip`));
      const outcome = await until('the outcome', () => {
        const found = quick.webhooks.list().items.find((x) => x.deliveryId === d.deliveryId)!;
        return found.outcome === 'queued' || found.outcome === 'pending' ? undefined : found;
      });
      expect(outcome).toMatchObject({ outcome: 'timeout', statusCode: 200, error: "the answer's body was still arriving after 800 ms" });
    } finally {
      r.close();
      await quick.close();
    }
  });

  it(`a fan-out of ${MAX_IN_FLIGHT + 8} deliveries: ${MAX_IN_FLIGHT} in flight at once, the rest queued, then all delivered`, async () => {
    const held: http.ServerResponse[] = [];
    let peak = 0;
    const r = await receiver((_req, res) => {
      held.push(res);
      peak = Math.max(peak, held.filter((h) => !h.writableEnded).length);
    });
    try {
      const ids = Array.from({ length: MAX_IN_FLIGHT + 8 }, (_, i) => mock().webhooks.send(target(`${r.url}/held/${i}`)).deliveryId);
      await until(`${MAX_IN_FLIGHT} requests at the receiver`, () => (held.length >= MAX_IN_FLIGHT ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(held.length).toBe(MAX_IN_FLIGHT);
      const outcomes = ids.map((id) => delivery(id).outcome);
      expect(outcomes.filter((o) => o === 'pending')).toHaveLength(MAX_IN_FLIGHT);
      expect(outcomes.filter((o) => o === 'queued')).toHaveLength(8);
      // answer each one as it arrives: the queue drains
      const answer = setInterval(() => held.filter((h) => !h.writableEnded).forEach((h) => h.end('ok')), 20);
      try {
        await until('every delivery done', () => (ids.every((id) => delivery(id).outcome === 'delivered') ? true : undefined), 15_000);
      } finally {
        clearInterval(answer);
      }
      expect(held.length).toBe(MAX_IN_FLIGHT + 8);
      expect(peak).toBeLessThanOrEqual(MAX_IN_FLIGHT);
      const listed = await control().get('/_mock/webhooks');
      expect(listed.status).toBe(200);
    } finally {
      r.close();
    }
  }, 30_000);
});
