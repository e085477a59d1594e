import { beforeEach, describe, expect, it } from 'vitest';
import { declineReasons } from '../src/domain/transactions.js';
import { messages } from '../src/http/errors.js';
import { apiClient } from './helpers/client.js';
import { fixtureCard as C, fixtureCardholder as F, fixtureWallet as W } from './helpers/data.js';
import { resetPlaced } from './helpers/fixture-dates.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const api = () => apiClient(mock());

const DAY = 86_400;
/** how far (whole weeks) the reset before each test moved the fixture history towards now */
let shift = 0;
beforeEach(async () => {
  shift = await resetPlaced(mock());
});
/** the fixture history: spends from S on, transfers on X (fixtures/default.json's dates, moved by `shift`) */
const S = () => 1765309600 + shift;
const X = () => 1765223200 + shift;

const ids = (items: Array<{ transId?: string | number | null; walletTransactionId?: number }>) => items.map((t) => t.walletTransactionId ?? t.transId);
const balanceOf = async (id: number) => (await api().get(`/v2/cards/${id}/balance`)).body;

describe('card transactions', () => {
  it('lists the program\'s card transactions newest first, amounts as decimal strings, statuses as integers', async () => {
    const res = await api().get(`/v2/cards/transactions`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'success', total: 9, limit: 50, offset: 0 });
    expect(ids(res.body.items)).toEqual(['txn_900010', 'txn_900009', 'txn_900007', 'txn_900004', 'txn_900006', 'txn_900005', 'txn_900003', 'txn_900002', 'txn_900001']);
    expect(res.body.items.at(-1)).toEqual({
      cardId: C.active,
      cardholderId: F.approved,
      transId: 'txn_900001',
      authRefNum: '000000900001',
      amount: '120.00',
      currency: 0,
      description: 'Purchase at Blue Bottle Coffee',
      merchantName: 'Blue Bottle Coffee',
      merchantAmount: '120.00',
      merchantCurrency: 'USD',
      status: 3,
      type: 1,
      authorizedAmount: '120.00',
      declineReason: null,
      dateCreated: new Date(S() * 1000).toISOString(),
    });
    // the fixtures hold a transaction in every documented status: 1 Pending .. 5 Error
    expect(new Set(res.body.items.map((t: { status: number }) => t.status))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it.each([
    ['cardId', `cardId=${C.active}`, ['txn_900010', 'txn_900004', 'txn_900003', 'txn_900002', 'txn_900001']],
    ['cardholderId', `cardholderId=${F.approved}`, ['txn_900010', 'txn_900004', 'txn_900006', 'txn_900005', 'txn_900003', 'txn_900002', 'txn_900001']],
    ['after (inclusive) and before (exclusive)', () => `after=${S() + DAY}&before=${S() + 2 * DAY}`, ['txn_900006', 'txn_900005', 'txn_900003']],
    ['a card and a time window', () => `cardId=${C.active}&after=${S() + 3600}&before=${S() + 3 * DAY}`, ['txn_900004', 'txn_900003', 'txn_900002']],
    ['paging', `limit=3&offset=3`, ['txn_900004', 'txn_900006', 'txn_900005']],
    ['an unknown card (an empty page, not 404)', `cardId=999999`, []],
    ['another program\'s card', `cardId=${C.otherProgram}`, []],
  ])('filters by %s', async (_name, query: string | (() => string), expected) => {
    const res = await api().get(`/v2/cards/transactions?${typeof query === 'function' ? query() : query}`);
    expect(res.status).toBe(200);
    expect(ids(res.body.items)).toEqual(expected);
  });

  it('keeps programs apart', async () => {
    const res = await apiClient(mock(), { programId: 3 }).get(`/v2/cards/transactions`);
    expect(ids(res.body.items)).toEqual(['txn_900008']);
    expect(res.body.items[0]).toMatchObject({ currency: 2, merchantCurrency: 'GBP' });
  });

  it.each([
    ['limit=0', 422],
    ['limit=201', 422],
    ['before=-1', 422],
    ['after=yesterday', 400],
    ['cardId=0', 422],
    ['walletId=1', 400],
  ])('refuses %s with %i', async (query, status) => {
    expect((await api().get(`/v2/cards/transactions?${query}`)).status).toBe(status);
  });
});

describe('fees', () => {
  it('lists fees newest first, each linked to a transaction of the same card by authRefNum', async () => {
    const fees = (await api().get(`/v2/cards/fees`)).body;
    expect(fees).toMatchObject({ status: 'success', total: 2 });
    expect(fees.items).toEqual([
      { cardId: C.activatedPhysical, cardholderId: F.approved, authRefNum: '000000900006', feeType: 'atm', amount: '3.00', merchantAmount: '100.00', dateCreated: new Date((S() + DAY + 9000) * 1000).toISOString() },
      { cardId: C.active, cardholderId: F.approved, authRefNum: '000000900002', feeType: 'fx', amount: '1.60', merchantAmount: '80.00', dateCreated: new Date((S() + 3600) * 1000).toISOString() },
    ]);
    const txns = (await api().get(`/v2/cards/transactions`)).body.items;
    for (const fee of fees.items) {
      expect(txns.filter((t: { authRefNum: string; cardId: number }) => t.authRefNum === fee.authRefNum && t.cardId === fee.cardId)).toHaveLength(1);
    }
  });

  it('filters fees like transactions', async () => {
    expect((await api().get(`/v2/cards/fees?cardId=${C.active}`)).body.items.map((f: { feeType: string }) => f.feeType)).toEqual(['fx']);
    expect((await api().get(`/v2/cards/fees?before=${S() + 3600}`)).body.total).toBe(0);
    expect((await api().get(`/v2/cards/fees?after=${S() + 3600}&limit=1`)).body).toMatchObject({ total: 2, limit: 1, items: [expect.objectContaining({ feeType: 'atm' })] });
    expect((await api().get(`/v2/cards/fees?cardholderId=${F.draft}`)).body.total).toBe(0);
    expect((await apiClient(mock(), { programId: 3 }).get(`/v2/cards/fees`)).body.total).toBe(0);
  });
});

describe('wallet transactions', () => {
  it('lists deposits and transfers newest first, amounts in minor units', async () => {
    const res = await api().get('/v2/wallets/transactions');
    expect(ids(res.body.items)).toEqual([8, 7, 6, 5, 4, 2, 1]);
    expect(res.body.items.at(-1)).toEqual({
      walletTransactionId: 1,
      walletId: W.operating,
      type: 'deposit',
      amount: 1000000,
      counterpartyType: 'bank',
      counterpartyId: null,
      description: 'INV-2025-1101',
      transferId: null,
      transId: null,
      depositId: 50001,
      dateCreated: expect.any(String),
    });
  });

  it.each([
    ['walletId', `walletId=${W.operating}`, [8, 7, 6, 4, 2, 1]],
    ['walletId of the receiving wallet', `walletId=${W.payroll}`, [5]],
    ['cardId (transfers to that card)', `cardId=${C.onHold}`, [7]],
    ['cardholderId (transfers to that cardholder\'s cards)', `cardholderId=${F.approved}`, [8, 6]],
    ['after (inclusive)', () => `after=${X()}`, [8, 7, 6, 5, 4]],
    ['before (exclusive)', () => `before=${X()}`, [2, 1]],
    ['paging', 'limit=2&offset=1', [7, 6]],
  ])('filters by %s', async (_name, query: string | (() => string), expected) => {
    expect(ids((await api().get(`/v2/wallets/transactions?${typeof query === 'function' ? query() : query}`)).body.items)).toEqual(expected);
  });

  it('keeps programs apart', async () => {
    expect(ids((await apiClient(mock(), { programId: 3 }).get('/v2/wallets/transactions')).body.items)).toEqual([9, 3]);
  });
});

describe('staging card spend', () => {
  const spend = (cardId: number, body: Record<string, unknown>, client = api()) => client.post(`/v2/staging/cards/${cardId}/spend`, body);

  it('authorizes a spend an Active card covers: held against available, ledger unchanged, newest in the list', async () => {
    const res = await spend(C.activeSecond, { amount: '12.50', merchantName: 'Corner Shop' });
    expect(res.status).toBe(200);
    expect(res.body.transaction).toMatchObject({
      cardId: C.activeSecond,
      cardholderId: 10011,
      amount: '12.50',
      merchantName: 'Corner Shop',
      merchantAmount: '12.50',
      merchantCurrency: 'USD',
      status: 1,
      type: 1,
      declineReason: null,
    });
    expect(await balanceOf(C.activeSecond)).toMatchObject({ ledgerBalance: 50000, availableBalance: 48750 });
    const list = (await api().get('/v2/cards/transactions?limit=1')).body.items;
    expect(list).toEqual([res.body.transaction]);
    expect((await api().get(`/v2/cards/fees`)).body.total).toBe(2);
  });

  it('charges an fx fee on a foreign-currency spend, linked by authRefNum and held with the amount', async () => {
    const res = await spend(C.activeSecond, { amount: '100.00', merchantCurrency: 'EUR' });
    expect(res.body.transaction.status).toBe(1);
    const fees = (await api().get(`/v2/cards/fees?cardId=${C.activeSecond}`)).body.items;
    expect(fees).toEqual([expect.objectContaining({ authRefNum: res.body.transaction.authRefNum, feeType: 'fx', amount: '2.00', merchantAmount: '100.00' })]);
    expect(await balanceOf(C.activeSecond)).toMatchObject({ ledgerBalance: 50000, availableBalance: 50000 - 10000 - 200 });
  });

  it.each([
    ['On Hold', C.onHold, { amount: '1.00' }, declineReasons.notActive(2)],
    ['Not Activated', C.notActivated, { amount: '1.00' }, declineReasons.notActive(4)],
    ['Closed', C.closed, { amount: '1.00' }, declineReasons.notActive(3)],
    ['with a pending issuance', C.pending, { amount: '1.00' }, declineReasons.notIssued],
    ['short of funds', C.activeSecond, { amount: '500.01' }, declineReasons.insufficientFunds],
    ['short of funds once the fx fee is added', C.activeSecond, { amount: '500.00', merchantCurrency: 'EUR' }, declineReasons.insufficientFunds],
    ['above its limit', C.active, { amount: '2500.01' }, declineReasons.overLimit(250000)],
  ])('records a declined transaction for a card %s and moves no money', async (_name, cardId, body, reason) => {
    const before = await balanceOf(cardId);
    const fees = (await api().get(`/v2/cards/fees`)).body.total;
    const res = await spend(cardId, body);
    expect(res.status).toBe(200);
    expect(res.body.transaction).toMatchObject({ cardId, status: 4, declineReason: reason });
    expect(await balanceOf(cardId)).toEqual(before);
    expect((await api().get(`/v2/cards/fees`)).body.total).toBe(fees);
    expect((await api().get(`/v2/cards/transactions?cardId=${cardId}&limit=1`)).body.items[0].transId).toBe(res.body.transaction.transId);
  });

  it('spends the whole available balance, then declines the next cent', async () => {
    expect((await spend(C.activeSecond, { amount: '500.00' })).body.transaction.status).toBe(1);
    expect((await spend(C.activeSecond, { amount: '0.01' })).body.transaction.status).toBe(4);
    expect(await balanceOf(C.activeSecond)).toMatchObject({ ledgerBalance: 50000, availableBalance: 0 });
  });

  it.each([
    ['"0.00"', { amount: '0.00' }, 422],
    ['a negative amount', { amount: '-1.00' }, 422],
    ['a lowercase currency', { amount: '1.00', merchantCurrency: 'eur' }, 422],
    ['a numeric amount', { amount: 1 }, 400],
  ])('refuses %s and records nothing', async (_name, body, status) => {
    const before = mock().store.state.transactions.length;
    expect((await spend(C.activeSecond, body)).status).toBe(status);
    expect(mock().store.state.transactions.length).toBe(before);
  });

  it('answers 404 for an unknown or another program\'s card, and in production', async () => {
    expect((await spend(999999, { amount: '1.00' })).status).toBe(404);
    expect((await spend(C.otherProgram, { amount: '1.00' })).status).toBe(404);
    const prod = await spend(C.active, { amount: '1.00' }, apiClient(mock(), { programId: 2 }));
    expect(prod.status).toBe(404);
    expect(prod.body.message).toBe(messages.stagingOnly);
  });
});
