import { describe, expect, it } from 'vitest';
import { apiClient, controlClient } from './helpers/client.js';
import { fixtureCard } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock({ controlToken: 'sink-test-token' });
const control = () => controlClient(mock(), 'sink-test-token');

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not reached within 20 s; last: ${JSON.stringify(await read()).slice(0, 400)}`);
}

describe('the built-in webhook receiver', { timeout: 60_000 }, () => {
  it('receives the 3-DS webhook without the control token, and lists it with the token', async () => {
    const api = apiClient(mock());
    const sub = await api.post('/v2/otp/listeners', { cardId: fixtureCard.active, webhookUrl: `${mock().controlUrl}/_mock/webhook-sink/frontend/3ds` });
    expect(sub.status).toBe(200);
    expect((await api.post(`/v2/staging/cards/${fixtureCard.active}/3ds-challenge`)).status).toBe(200);
    const sink = await until(
      () => control().get(`/_mock/webhook-sink?name=${encodeURIComponent('frontend/3ds')}`),
      (r) => r.body.total === 1,
    );
    expect(JSON.parse(sink.body.items[0].text)).toEqual({ cardId: fixtureCard.active });
    expect(sink.body.items[0].method).toBe('POST');
    const deliveries = await until(
      () => control().get('/_mock/webhooks'),
      (r) => r.body.items[0]?.outcome === 'delivered',
    );
    expect(deliveries.body.items[0].statusCode).toBe(200);
    expect((await controlClient(mock()).get('/_mock/webhook-sink')).status).toBe(401);
  });

  it('redelivers a recorded webhook as a new delivery', async () => {
    const api = apiClient(mock());
    await api.post('/v2/otp/listeners', { cardId: fixtureCard.active, webhookUrl: `${mock().controlUrl}/_mock/webhook-sink/again` });
    await api.post(`/v2/staging/cards/${fixtureCard.active}/3ds-challenge`);
    const first = await until(() => control().get('/_mock/webhooks'), (r) => r.body.items[0]?.outcome === 'delivered');
    const id = first.body.items[0].deliveryId;
    const again = await control().post(`/_mock/webhooks/${id}/redeliver`);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ redeliveryOf: id, url: first.body.items[0].url, outcome: 'pending' });
    await until(() => control().get('/_mock/webhook-sink?name=again'), (r) => r.body.total === 2);
    expect((await control().post('/_mock/webhooks/999999/redeliver')).status).toBe(404);
  });

  it('refuses a bad sink name and an oversized body, and keeps nothing of them', async () => {
    const bad = await fetch(`${mock().controlUrl}/_mock/webhook-sink/a//b`, { method: 'POST', body: 'x' });
    expect(bad.status).toBe(400);
    const big = await fetch(`${mock().controlUrl}/_mock/webhook-sink/big`, { method: 'POST', body: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
    expect((await control().get('/_mock/webhook-sink')).body.total).toBe(0);
  });
});
