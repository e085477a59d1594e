import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { otpMessages } from '../src/domain/otp.js';
import { ApiError, messages } from '../src/http/errors.js';
import { apiClient, controlClient } from './helpers/client.js';
import { fixtureCard as C, fixtureCardholder as F } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const api = () => apiClient(mock());
const control = () => controlClient(mock());

/** The answer's expiresAt is null as the 3-DS guide shows (contract 8.12); the listener's own expiry is added for timing the tests. */
const subscribe = async (body: Record<string, unknown>) => {
  const res = await api().post('/v2/otp/listeners', body);
  const listener = mock().store.state.otpListeners.find((l) => l.token === res.body?.token);
  return { ...res, body: { ...res.body, listenerExpiresAt: listener?.expiresAt as number } };
};
const challenge = (cardId: number, client = api()) => client.post(`/v2/staging/cards/${cardId}/3ds-challenge`);
const setClock = (now: number) => control().put('/_mock/clock', { now });

async function expectGone(token: string) {
  for (const res of [await api().get(`/v2/otp/${token}`), await api().delete(`/v2/otp/${token}`)]) {
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ status: 'error', message: otpMessages.tokenNotFound(token) });
  }
}

describe('3-D Secure OTP listeners', () => {
  it('subscribes to a card, reads pending, then the 6-digit code of a challenge', async () => {
    const t = (await control().put('/_mock/clock', { frozen: true })).body.now as number;
    const sub = await subscribe({ cardId: C.active });
    expect(sub.status).toBe(200);
    expect(sub.body).toMatchObject({ status: 'success', token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), expiresAt: null });
    expect(sub.body.listenerExpiresAt).toBe(t + 900);
    expect((await api().get(`/v2/otp/${sub.body.token}`)).body).toEqual({ status: 'pending', code: null, expiresAt: null });

    const ch = await challenge(C.active);
    expect(ch.status).toBe(200);
    expect(ch.body).toEqual({ status: 'success', cardId: C.active, code: expect.stringMatching(/^\d{6}$/), expiresAt: expect.any(Number), listeners: 1 });
    expect(ch.body.expiresAt).toBe(t + 300);
    expect((await api().get(`/v2/otp/${sub.body.token}`)).body).toEqual({ status: 'received', code: ch.body.code, expiresAt: ch.body.expiresAt });
  });

  it('gives 404 on GET and DELETE once the code expired, reached by moving the clock', async () => {
    const { token } = (await subscribe({ cardId: C.active })).body;
    const ch = (await challenge(C.active)).body;
    await setClock(ch.expiresAt - 10);
    expect((await api().get(`/v2/otp/${token}`)).body.status).toBe('received');
    await setClock(ch.expiresAt);
    await expectGone(token);
    // an expired token stays gone: a later challenge does not reach it
    expect((await challenge(C.active)).body.listeners).toBe(0);
    await expectGone(token);
  });

  it('gives 404 once a listener without a code reaches its own expiry (15 minutes)', async () => {
    const { token, listenerExpiresAt: expiresAt } = (await subscribe({ cardId: C.active })).body;
    await setClock(expiresAt - 10);
    expect((await api().get(`/v2/otp/${token}`)).body.status).toBe('pending');
    await control().post('/_mock/clock/advance', { seconds: 10 });
    await expectGone(token);
    expect((await challenge(C.active)).body.listeners).toBe(0);
  });

  it('an expired token stays 404 when the clock moves back; a listener still live then stays live', async () => {
    const t = (await control().put('/_mock/clock', { frozen: true })).body.now as number;
    const { token } = (await subscribe({ cardId: C.active })).body;
    await setClock(t + 600);
    const { token: younger } = (await subscribe({ cardId: C.active })).body;
    await setClock(t + 900);
    await expectGone(token);
    expect((await setClock(t)).status).toBe(200);
    await expectGone(token);
    expect((await api().get(`/v2/otp/${younger}`)).body).toEqual({ status: 'pending', code: null, expiresAt: null });
    expect((await challenge(C.active)).body.listeners).toBe(1);
  });

  it('an expired token stays 404 when DELETE /_mock/clock takes the clock back to real time', async () => {
    const { token, listenerExpiresAt } = (await subscribe({ cardId: C.active })).body;
    await setClock(listenerExpiresAt + 60);
    await expectGone(token);
    expect((await control().delete('/_mock/clock')).status).toBe(200);
    await expectGone(token);
  });

  it('a code received late in a listener\'s life stays readable until the code\'s own expiresAt', async () => {
    const { token, listenerExpiresAt: expiresAt } = (await subscribe({ cardId: C.active })).body;
    await setClock(expiresAt - 60);
    const ch = (await challenge(C.active)).body;
    await setClock(expiresAt + 60);
    expect((await api().get(`/v2/otp/${token}`)).body).toEqual({ status: 'received', code: ch.code, expiresAt: ch.expiresAt });
  });

  it('unsubscribes with DELETE; afterwards GET and DELETE are 404 and challenges skip it', async () => {
    const { token } = (await subscribe({ cardId: C.active })).body;
    expect((await api().delete(`/v2/otp/${token}`)).body).toEqual({ status: 'success' });
    await expectGone(token);
    expect((await challenge(C.active)).body.listeners).toBe(0);
  });

  it('a newer challenge replaces the code; every live listener of the card gets it', async () => {
    const a = (await subscribe({ cardId: C.active })).body.token;
    const b = (await subscribe({ cardId: C.active })).body.token;
    const other = (await subscribe({ cardId: C.activeSecond })).body.token;
    await challenge(C.active);
    const second = (await challenge(C.active)).body;
    expect(second.listeners).toBe(2);
    for (const token of [a, b]) expect((await api().get(`/v2/otp/${token}`)).body.code).toBe(second.code);
    expect((await api().get(`/v2/otp/${other}`)).body.status).toBe('pending');
  });

  it('the legacy cardholderId form covers every card of the cardholder', async () => {
    const { token } = (await subscribe({ cardholderId: F.approved })).body;
    const ch = (await challenge(C.activatedPhysical)).body;
    expect(ch.listeners).toBe(1);
    expect((await api().get(`/v2/otp/${token}`)).body.code).toBe(ch.code);
  });

  it('gives 404 for an unknown token and for another program\'s token', async () => {
    await expectGone('no-such-token');
    const { token } = (await subscribe({ cardId: C.active })).body;
    expect((await apiClient(mock(), { programId: 3 }).get(`/v2/otp/${token}`)).status).toBe(404);
    expect((await api().get('/v2/otp/bad%20token')).status).toBe(422);
  });

  it.each([
    ['neither cardId nor cardholderId', { webhookUrl: 'https://hooks.example.com/3ds' }, 422, otpMessages.exactlyOne],
    ['both cardId and cardholderId', { cardId: C.active, cardholderId: F.approved }, 422, otpMessages.exactlyOne],
    ['an On Hold card', { cardId: C.onHold }, 409, 'Card 20003 is On Hold (issuerCardStatus 2): 3-D Secure OTPs exist only for Active cards (issuerCardStatus 1).'],
    ['a Not Activated card', { cardId: C.notActivated }, 409, 'Card 20002 is Not Activated (issuerCardStatus 4): 3-D Secure OTPs exist only for Active cards (issuerCardStatus 1).'],
    ['a Closed card', { cardId: C.closed }, 409, 'Card 20004 is Closed (issuerCardStatus 3): 3-D Secure OTPs exist only for Active cards (issuerCardStatus 1).'],
    ['a cardholder without an Active card', { cardholderId: 10002 }, 409, otpMessages.noActiveCard(10002)],
    ['an unknown card', { cardId: 999999 }, 404, messages.notFound('Card', 999999)],
    ['another program\'s card', { cardId: C.otherProgram }, 404, messages.notFound('Card', C.otherProgram)],
    ['an unknown cardholder', { cardholderId: 999999 }, 404, messages.notFound('Cardholder', 999999)],
    ['a webhookUrl that is no URL', { cardId: C.active, webhookUrl: 'not a url' }, 422, messages.constraint],
    ['an empty body', {}, 400, messages.validation],
  ])('refuses a subscription with %s', async (_name, body, status, message) => {
    const before = mock().store.state.otpListeners.length;
    const res = await subscribe(body);
    expect(res.status).toBe(status);
    expect(res.body.message).toBe(message);
    expect(mock().store.state.otpListeners.length).toBe(before);
  });

  it('refuses subscriptions and challenges in a program without 3-D Secure (409)', async () => {
    const harbor = apiClient(mock(), { programId: 3 });
    const program = mock().store.state.programs.find((p) => p.programId === 3)!;
    const sub = await harbor.post('/v2/otp/listeners', { cardId: C.otherProgram });
    expect(sub.status).toBe(409);
    expect(sub.body.message).toBe(otpMessages.threeDSDisabled(program));
    const ch = await challenge(C.otherProgram, harbor);
    expect(ch.status).toBe(409);
    expect(ch.body.message).toBe(otpMessages.threeDSDisabled(program));
  });

  it('refuses a challenge on a card that is not Active (409), an unknown card (404) and in production (404)', async () => {
    expect((await challenge(C.onHold)).status).toBe(409);
    expect((await challenge(999999)).status).toBe(404);
    const prod = await challenge(C.active, apiClient(mock(), { programId: 2 }));
    expect(prod.status).toBe(404);
    expect(prod.body.message).toBe(messages.stagingOnly);
  });
});

/** A local receiver that records what it gets and answers as told (or never). */
function receiver(answer: (res: http.ServerResponse) => void) {
  const received: Array<{ body: unknown; contentType: string | undefined }> = [];
  const pending: http.ServerResponse[] = [];
  let arrived: () => void = () => {};
  const firstArrival = new Promise<void>((resolve) => (arrived = resolve));
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      received.push({ body: JSON.parse(text), contentType: req.headers['content-type'] });
      pending.push(res);
      arrived();
      answer(res);
    });
  });
  const ready = new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/3ds`)));
  return {
    url: ready,
    received,
    firstArrival,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of pending) if (!res.writableEnded) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('webhooks', () => {
  const receivers: Array<ReturnType<typeof receiver>> = [];
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  const start = (answer: (res: http.ServerResponse) => void) => {
    const r = receiver(answer);
    receivers.push(r);
    return r;
  };
  const deliveries = async () => (await control().get('/_mock/webhooks')).body;
  const settled = async () => {
    let items: Array<{ outcome: string; url: string }> = [];
    await vi.waitFor(async () => {
      items = (await deliveries()).items;
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((d) => d.outcome !== 'pending')).toBe(true);
    }, { timeout: 10_000, interval: 50 });
    return items;
  };

  it('POSTs {cardId} to the listener\'s webhookUrl and records the delivery', async () => {
    const r = start((res) => res.writeHead(204).end());
    const url = await r.url;
    const { token } = (await subscribe({ cardId: C.active, webhookUrl: url })).body;
    await subscribe({ cardId: C.active }); // no webhook: no delivery
    await challenge(C.active);
    const [delivery, ...rest] = await settled();
    expect(rest).toEqual([]);
    expect(r.received).toEqual([{ body: { cardId: C.active }, contentType: 'application/json' }]);
    expect(delivery).toMatchObject({ deliveryId: expect.any(Number), programId: 1, token, url, payload: { cardId: C.active }, outcome: 'delivered', statusCode: 204, error: null });
  });

  it('never holds up the API: the challenge answers while the receiver has not answered yet', async () => {
    const r = start(() => {}); // never answers
    const url = await r.url;
    await subscribe({ cardId: C.active, webhookUrl: url });
    const ch = await challenge(C.active);
    expect(ch.status).toBe(200);
    await r.firstArrival;
    expect((await deliveries()).items[0]).toMatchObject({ outcome: 'pending', statusCode: null });
  });

  it('records a receiver\'s error status and an unreachable receiver as failed', async () => {
    const r = start((res) => res.writeHead(500).end('boom'));
    await subscribe({ cardId: C.active, webhookUrl: await r.url });
    const closed = http.createServer();
    const deadUrl = await new Promise<string>((resolve) => closed.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(closed.address() as AddressInfo).port}/gone`)));
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await subscribe({ cardId: C.active, webhookUrl: deadUrl });
    await challenge(C.active);
    const items = await settled();
    expect(items).toHaveLength(2);
    expect(items.find((d) => d.url === deadUrl)).toMatchObject({ outcome: 'failed', statusCode: null, error: expect.stringMatching(/ECONNREFUSED/) });
    expect(items.find((d) => d.url !== deadUrl)).toMatchObject({ outcome: 'failed', statusCode: 500, error: 'the receiver answered HTTP 500' });
  });

  it('sends the code only once the challenge is stored: a challenge whose commit fails (under an Idempotency-Key too) sends nothing', async () => {
    const r = start((res) => res.writeHead(204).end());
    await subscribe({ cardId: C.active, webhookUrl: await r.url });
    const { store } = mock();
    const begin = store.begin.bind(store);
    // the write's commit fails as a full disk would make it
    store.begin = () => {
      const tx = begin();
      tx.commit = async () => {
        throw new ApiError(500, 'the disk is full');
      };
      return tx;
    };
    try {
      const failed = await api().post(`/v2/staging/cards/${C.active}/3ds-challenge`, undefined, { headers: { 'Idempotency-Key': 'challenge-1' } });
      expect(failed.status).toBe(500);
    } finally {
      store.begin = begin;
    }
    // deliveries go out in order: once the next challenge's has arrived, an earlier one would have too
    expect((await challenge(C.active)).status).toBe(200);
    const items = await settled();
    expect(items).toHaveLength(1);
    expect(r.received).toHaveLength(1);
  });

  it('clears recorded deliveries with DELETE /_mock/webhooks and with a reset', async () => {
    const r = start((res) => res.end());
    await subscribe({ cardId: C.active, webhookUrl: await r.url });
    await challenge(C.active);
    await settled();
    expect((await control().delete('/_mock/webhooks')).body).toEqual({ status: 'success' });
    expect(await deliveries()).toEqual({ items: [], total: 0 });
  });
});

describe('webhook timeout', () => {
  const mock = useMock({ webhookTimeoutMs: 200 });

  it('records a receiver that does not answer in time as a timeout', async () => {
    const r = receiver(() => {});
    try {
      const url = await r.url;
      const client = apiClient(mock());
      await client.post('/v2/otp/listeners', { cardId: C.active, webhookUrl: url });
      await client.post(`/v2/staging/cards/${C.active}/3ds-challenge`);
      await vi.waitFor(async () => {
        const [d] = (await controlClient(mock()).get('/_mock/webhooks')).body.items;
        expect(d).toMatchObject({ outcome: 'timeout', statusCode: null, error: 'no answer within 200 ms' });
      }, { timeout: 10_000, interval: 50 });
    } finally {
      await r.close();
    }
  });
});

describe('configured OTP lifetimes', () => {
  const mock = useMock({ otpListenerSeconds: 60, otpCodeSeconds: 30 });

  it('uses OTP_LISTENER_SECONDS and OTP_CODE_SECONDS', async () => {
    const client = apiClient(mock());
    const c = controlClient(mock());
    const t = (await c.put('/_mock/clock', { frozen: true })).body.now;
    const sub = (await client.post('/v2/otp/listeners', { cardId: C.active })).body;
    expect(sub.expiresAt).toBeNull();
    expect(mock().store.state.otpListeners.find((l) => l.token === sub.token)!.expiresAt).toBe(t + 60);
    const ch = (await client.post(`/v2/staging/cards/${C.active}/3ds-challenge`)).body;
    expect(ch.expiresAt).toBe(t + 30);
    await c.put('/_mock/clock', { now: ch.expiresAt });
    expect((await client.get(`/v2/otp/${sub.token}`)).status).toBe(404);
  });
});
