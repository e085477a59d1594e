import { describe, expect, it } from 'vitest';
import { apiClient, controlClient } from './helpers/client.js';
import { fixtureCardholder as F } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const control = () => controlClient(mock());
const api = () => apiClient(mock());

const Y2030 = Date.UTC(2030, 0, 1) / 1000;

describe('the mock\'s clock', () => {
  it('reads now, its ISO form, the offset from real time and whether it is frozen', async () => {
    const before = Date.now();
    const res = await control().get('/_mock/clock');
    const after = Date.now();
    expect(res.status).toBe(200);
    expect(res.body.offsetSeconds).toBe(0);
    expect(res.body.frozen).toBe(false);
    expect(res.body.now).toBe(Math.floor(new Date(res.body.iso).getTime() / 1000));
    // real time: read between two readings of this process's clock
    expect(new Date(res.body.iso).getTime()).toBeGreaterThanOrEqual(before);
    expect(new Date(res.body.iso).getTime()).toBeLessThanOrEqual(after);
  });

  it('freezes: now stands still, advance and set move it exactly, unfreeze runs on from there', async () => {
    const frozen = (await control().put('/_mock/clock', { now: Y2030, frozen: true })).body;
    expect(frozen).toMatchObject({ now: Y2030, iso: '2030-01-01T00:00:00.000Z', frozen: true });
    await new Promise((r) => setTimeout(r, 1100)); // real time passes; the frozen clock does not
    expect((await control().get('/_mock/clock')).body).toMatchObject({ now: Y2030, iso: '2030-01-01T00:00:00.000Z', frozen: true });
    expect((await control().post('/_mock/clock/advance', { seconds: 3600 })).body).toMatchObject({ now: Y2030 + 3600, frozen: true });
    expect((await control().put('/_mock/clock', { now: Y2030 + 60 })).body).toMatchObject({ now: Y2030 + 60, iso: '2030-01-01T00:01:00.000Z', frozen: true });
    // freezing a frozen clock changes nothing
    expect((await control().put('/_mock/clock', { frozen: true })).body).toMatchObject({ now: Y2030 + 60, frozen: true });
    const before = Date.now();
    const running = (await control().put('/_mock/clock', { frozen: false })).body;
    expect(running.frozen).toBe(false);
    expect(new Date(running.iso).getTime()).toBeGreaterThanOrEqual((Y2030 + 60) * 1000);
    expect(new Date(running.iso).getTime()).toBeLessThanOrEqual((Y2030 + 60) * 1000 + (Date.now() - before));
    expect((await control().delete('/_mock/clock')).body).toMatchObject({ offsetSeconds: 0, frozen: false });
  });

  it('advances, jumps to a time, and goes back to real time', async () => {
    await control().put('/_mock/clock', { frozen: true });
    const start = (await control().get('/_mock/clock')).body.now;
    const advanced = (await control().post('/_mock/clock/advance', { seconds: 3600 })).body;
    expect(advanced.now).toBe(start + 3600);
    const set = (await control().put('/_mock/clock', { now: Y2030 })).body;
    expect(set).toMatchObject({ now: Y2030, iso: '2030-01-01T00:00:00.000Z' });
    expect((await control().delete('/_mock/clock')).body).toMatchObject({ offsetSeconds: 0, frozen: false });
  });

  it('a running clock keeps running from a jump', async () => {
    const before = Date.now();
    const set = (await control().put('/_mock/clock', { now: Y2030 })).body;
    expect(set.frozen).toBe(false);
    expect(set.now).toBe(Y2030);
    await new Promise((r) => setTimeout(r, 1100));
    const later = (await control().get('/_mock/clock')).body.now;
    // at least the 1.1 s slept, at most the real time that passed since the jump
    expect(later).toBeGreaterThanOrEqual(Y2030 + 1);
    expect(later).toBeLessThanOrEqual(Y2030 + Math.ceil((Date.now() - before) / 1000));
  });

  it('is back to real, running time after a reset', async () => {
    await control().put('/_mock/clock', { frozen: true });
    await control().post('/_mock/clock/advance', { seconds: 86400 });
    await control().post('/_mock/reset');
    expect((await control().get('/_mock/clock')).body).toMatchObject({ offsetSeconds: 0, frozen: false });
  });

  it('stamps what the platform creates', async () => {
    await control().put('/_mock/clock', { now: Y2030, frozen: true });
    // the fixture certificate (825 days) has expired by 2030 on the mock's clock: one issued now is valid then
    const cert = (await control().post('/_mock/certificates', { programId: 1 })).body;
    // dated five minutes back on the mock's clock, for clients whose clocks lag a little
    expect(cert.notBefore).toBe('2029-12-31T23:55:00.000Z');
    const future = () => apiClient(mock(), { cert });
    const wallet = (await future().post('/v2/wallets', { name: 'future' })).body.walletId;
    expect((await future().get(`/v2/wallets/${wallet}`)).body.createdAt).toBe(Y2030);
    const card = (await future().post(`/v2/cards/virtual/${F.approved}`, { nameOnCard: 'FUTURE' })).body;
    expect(card.createdAt).toBe(Y2030);
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
    ['an empty change', 'PUT', '/_mock/clock', {}, 400],
    ['frozen as a string', 'PUT', '/_mock/clock', { frozen: 'yes' }, 400],
  ])('refuses %s and leaves the clock alone', async (_name, method, path, body, status) => {
    const res = await control().call(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body.status).toBe('error');
    expect((await control().get('/_mock/clock')).body).toMatchObject({ offsetSeconds: 0, frozen: false });
  });
});
