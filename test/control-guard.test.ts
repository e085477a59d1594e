import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock } from '../src/mock.js';
import { launchChromium } from './helpers/browser.js';
import { apiClient } from './helpers/client.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();

/** A raw control request: node:http lets a test set Host and Origin as a browser or a rebound page would. */
function raw(controlUrl: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: any }> {
  const url = new URL(controlUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const serial = () => mock().certs.clients.get(1)!.serial;
const revokePath = () => `/_mock/certificates/${serial()}/revoke`;

/** The certificate still opens the platform API (the oracle is a real mTLS call, not the mock's own bookkeeping). */
async function expectNotRevoked() {
  expect(mock().store.state.revokedSerials).not.toContain(serial());
  expect((await apiClient(mock()).get('/v2/cardholders')).status).toBe(200);
}

describe('item 11: a state-changing control request needs what a page cannot send cross-site', () => {
  it('a simple POST (no content type, or text/plain) is refused with 415 and a message saying what to send; nothing is revoked', async () => {
    for (const type of [null, 'text/plain', 'application/x-www-form-urlencoded']) {
      const res = await raw(mock().controlUrl, 'POST', revokePath(), type ? { 'Content-Type': type } : {}, type ? 'a=1' : undefined);
      expect(res.status).toBe(415);
      expect(res.body.message).toMatch(/Content-Type: application\/json.*X-Requested-With/);
    }
    const reset = await raw(mock().controlUrl, 'DELETE', '/_mock/faults');
    expect(reset.status).toBe(415);
    await expectNotRevoked();
  });

  it('the same POST with Content-Type: application/json (no body) or X-Requested-With goes through', async () => {
    expect((await raw(mock().controlUrl, 'DELETE', '/_mock/faults', { 'X-Requested-With': 'test' })).status).toBe(200);
    const res = await raw(mock().controlUrl, 'POST', revokePath(), { 'Content-Type': 'application/json' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ serial: serial(), revoked: true });
    expect(mock().store.state.revokedSerials).toContain(serial());
  });

  it('an Origin other than the control plane own is refused with 403, even with a JSON body; its own origin is served', async () => {
    const host = new URL(mock().controlUrl).host;
    for (const origin of ['http://evil.example', 'null', `http://${host}.evil.example`, 'https://localhost:1']) {
      const res = await raw(mock().controlUrl, 'POST', revokePath(), { Origin: origin, 'Content-Type': 'application/json' }, '{}');
      expect(res.status).toBe(403);
      expect(res.body.message).toContain(`Origin ${origin} is not this control plane`);
    }
    await expectNotRevoked();
    expect((await raw(mock().controlUrl, 'GET', '/_mock/health', { Origin: `http://${host}` })).status).toBe(200);
  });

  it('in Chromium, a page of another origin that fetches the revoke URL revokes nothing', async () => {
    let browser: Browser | undefined;
    const page = http.createServer((_req, res) => res.end('<!doctype html><title>elsewhere</title>'));
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    try {
      browser = await launchChromium();
      const tab = await browser.newPage();
      await tab.goto(`http://127.0.0.1:${(page.address() as AddressInfo).port}/`);
      const target = `${mock().controlUrl}${revokePath()}`;
      // what any site can do without a preflight: a no-cors POST, empty or text/plain
      await tab.evaluate(`Promise.allSettled([
        fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors' }),
        fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', body: '{}', headers: { 'Content-Type': 'text/plain' } }),
      ])`);
      await expectNotRevoked();
    } finally {
      await browser?.close();
      page.close();
    }
  }, 60_000);
});

describe('item 12: the control listener answers only to the hosts it serves', () => {
  it('GET /_mock/state with Host: evil.example is refused with 403 and a message naming CONTROL_HOSTS; no key leaves', async () => {
    const res = await raw(mock().controlUrl, 'GET', '/_mock/state', { Host: 'evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/does not serve the host "evil\.example".*CONTROL_HOSTS/);
    expect(JSON.stringify(res.body)).not.toContain(mock().apiKey);
    expect((await raw(mock().controlUrl, 'GET', '/_mock/ui/config.json', { Host: 'evil.example:8081' })).status).toBe(403);
  });

  it('localhost, loopback addresses, IP literals and dotless names (a compose service) are served', async () => {
    const port = new URL(mock().controlUrl).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST', `axys-mock:${port}`, `172.18.0.3:${port}`, `app.localhost:${port}`]) {
      expect((await raw(mock().controlUrl, 'GET', '/_mock/health', { Host: host })).status, host).toBe(200);
    }
  });

  it('CONTROL_HOSTS adds names, "*" any; with CONTROL_TOKEN any Host is served (the token keeps rebound pages out)', async () => {
    const named = await startMock({ controlHosts: ['mock.internal.example'] });
    const any = await startMock({ controlHosts: ['*'] });
    const token = await startMock({ controlToken: 'secret' });
    try {
      expect((await raw(named.controlUrl, 'GET', '/_mock/health', { Host: 'MOCK.internal.example:9' })).status).toBe(200);
      expect((await raw(named.controlUrl, 'GET', '/_mock/health', { Host: 'evil.example' })).status).toBe(403);
      expect((await raw(any.controlUrl, 'GET', '/_mock/health', { Host: 'evil.example' })).status).toBe(200);
      expect((await raw(token.controlUrl, 'GET', '/_mock/state', { Host: 'evil.example' })).status).toBe(401);
      expect((await raw(token.controlUrl, 'GET', '/_mock/health', { Host: 'evil.example', Authorization: 'Bearer secret' })).status).toBe(200);
    } finally {
      await Promise.all([named.close(), any.close(), token.close()]);
    }
  });
});
