import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { useMock } from '../helpers/mock.js';
import { guideClient } from './guide-client.js';

/** docs/guide-3ds-otp-setup: subscribe, receive the webhook { cardId }, read the OTP, unsubscribe. */
const mock = useMock();
const ACTIVE_CARD = 20001;

/** The integrator's callback endpoint (the mock accepts http for local receivers). */
const received: unknown[] = [];
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c));
  req.on('end', () => {
    received.push(JSON.parse(body));
    res.writeHead(200).end();
  });
});
const listening = new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks/3ds-otp`)));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('Subscribe to 3-DS OTP', () => {
  it('follows the sequence: { token, expiresAt: null } -> webhook { cardId } -> GET /otp/{token} received -> DELETE', async () => {
    const { api, statusOf } = guideClient(mock());
    const webhookUrl = await listening;
    const sub = await api('POST', '/otp/listeners', { cardId: ACTIVE_CARD, webhookUrl });
    expect(sub).toEqual({ status: 'success', token: expect.any(String), expiresAt: null });
    expect(await api('GET', `/otp/${sub.token}`)).toEqual({ status: 'pending', code: null, expiresAt: null });
    // at CNP transaction time (staging: a simulated 3-DS challenge)
    await api('POST', `/staging/cards/${ACTIVE_CARD}/3ds-challenge`);
    await vi.waitFor(() => expect(received).toEqual([{ cardId: ACTIVE_CARD }]), { timeout: 10_000, interval: 50 });
    const otp = await api('GET', `/otp/${sub.token}`);
    expect(otp).toEqual({ status: 'received', code: expect.stringMatching(/^\d{6}$/), expiresAt: expect.any(Number) });
    expect(await api('DELETE', `/otp/${sub.token}`)).toEqual({ status: 'success' });
    expect(await statusOf('GET', `/otp/${sub.token}`)).toBe(404);
  });

  it('the legacy subscription by cardholderId; a card not Active is refused', async () => {
    const { api, statusOf } = guideClient(mock());
    expect((await api('POST', '/otp/listeners', { cardholderId: 10001 })).expiresAt).toBeNull();
    expect(await statusOf('POST', '/otp/listeners', { cardId: 20003 })).toBe(409); // On Hold
  });
});
