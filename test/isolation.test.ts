import { describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from './helpers/client.js';
import { cardholderBody, fixtureCardholder } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();

const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${mock().controlUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};

/** What a test worker does first: onboard its own program (certificate, key, API key and DNS in one call). */
async function onboard(worker: string): Promise<{ programId: number; api: ApiClient }> {
  const created = await control('POST', '/_mock/programs', {
    tenantName: `Worker ${worker} Ltd`,
    programName: `Worker ${worker} Card`,
    environment: 'staging',
    allowlist: ['127.0.0.1/32'],
    domains: [`worker-${worker}.tests.example`],
  });
  expect(created.status).toBe(201);
  const { programId, apiKey, certificate } = created.body;
  return { programId, api: apiClient(mock(), { cert: { certPem: certificate.certPem, keyPem: certificate.keyPem }, apiKey }) };
}

const names = async (api: ApiClient) => ((await api.get('/v2/cardholders?limit=100')).body.items as { firstName: string }[]).map((c) => c.firstName).sort();

async function create(api: ApiClient, firstName: string): Promise<number> {
  const res = await api.post('/v2/cardholders', cardholderBody({ firstName, emailAdr: `${firstName.toLowerCase()}@example.com` }));
  expect(res.status).toBe(200);
  return res.body.cardholderId as number;
}

describe('isolation per test worker: each worker on its own program', () => {
  it('an onboarded program answers at once over mTLS, and starts empty', async () => {
    const { api } = await onboard('solo');
    const list = await api.get('/v2/cardholders');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
  });

  it('two workers in parallel snapshot, write, restore and reset their own program without seeing each other', async () => {
    const [a, b] = await Promise.all([onboard('a'), onboard('b')]);

    const worker = async (w: { programId: number; api: ApiClient }, tag: string, other: string) => {
      await create(w.api, `${tag}Kept`);
      const snap = await control('POST', `/_mock/programs/${w.programId}/snapshots`, { name: `${tag}-start` });
      expect(snap.status).toBe(201);
      expect(snap.body).toMatchObject({ programId: w.programId, name: `${tag}-start` });
      for (const n of [1, 2, 3]) await create(w.api, `${tag}Temp${n}`);
      expect(await names(w.api)).toEqual([`${tag}Kept`, `${tag}Temp1`, `${tag}Temp2`, `${tag}Temp3`]);

      const restored = await control('POST', `/_mock/programs/${w.programId}/snapshots/${snap.body.snapshotId}/restore`);
      expect(restored).toEqual({ status: 200, body: { status: 'success', programId: w.programId, snapshotId: snap.body.snapshotId } });
      const afterRestore = await names(w.api);
      // a new cardholder after the restore gets a fresh id: ids handed out meanwhile are not reused
      const fresh = await create(w.api, `${tag}After`);
      const reset = await control('POST', `/_mock/programs/${w.programId}/reset`);
      expect(reset.body).toEqual({ status: 'success', programId: w.programId });
      const afterReset = await names(w.api);
      // the other worker's snapshot is not this program's
      const foreign = await control('POST', `/_mock/programs/${w.programId}/snapshots/${snap.body.snapshotId + 1000}/restore`);
      return { afterRestore, afterReset, fresh, foreign: foreign.status, other };
    };

    const [ra, rb] = await Promise.all([worker(a, 'Ann', 'b'), worker(b, 'Bob', 'a')]);
    expect(ra.afterRestore).toEqual(['AnnKept']);
    expect(rb.afterRestore).toEqual(['BobKept']);
    expect(ra.afterReset).toEqual([]);
    expect(rb.afterReset).toEqual([]);
    expect([ra.foreign, rb.foreign]).toEqual([404, 404]);
    const state = mock().store.state;
    const ids = state.cardholders.map((c) => c.cardholderId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(state.sequences.cardholders).toBeGreaterThanOrEqual(Math.max(ra.fresh, rb.fresh));
  });

  it("restoring one program's snapshot keeps what another program wrote after it was taken", async () => {
    const [a, b] = await Promise.all([onboard('c'), onboard('d')]);
    await create(a.api, 'Carla');
    const snap = (await control('POST', `/_mock/programs/${a.programId}/snapshots`)).body;
    await create(a.api, 'Carlos');
    await create(b.api, 'Dana');
    await control('POST', `/_mock/programs/${a.programId}/snapshots/${snap.snapshotId}/restore`);
    expect(await names(a.api)).toEqual(['Carla']);
    expect(await names(b.api)).toEqual(['Dana']);
    const list = await control('GET', `/_mock/programs/${a.programId}/snapshots`);
    expect(list.body).toEqual({ items: [snap], total: 1 });
    expect((await control('GET', `/_mock/programs/${b.programId}/snapshots`)).body).toEqual({ items: [], total: 0 });
    expect((await control('DELETE', `/_mock/programs/${a.programId}/snapshots/${snap.snapshotId}`)).status).toBe(200);
    expect((await control('POST', `/_mock/programs/${a.programId}/snapshots/${snap.snapshotId}/restore`)).status).toBe(404);
  });

  it("a fixture program's reset brings back its fixture records only; another fixture program keeps its changes", async () => {
    const one = apiClient(mock(), { programId: 1 });
    const three = apiClient(mock(), { programId: 3 });
    const before = await names(one);
    await create(one, 'Extra');
    const edited = await one.put(`/v2/cardholders/${fixtureCardholder.draft}`, cardholderBody({ firstName: 'Renamed', emailAdr: 'renamed@example.com' }));
    expect(edited.status).toBe(200);
    await create(three, 'Harbor');
    const reset = await control('POST', '/_mock/programs/1/reset');
    expect(reset.status).toBe(200);
    expect(await names(one)).toEqual(before);
    expect(await names(three)).toContain('Harbor');
  });

  it('an unknown program is a 404 that changes nothing', async () => {
    const before = JSON.stringify(mock().store.state);
    for (const [method, path] of [['POST', '/_mock/programs/999/reset'], ['POST', '/_mock/programs/999/snapshots'], ['GET', '/_mock/programs/999/snapshots']] as const) {
      const res = await control(method, path);
      expect(res.status).toBe(404);
      expect(res.body.message).toMatch(/Program 999 not found/);
    }
    expect(JSON.stringify(mock().store.state)).toBe(before);
  });
});
