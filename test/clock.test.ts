import { describe, expect, it } from 'vitest';
import { apiClient, controlClient } from './helpers/client.js';
import { fixtureCardholder as F } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const control = () => controlClient(mock());
const api = () => apiClient(mock());

const realNow = () => Math.floor(Date.now() / 1000);
const Y2030 = Date.UTC(2030, 0, 1) / 1000;

describe('the mock\'s clock', () => {
  it('reads now, its ISO form and the offset from real time', async () => {
    const res = await control().get('/_mock/clock');
    expect(res.status).toBe(200);
    expect(res.body.offsetSeconds).toBe(0);
    expect(Math.abs(res.body.now - realNow())).toBeLessThanOrEqual(2);
    expect(new Date(res.body.iso).getTime()).toBeGreaterThanOrEqual(res.body.now * 1000);
  });

  it('advances, jumps to a time, and goes back to real time', async () => {
    const advanced = (await control().post('/_mock/clock/advance', { seconds: 3600 })).body;
    expect(advanced.offsetSeconds).toBe(3600);
    expect(Math.abs(advanced.now - realNow() - 3600)).toBeLessThanOrEqual(2);
    const set = (await control().put('/_mock/clock', { now: Y2030 })).body;
    expect(set.now - Y2030).toBeGreaterThanOrEqual(0);
    expect(set.now - Y2030).toBeLessThanOrEqual(2);
    expect(set.iso.startsWith('2030-01-01T00:00:0')).toBe(true);
    expect((await control().delete('/_mock/clock')).body.offsetSeconds).toBe(0);
  });

  it('is back to real time after a reset', async () => {
    await control().post('/_mock/clock/advance', { seconds: 86400 });
    await control().post('/_mock/reset');
    expect((await control().get('/_mock/clock')).body.offsetSeconds).toBe(0);
  });

  it('stamps what the platform creates', async () => {
    await control().put('/_mock/clock', { now: Y2030 });
    // the fixture certificate (825 days) has expired by 2030 on the mock's clock: one issued now is valid then
    const cert = (await control().post('/_mock/certificates', { programId: 1 })).body;
    const future = () => apiClient(mock(), { cert });
    const wallet = (await future().post('/v2/wallets', { name: 'future' })).body.walletId;
    const createdAt = (await future().get(`/v2/wallets/${wallet}`)).body.createdAt;
    expect(createdAt - Y2030).toBeGreaterThanOrEqual(0);
    expect(createdAt - Y2030).toBeLessThanOrEqual(2);
    const card = (await future().post(`/v2/cards/virtual/${F.approved}`, { nameOnCard: 'FUTURE' })).body;
    expect(card.createdAt - Y2030).toBeLessThanOrEqual(2);
    const sensitive = (await future().get(`/v2/cards/${card.cardId}/sensitive`)).body;
    expect(sensitive).toMatchObject({ expMonth: 1, expYear: 2033 });
  });

  it.each([
    ['advance by 0', 'POST', '/_mock/clock/advance', { seconds: 0 }, 422],
    ['advance backwards', 'POST', '/_mock/clock/advance', { seconds: -60 }, 422],
    ['advance by a string', 'POST', '/_mock/clock/advance', { seconds: '60' }, 400],
    ['advance without seconds', 'POST', '/_mock/clock/advance', {}, 400],
    ['a negative time', 'PUT', '/_mock/clock', { now: -1 }, 422],
    ['a time in milliseconds', 'PUT', '/_mock/clock', { now: Date.now() * 1000 }, 422],
    ['an ISO time', 'PUT', '/_mock/clock', { now: '2030-01-01T00:00:00Z' }, 400],
  ])('refuses %s and leaves the clock alone', async (_name, method, path, body, status) => {
    const res = await control().call(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body.status).toBe('error');
    expect((await control().get('/_mock/clock')).body.offsetSeconds).toBe(0);
  });
});
