import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMock } from '../src/mock.js';
import { apiClient, controlClient } from './helpers/client.js';
import { rawFixtures, rawNewest, resetPlaced, WEEK, weeksShift } from './helpers/fixture-dates.js';
import { useMock } from './helpers/mock.js';

/**
 * The shipped fixture sets' history is dated relative to the mock's clock (README, "Fixture dates"):
 * whole weeks, the newest within the last week; files given by path and imports are taken as they are.
 * Expectations come from fixtures/default.json as shipped (helpers/fixture-dates.ts), not from the mock.
 */
const mock = useMock();
const api = () => apiClient(mock());
const control = () => controlClient(mock());
const DAY = 86_400;

type RawTxn = { transId: string; programId: number; createdAt: number };
const iso = (t: number) => new Date(t * 1000).toISOString();
/** program 1's card transactions as GET /v2/cards/transactions lists them (newest first), dated `shift` later than the file */
const program1Transactions = (shift: number) =>
  (rawFixtures.transactions as RawTxn[])
    .filter((t) => t.programId === 1)
    .sort((a, b) => b.createdAt - a.createdAt || b.transId.localeCompare(a.transId))
    .map((t) => [t.transId, iso(t.createdAt + shift)]);
const listed = (items: Array<{ transId: string; dateCreated: string }>) => items.map((t) => [t.transId, t.dateCreated]);

describe('fixture dates', () => {
  it('on fresh fixtures GET /v2/cards/transactions without parameters lists the recent history over mTLS', async () => {
    const before = Math.floor(Date.now() / 1000);
    const fresh = await startMock();
    const after = Math.floor(Date.now() / 1000);
    try {
      const res = await apiClient(fresh).get('/v2/cards/transactions');
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(9);
      expect([program1Transactions(weeksShift(before)), program1Transactions(weeksShift(after))]).toContainEqual(listed(res.body.items));
      // the newest of the history lies in the week before now
      const newest = Date.parse(res.body.items[0].dateCreated) / 1000;
      expect(newest).toBeLessThanOrEqual(after);
      expect(newest).toBeGreaterThan(before - WEEK);
      expect((await apiClient(fresh).get('/v2/cards/fees')).body.total).toBe(2);
    } finally {
      await fresh.close();
    }
  });

  it('a reset places the fixtures against real time, also after the clock was moved', async () => {
    await control().post('/_mock/clock/advance', { seconds: 200 * DAY });
    const shift = await resetPlaced(mock());
    expect(shift % WEEK).toBe(0);
    expect(listed((await api().get('/v2/cards/transactions')).body.items)).toEqual(program1Transactions(shift));
  });

  it('on a frozen clock the move is exact: whole weeks, weekday and time of day kept, every dated record moved', async () => {
    // Wednesday 2027-03-10 12:00 UTC; a program reset reads the fixtures against the clock as it stands
    const now = Date.UTC(2027, 2, 10, 12) / 1000;
    expect((await control().put('/_mock/clock', { frozen: true, now })).status).toBe(200);
    expect((await control().post('/_mock/programs/1/reset')).status).toBe(200);
    const shift = weeksShift(now);
    expect(rawNewest + shift).toBeLessThanOrEqual(now);
    expect(rawNewest + shift).toBeGreaterThan(now - WEEK);

    const txns = (await api().get('/v2/cards/transactions')).body.items;
    expect(listed(txns)).toEqual(program1Transactions(shift));
    for (const t of txns) {
      const raw = (rawFixtures.transactions as RawTxn[]).find((r) => r.transId === t.transId)!;
      expect(new Date(t.dateCreated).getUTCDay()).toBe(new Date(raw.createdAt * 1000).getUTCDay());
      expect(t.dateCreated.slice(11)).toBe(iso(raw.createdAt).slice(11));
    }
    const state = (await control().get('/_mock/state')).body;
    const byId = <T extends Record<string, any>>(items: T[], key: string) => new Map(items.filter((i) => i.programId === 1).map((i) => [i[key], i]));
    for (const [collection, key] of [['cardholders', 'cardholderId'], ['cards', 'cardId'], ['wallets', 'walletId'], ['transfers', 'transferId'], ['fees', 'feeId'], ['walletTransactions', 'walletTransactionId'], ['deposits', 'depositId']] as const) {
      const raws = byId(rawFixtures[collection], key);
      const placed = byId(state[collection], key);
      expect(placed.size, collection).toBe(raws.size);
      for (const [id, raw] of raws) {
        expect(placed.get(id)!.createdAt, `${collection} ${id}`).toBe(raw.createdAt + shift);
        if ('updatedAt' in raw) expect(placed.get(id)!.updatedAt, `${collection} ${id}`).toBe(raw.updatedAt + shift);
      }
    }
    for (const [id, raw] of byId(rawFixtures.deposits, 'depositId')) {
      const placed = byId(state.deposits, 'depositId').get(id)!;
      expect(placed.clearsAt).toBe(raw.clearsAt + shift);
      expect(placed.transactionDate).toBe(new Date(Date.parse(`${raw.transactionDate}T00:00:00Z`) + shift * 1000).toISOString().slice(0, 10));
    }
    // the cardholder window of a documented after/before query moves with the data
    const res = await api().get(`/v2/cardholders?after=${1764010800 + shift}&before=${1764021600 + shift}`);
    expect(res.body.items.map((c: { cardholderId: number }) => c.cardholderId)).toEqual([10004, 10005, 10006]);
  });

  it('a data file is seeded with the placed history at its first start; a restart reads the same dates back', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'axys-fixture-dates-'));
    const dataFile = path.join(dir, 'db.json');
    try {
      const before = Math.floor(Date.now() / 1000);
      const first = await startMock({ dataFile });
      const after = Math.floor(Date.now() / 1000);
      const seeded = listed((await apiClient(first).get('/v2/cards/transactions')).body.items);
      expect([program1Transactions(weeksShift(before)), program1Transactions(weeksShift(after))]).toContainEqual(seeded);
      await first.close();
      const again = await startMock({ dataFile });
      try {
        expect(listed((await apiClient(again).get('/v2/cards/transactions')).body.items)).toEqual(seeded);
      } finally {
        await again.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a fixtures file given by path is taken as it is, and so is an import', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'axys-fixture-dates-'));
    const file = path.join(dir, 'as-is.json');
    await writeFile(file, JSON.stringify(rawFixtures));
    const own = await startMock({ fixtures: file });
    try {
      const state = (await controlClient(own).get('/_mock/state')).body;
      expect(state).toMatchObject(rawFixtures);
      expect((await apiClient(own).get('/v2/cards/transactions')).body.total).toBe(0);
      expect((await controlClient(own).post('/_mock/reset')).status).toBe(200);
      expect((await controlClient(own).get('/_mock/state')).body).toMatchObject(rawFixtures);
    } finally {
      await own.close();
      await rm(dir, { recursive: true, force: true });
    }
    expect((await control().put('/_mock/state', rawFixtures)).status).toBe(200);
    expect((await control().get('/_mock/state')).body).toMatchObject(rawFixtures);
  });
});

describe('fixture dates: something still to come stays to come', () => {
  // a named set in fixtures/ whose deposit 50004 (to card 20007) has not cleared at the fixture's moment
  const name = `test-pending-${process.pid}`;
  const file = path.join(process.cwd(), 'fixtures', `${name}.json`);
  const raw = structuredClone(rawFixtures);
  const deposit = raw.deposits.find((d: { depositId: number }) => d.depositId === 50004);
  const card = raw.cards.find((c: { cardId: number }) => c.cardId === 20007);
  // Monday 19:50 after the fixture's newest record (a Friday): a business day
  deposit.clearsAt = rawNewest + 3 * DAY;
  deposit.cleared = false;
  card.availableBalance -= deposit.amount;
  // and an OTP listener subscribed at the fixture's moment, for 10 minutes
  const listener = { token: 'otp-fixture-dates', programId: 1, cardId: 20001, cardholderId: 10001, webhookUrl: null, createdAt: rawNewest, expiresAt: rawNewest + 600, code: null, codeExpiresAt: null, unsubscribed: false };
  raw.otpListeners = [listener];
  afterAll(() => rm(file, { force: true }));

  it('a pending deposit and a live OTP listener of a shipped set stay to come: after now, on their weekday and time; the deposit then credits the card', async () => {
    await writeFile(file, JSON.stringify(raw));
    // where the clearing lands: moved like the history, one week further when that would be past already
    const toCome = (t: number, now: number) => (t + weeksShift(now) > now ? t + weeksShift(now) : t + weeksShift(now) + WEEK);
    const expected = (now: number) => ({ clearsAt: toCome(deposit.clearsAt, now), expiresAt: toCome(listener.expiresAt, now), createdAt: listener.createdAt + weeksShift(now) });
    const { clearsAt, ...otp } = await resetPlaced(mock(), name, expected);
    await rm(file, { force: true });
    const now = (await control().get('/_mock/clock')).body.now;
    expect(clearsAt).toBeGreaterThan(now);
    expect(new Date(clearsAt * 1000).getUTCDay()).toBe(1);
    const pending = (await control().get('/_mock/clock/pending')).body.items;
    expect(pending).toContainEqual(expect.objectContaining({ kind: 'deposit.clears', depositId: 50004, dueAt: clearsAt }));
    // the listener is still live (expiring on its weekday and time of day after now), created with the history
    expect(otp.expiresAt).toBeGreaterThan(now);
    expect(pending).toContainEqual(expect.objectContaining({ kind: 'otp.listener_expires', token: listener.token, dueAt: otp.expiresAt }));
    expect((await control().get('/_mock/state')).body.otpListeners).toEqual([{ ...listener, createdAt: otp.createdAt, expiresAt: otp.expiresAt }]);
    const balance = async () => (await api().get('/v2/cards/20007/balance')).body;
    expect((await balance()).availableBalance).toBe(card.availableBalance);

    expect((await control().put('/_mock/clock', { frozen: true, now: clearsAt - 1 })).status).toBe(200);
    expect((await balance()).availableBalance).toBe(card.availableBalance);
    expect((await control().post('/_mock/clock/advance', { seconds: 1 })).status).toBe(200);
    expect((await balance()).availableBalance).toBe(card.availableBalance + deposit.amount);
  });
  it('on a frozen clock: a clearing the move would put in the past moves one week further, one still ahead does not', async () => {
    await writeFile(file, JSON.stringify(raw));
    const own = await startMock({ fixtures: name });
    try {
      // Tuesday and Saturday 12:00 UTC; the clearing is on a Monday 19:50, the newest record on a Friday 19:50
      for (const [now, extraWeek] of [[Date.UTC(2027, 2, 9, 12) / 1000, WEEK], [Date.UTC(2027, 2, 13, 12) / 1000, 0]] as const) {
        expect((await controlClient(own).put('/_mock/clock', { frozen: true, now })).status).toBe(200);
        expect((await controlClient(own).post('/_mock/programs/1/reset')).status).toBe(200);
        const state = (await controlClient(own).get('/_mock/state')).body;
        const placed = state.deposits.find((d: { depositId: number }) => d.depositId === 50004);
        expect(placed, new Date(now * 1000).toISOString()).toMatchObject({ cleared: false, clearsAt: deposit.clearsAt + weeksShift(now) + extraWeek });
        expect(placed.clearsAt).toBeGreaterThan(now);
        expect(placed.clearsAt).toBeLessThanOrEqual(now + WEEK);
        expect(state.otpListeners).toEqual([{ ...listener, createdAt: listener.createdAt + weeksShift(now), expiresAt: listener.expiresAt + weeksShift(now) + WEEK }]);
      }
    } finally {
      await own.close();
      await rm(file, { force: true });
    }
  });
});
