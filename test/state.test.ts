import { describe, expect, it } from 'vitest';
import { snapshotMessages } from '../src/state/snapshots.js';
import { stateMessages } from '../src/control/state.js';
import { messages } from '../src/http/errors.js';
import { apiClient, controlClient, expectHandshakeRefused } from './helpers/client.js';
import { cardholderBody, fixtureCardholder as F } from './helpers/data.js';
import { placedFixtures, resetPlaced } from './helpers/fixture-dates.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const api = () => apiClient(mock());
const control = () => controlClient(mock());

async function createCardholder(email: string): Promise<number> {
  const res = await api().post('/v2/cardholders', cardholderBody({ emailAdr: email }));
  expect(res.status).toBe(200);
  return res.body.cardholderId;
}

const exists = async (id: number) => (await api().get(`/v2/cardholders/${id}`)).status === 200;

async function exported() {
  const res = await control().get('/_mock/state');
  expect(res.status).toBe(200);
  return res.body;
}

describe('GET/PUT /_mock/state', () => {
  it('exports the whole store: the fixtures after a reset, their history moved to the last week', async () => {
    const shift = await resetPlaced(mock());
    expect(await exported()).toMatchObject(placedFixtures(shift));
  });

  it('imports an exported state: a round trip brings the data back', async () => {
    const id = await createCardholder('round.trip@example.com');
    await control().post('/_mock/faults', { id: 'kept', match: { method: 'DELETE' }, fault: { type: 'reset' } });
    const saved = await exported();
    await control().post('/_mock/reset');
    expect(await exists(id)).toBe(false);
    const res = await control().put('/_mock/state', saved);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ status: 'success' });
    expect(await exists(id)).toBe(true);
    expect((await control().get('/_mock/faults/kept')).status).toBe(200);
    expect(await exported()).toEqual(saved);
  });

  type Edit = (s: any) => void;
  it.each<[string, Edit, number, string | undefined, string]>([
    ['an unknown top-level field', (s) => (s.extra = 1), 400, undefined, messages.validation],
    ['a missing collection', (s) => delete s.cardholders, 400, undefined, messages.validation],
    ['a wrong type', (s) => (s.programs[0].programId = 'one'), 400, 'programs.0.programId', messages.validation],
    ['a status out of range', (s) => (s.cardholders[0].status = 9), 422, 'cardholders.0.status', messages.constraint],
    ['another version', (s) => (s.version = 2), 422, 'version', messages.constraint],
    ['a duplicate cardholder id', (s) => (s.cardholders[1].cardholderId = s.cardholders[0].cardholderId), 422, 'cardholders.1.cardholderId', stateMessages.inconsistent],
    ['a key of a missing program', (s) => (s.apiKeys[0].programId = 42), 422, 'apiKeys.0.programId', stateMessages.inconsistent],
    ['a bank account of a missing cardholder', (s) => s.bankAccounts.push({ depositId: 7001, programId: 1, cardholderId: 1, senderAccountName: 'A', senderAccountNumber: '1', senderRoutingNumber: '1', statusText: 'pending', createdAt: 0 }), 422, 'bankAccounts.0.cardholderId', stateMessages.inconsistent],
    ['a sequence below the highest id', (s) => (s.sequences.cardholders = 10), 422, 'sequences.cardholders', stateMessages.inconsistent],
    ['an incomplete fault rule', (s) => (s.faults = [{ id: 'x', match: {}, fault: { type: 'status' }, probability: 1, seed: 1, times: null, skip: 0, ttlSeconds: null, createdAt: 0, expiresAt: null }]), 422, 'faults.0.fault.status', stateMessages.inconsistent],
  ])('rejects %s and changes nothing', async (_label, edit, status, field, message) => {
    const id = await createCardholder('before.import@example.com');
    const before = await exported();
    const bad = structuredClone(before);
    edit(bad);
    const res = await control().put('/_mock/state', bad);
    expect(res.status, res.text).toBe(status);
    expect(res.body.status).toBe('error');
    if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(res.body.message).toBe(message);
    expect(await exported()).toEqual(before);
    expect(await exists(id)).toBe(true);
  });
});

describe('snapshots', () => {
  it('restores the state saved, as often as asked; the snapshot stays', async () => {
    const taken = await control().post('/_mock/snapshots', { name: 'clean' });
    expect(taken.status).toBe(201);
    expect(taken.body).toMatchObject({ snapshotId: expect.any(Number), name: 'clean', bytes: expect.any(Number) });
    const { snapshotId } = taken.body;
    for (const email of ['first.run@example.com', 'second.run@example.com']) {
      const id = await createCardholder(email);
      expect((await api().put(`/v2/cardholders/${F.draft}/kyc-submit`)).status).toBe(200);
      const restored = await control().post(`/_mock/snapshots/${snapshotId}/restore`);
      expect(restored.body).toEqual({ status: 'success', snapshotId });
      expect(await exists(id)).toBe(false);
      expect((await api().get(`/v2/cardholders/${F.draft}`)).body.cardholder.status).toBe(4);
    }
    expect((await control().get('/_mock/snapshots')).body.items.map((s: { snapshotId: number }) => s.snapshotId)).toContain(snapshotId);
  });

  it('snapshots hold fault rules too', async () => {
    await control().post('/_mock/faults', { id: 'saved', fault: { type: 'status', status: 503 } });
    const { snapshotId } = (await control().post('/_mock/snapshots')).body;
    await control().delete('/_mock/faults');
    await control().post(`/_mock/snapshots/${snapshotId}/restore`);
    expect((await api().get(`/v2/cardholders/${F.approved}`)).status).toBe(503);
  });

  it('re-applies certificate revocations of the restored state', async () => {
    const cert = (await control().post('/_mock/certificates', { programId: 1 })).body;
    const valid = (await control().post('/_mock/snapshots', { name: 'valid' })).body.snapshotId;
    expect((await control().post(`/_mock/certificates/${cert.serial}/revoke`)).status).toBe(200);
    const revoked = (await control().post('/_mock/snapshots', { name: 'revoked' })).body.snapshotId;
    await expectHandshakeRefused(apiClient(mock(), { cert }).get('/v2/cardholders'));
    await control().post(`/_mock/snapshots/${valid}/restore`);
    expect((await apiClient(mock(), { cert }).get('/v2/cardholders')).status).toBe(200);
    await control().post(`/_mock/snapshots/${revoked}/restore`);
    await expectHandshakeRefused(apiClient(mock(), { cert }).get('/v2/cardholders'));
  });

  it('lists, deletes, and answers 404 for an unknown snapshot', async () => {
    const a = (await control().post('/_mock/snapshots', { name: 'a' })).body.snapshotId;
    expect((await control().delete(`/_mock/snapshots/${a}`)).body).toEqual({ status: 'success' });
    for (const res of [await control().post(`/_mock/snapshots/${a}/restore`), await control().delete(`/_mock/snapshots/${a}`)]) {
      expect(res.status).toBe(404);
      expect(res.body.message).toBe(snapshotMessages.notFound(a));
    }
  });

  it('keeps the 50 newest', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 51; i++) ids.push((await control().post('/_mock/snapshots')).body.snapshotId);
    const kept = (await control().get('/_mock/snapshots')).body.items.map((s: { snapshotId: number }) => s.snapshotId);
    expect(kept.slice(-50)).toEqual(ids.slice(1));
    expect(kept).not.toContain(ids[0]);
    expect((await control().post(`/_mock/snapshots/${ids[0]}/restore`)).status).toBe(404);
  });

  it('rejects a bad body', async () => {
    expect((await control().post('/_mock/snapshots', { name: '' })).status).toBe(422);
    expect((await control().post('/_mock/snapshots', { label: 'x' })).status).toBe(400);
  });
});
