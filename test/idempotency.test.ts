import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { idempotencyMessages } from '../src/idempotency/keys.js';
import { Store } from '../src/store/store.js';
import { startMock, type RunningMock } from '../src/mock.js';
import { apiClient, controlClient } from './helpers/client.js';
import { cardholderBody, fixtureCardholder as F, fixtureWallet as W } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const api = () => apiClient(mock());
const control = () => controlClient(mock());
const key = (k: string) => ({ headers: { 'Idempotency-Key': k } });

async function cardholderCount(m: RunningMock = mock()): Promise<number> {
  return (await apiClient(m).get('/v2/cardholders')).body.total as number;
}

async function balances(walletId: number) {
  const { ledgerBalance, availableBalance } = (await api().get(`/v2/wallets/${walletId}`)).body;
  return { ledgerBalance, availableBalance };
}

describe('money: a retry with the same Idempotency-Key does not move money twice', () => {
  const transfer = { sourceWalletId: W.operating, destinationType: 0, destinationId: W.empty, amount: 25_000, description: 'drill' };

  it.each([
    ['a 503', { type: 'status', status: 503 }],
    ['a reset', { type: 'reset' }],
    ['a timeout', { type: 'timeout' }],
  ])('a transfer whose answer was lost to %s is replayed, the balances moved once', async (_label, then) => {
    await control().post('/_mock/faults', { match: { method: 'POST', path: '/v2/wallets/transfer' }, fault: { type: 'after-commit', then }, times: 1 });
    const source = await balances(W.operating);
    const lost = api().post('/v2/wallets/transfer', transfer, { ...key('transfer-1'), timeoutMs: 1500 });
    if (then.type === 'status') expect((await lost).status).toBe(503);
    else await expect(lost).rejects.toMatchObject({ code: then.type === 'reset' ? 'ECONNRESET' : 'CLIENT_TIMEOUT' });
    // it went through: check before retrying, as the errors page says
    expect(await balances(W.empty)).toEqual({ ledgerBalance: 25_000, availableBalance: 25_000 });
    const retry = await api().post('/v2/wallets/transfer', transfer, key('transfer-1'));
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toMatchObject({ status: 'success', sourceWalletId: W.operating, destinationId: W.empty, amount: 25_000 });
    expect(await balances(W.operating)).toEqual({ ledgerBalance: source.ledgerBalance - 25_000, availableBalance: source.availableBalance - 25_000 });
    expect(await balances(W.empty)).toEqual({ ledgerBalance: 25_000, availableBalance: 25_000 });
  });

  it('a bank deposit retried with its key is credited once', async () => {
    const before = await balances(W.payroll);
    const body = { transactionAmount: 10_000, transactionReference: 'drill-1' };
    const first = await api().post(`/v2/wallets/${W.payroll}/bank-deposit`, body, { headers: { 'Idempotency-Key': 'dep-1', 'X-Mock-Fault': 'after-commit=500' } });
    expect(first.status).toBe(500);
    const retry = await api().post(`/v2/wallets/${W.payroll}/bank-deposit`, body, key('dep-1'));
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect((await balances(W.payroll)).ledgerBalance).toBe(before.ledgerBalance + 10_000);
  });

  it('without a key, the blind retry moves the money twice (what the errors page warns about)', async () => {
    await control().post('/_mock/faults', { match: { method: 'POST', path: '/v2/wallets/transfer' }, fault: { type: 'after-commit', then: { type: 'status', status: 500 } }, times: 1 });
    expect((await api().post('/v2/wallets/transfer', transfer)).status).toBe(500);
    expect((await api().post('/v2/wallets/transfer', transfer)).status).toBe(200);
    expect((await balances(W.empty)).ledgerBalance).toBe(50_000);
  });
});

describe('Idempotency-Key on writes', () => {
  it('the same key with the same body replays the first answer and creates nothing more', async () => {
    const before = await cardholderCount();
    const first = await api().post('/v2/cardholders', cardholderBody(), key('create-jordan-1'));
    expect(first.status).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // same content, other key order: still the same request
    const reordered = Object.fromEntries(Object.entries(cardholderBody()).reverse());
    const again = await api().post('/v2/cardholders', reordered, key('create-jordan-1'));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await cardholderCount()).toBe(before + 1);
  });

  it('without the key every request does the work', async () => {
    const before = await cardholderCount();
    await api().post('/v2/cardholders', cardholderBody());
    await api().post('/v2/cardholders', cardholderBody());
    expect(await cardholderCount()).toBe(before + 2);
  });

  it.each([
    ['another body', '/v2/cardholders', cardholderBody({ firstName: 'Morgan' })],
    ['another path', `/v2/cardholders/${F.approved}/register-bank-account`, { senderAccountName: 'Jordan Reyes', senderAccountNumber: '000123456789', senderRoutingNumber: '021000021' }],
  ])('the same key with %s is a 409 and does nothing', async (_label, otherPath, otherBody) => {
    expect((await api().post('/v2/cardholders', cardholderBody(), key('k-409'))).status).toBe(200);
    const before = await cardholderCount();
    const bankAccounts = (await control().get('/_mock/state')).body.bankAccounts.length;
    const res = await api().post(otherPath, otherBody, key('k-409'));
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ status: 'error', message: idempotencyMessages.reused });
    expect(await cardholderCount()).toBe(before);
    expect((await control().get('/_mock/state')).body.bankAccounts.length).toBe(bankAccounts);
  });

  it('after an after-commit fault, the retry with the same key gets the stored success (200) without doing it twice', async () => {
    await control().post('/_mock/faults', { id: 'lost-answer', match: { method: 'POST', path: '/v2/cardholders' }, fault: { type: 'after-commit', then: { type: 'status', status: 503, retryAfter: 1 } }, times: 1 });
    const before = await cardholderCount();
    const failed = await api().post('/v2/cardholders', cardholderBody({ emailAdr: 'once.only@example.com' }), key('deposit-like-1'));
    expect(failed.status).toBe(503);
    expect(await cardholderCount()).toBe(before + 1);
    const retry = await api().post('/v2/cardholders', cardholderBody({ emailAdr: 'once.only@example.com' }), key('deposit-like-1'));
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual({ status: 'success', cardholderId: expect.any(Number) });
    expect((await api().get(`/v2/cardholders/${retry.body.cardholderId}`)).body.cardholder.emailAdr).toBe('once.only@example.com');
    expect(await cardholderCount()).toBe(before + 1);
  });

  it('a retry after a reset (no answer at all) also gets the stored success', async () => {
    const before = await cardholderCount();
    await expect(api().post('/v2/cardholders', cardholderBody(), { headers: { 'Idempotency-Key': 'k-reset', 'X-Mock-Fault': 'after-commit=reset' } })).rejects.toMatchObject({ code: 'ECONNRESET' });
    const retry = await api().post('/v2/cardholders', cardholderBody(), key('k-reset'));
    expect(retry.status).toBe(200);
    expect(await cardholderCount()).toBe(before + 1);
  });

  it('keys expire after 24 hours on the mock\'s clock', async () => {
    const before = await cardholderCount();
    const first = await api().post('/v2/cardholders', cardholderBody(), key('k-day'));
    mock().clock.advance(24 * 3600 - 60);
    expect((await api().post('/v2/cardholders', cardholderBody(), key('k-day'))).body).toEqual(first.body);
    mock().clock.advance(61);
    const later = await api().post('/v2/cardholders', cardholderBody(), key('k-day'));
    expect(later.status).toBe(200);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.body.cardholderId).not.toBe(first.body.cardholderId);
    expect(await cardholderCount()).toBe(before + 2);
  });

  it('answers that are not 2xx changed nothing and are not stored: the corrected request runs', async () => {
    const bad = await api().post('/v2/cardholders', cardholderBody({ transactionLimit: 1000001 }), key('k-fix'));
    expect(bad.status).toBe(422);
    const fixed = await api().post('/v2/cardholders', cardholderBody(), key('k-fix'));
    expect(fixed.status).toBe(200);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a second request with the key while the first is still running is a 409', async () => {
    const store = mock().store;
    const begin = store.begin.bind(store);
    let release!: () => void;
    let reached!: () => void;
    const atCommit = new Promise<void>((r) => (reached = r));
    const gate = new Promise<void>((r) => (release = r));
    // the idempotency layer's transaction holds its commit until released
    store.begin = () => {
      const tx = begin();
      const commit = tx.commit.bind(tx);
      tx.commit = async () => {
        reached();
        await gate;
        return commit();
      };
      return tx;
    };
    try {
      const first = api().post('/v2/cardholders', cardholderBody(), key('k-busy'));
      await atCommit;
      const second = await api().post('/v2/cardholders', cardholderBody(), key('k-busy'));
      expect(second.status).toBe(409);
      expect(second.body.message).toBe(idempotencyMessages.inFlight);
      release();
      expect((await first).status).toBe(200);
    } finally {
      store.begin = begin;
    }
    expect((await api().post('/v2/cardholders', cardholderBody(), key('k-busy'))).headers['idempotent-replayed']).toBe('true');
  });

  it('keys belong to a program: another program may use the same key', async () => {
    expect((await api().post('/v2/cardholders', cardholderBody(), key('shared'))).status).toBe(200);
    const other = await apiClient(mock(), { programId: 3 }).post('/v2/cardholders', cardholderBody(), key('shared'));
    expect(other.status).toBe(200);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
  });

  it('ignores the key on reads, rejects a malformed key with 422', async () => {
    expect((await api().get(`/v2/cardholders/${F.approved}`, key('read-1'))).status).toBe(200);
    expect((await control().get('/_mock/state')).body.idempotency ?? []).toEqual([]);
    const res = await api().post('/v2/cardholders', cardholderBody(), key('x'.repeat(256)));
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(idempotencyMessages.invalidKey);
  });

  it('stores the answer with the change in one commit, on disk before the response', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'axys-idem-'));
    const dataFile = path.join(dir, 'db.json');
    const m = await startMock({ dataFile });
    try {
      const res = await apiClient(m).post('/v2/cardholders', cardholderBody(), key('on-disk'));
      expect(res.status).toBe(200);
      // one line of the store's change log (one write) holds both the new cardholder and the stored answer
      const [header, ...lines] = (await readFile(`${dataFile}.log`, 'utf8')).trim().split('\n');
      expect(JSON.parse(header!)).toEqual({ generation: expect.any(Number) });
      expect(lines).toHaveLength(1);
      const changes = JSON.parse(lines[0]!) as { p: string[]; v?: any }[];
      expect(changes.some((c) => c.p[0] === 'cardholders' && c.v?.cardholderId === res.body.cardholderId)).toBe(true);
      const records = changes.filter((c) => c.p[0] === 'idempotency').flatMap((c) => (Array.isArray(c.v) ? c.v : [c.v]));
      expect(records).toContainEqual(expect.objectContaining({ programId: 1, key: 'on-disk', status: 200, body: res.body }));
      // and a restart loads both
      const disk = (await Store.open(dataFile, () => Promise.reject(new Error('no data file')))).state;
      expect(disk.cardholders.some((c) => c.cardholderId === res.body.cardholderId)).toBe(true);
      expect(disk.idempotency).toEqual([expect.objectContaining({ programId: 1, key: 'on-disk', status: 200, body: res.body })]);
    } finally {
      await m.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
