import { describe, expect, it } from 'vitest';
import { apiClient, controlClient } from './helpers/client.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const control = () => controlClient(mock());

async function depositDelays(): Promise<number[]> {
  const m = mock();
  const card = m.store.state.cards.find((c) => c.programId === 1 && c.issuerCardStatus === 1)!;
  const delays: number[] = [];
  for (let i = 0; i < 6; i += 1) {
    const res = await apiClient(m).post(`/v2/staging/cards/${card.cardId}/deposit`, { amount: '1.00' });
    expect(res.status).toBe(200);
    const d = m.store.state.deposits.at(-1)!;
    delays.push(d.clearsAt! - d.createdAt);
  }
  return delays;
}

describe('emulation mode settings (control plane)', () => {
  const valid = { seed: 9, depositClearingSeconds: { min: 100, max: 5000 } };

  it('deposit clearing times are drawn within the bounds, and the same seed replays the same times', async () => {
    expect((await control().put('/_mock/programs/1/emulation', valid)).status).toBe(200);
    const first = await depositDelays();
    for (const d of first) {
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(5000);
    }
    expect(new Set(first).size).toBeGreaterThan(1);
    await mock().reset();
    await control().put('/_mock/programs/1/emulation', valid);
    expect(await depositDelays()).toEqual(first);
    expect((await control().get('/_mock/programs/1')).body.emulation).toMatchObject({ seed: 9, draws: 6 });
  });

  it.each([
    ['min above max', { seed: 1, reviewSeconds: { min: 10, max: 5 } }, 422],
    ['all weights zero', { seed: 1, weights: { approved: 0, complianceDecline: 0, adminDecline: 0, error: 0 } }, 422],
    ['a rate above 1', { seed: 1, submitErrorRate: 1.5 }, 422],
    ['no seed', { weights: { approved: 1, complianceDecline: 0, adminDecline: 0, error: 0 } }, 400],
    ['an unknown field', { seed: 1, speed: 'fast' }, 400],
  ])('refuses %s and changes nothing', async (_name, body, status) => {
    const res = await control().put('/_mock/programs/1/emulation', body);
    expect(res.status).toBe(status);
    expect(res.body.status).toBe('error');
    expect((await control().get('/_mock/programs/1')).body.emulation).toBeUndefined();
  });

  it('exists only for staging programs; DELETE turns it off and drops outcomes not yet due', async () => {
    expect((await control().put('/_mock/programs/2/emulation', { seed: 1 })).status).toBe(422);
    expect((await control().put('/_mock/programs/99/emulation', { seed: 1 })).status).toBe(404);
    await control().put('/_mock/programs/1/emulation', { seed: 3, reviewSeconds: { min: 600, max: 600 } });
    const draft = mock().store.state.cardholders.find((c) => c.programId === 1 && (c.status === 4 || c.status === 0))!;
    expect((await apiClient(mock()).put(`/v2/cardholders/${draft.cardholderId}/kyc-submit`)).status).toBe(200);
    expect(mock().store.state.emulationOutcomes).toHaveLength(1);
    const off = await control().delete('/_mock/programs/1/emulation');
    expect(off.status).toBe(200);
    expect(off.body.emulation).toBeUndefined();
    expect(mock().store.state.emulationOutcomes).toEqual([]);
    await control().post('/_mock/clock/advance', { seconds: 3600 });
    expect(mock().store.state.cardholders.find((c) => c.cardholderId === draft.cardholderId && c.programId === 1)!.status).toBe(3);
  });

  it('the reminder URL must be http(s) or null', async () => {
    expect((await control().put('/_mock/programs/1/reminder-url', { url: 'ftp://x.test/' })).status).toBe(422);
    expect((await control().put('/_mock/programs/1/reminder-url', { url: null })).body.reminderUrl).toBeNull();
  });
});
