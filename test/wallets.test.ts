import { describe, expect, it } from 'vitest';
import { addBusinessDays } from '../src/domain/business-days.js';
import { cardMessages } from '../src/domain/cards.js';
import { messages } from '../src/http/errors.js';
import { apiClient, controlClient } from './helpers/client.js';
import { fixtureCard as C, fixtureWallet as W } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const DAY = 86_400;

describe('business days', () => {
  // 2026-11-20 is a Friday, 21 Saturday, 22 Sunday, 23 Monday (12:00 UTC)
  it.each([
    ['Friday', 7, Date.UTC(2026, 10, 20, 12) / 1000],
    ['Saturday', 6, Date.UTC(2026, 10, 21, 12) / 1000],
    ['Sunday', 5, Date.UTC(2026, 10, 22, 12) / 1000],
    ['Monday', 7, Date.UTC(2026, 10, 23, 12) / 1000],
    ['Wednesday', 7, Date.UTC(2026, 10, 25, 12) / 1000],
  ])('5 business days from a %s are %i calendar days', (_day, days, from) => {
    expect(addBusinessDays(from, 5)).toBe(from + days * DAY);
  });
});

describe('wallets', () => {
  const mock = useMock();
  const api = () => apiClient(mock());
  const control = () => controlClient(mock());
  const walletOf = async (id: number) => (await api().get(`/v2/wallets/${id}`)).body;
  const balanceOf = async (id: number) => (await api().get(`/v2/cards/${id}/balance`)).body;

  it('creates a wallet in the program currency with empty balances and reads it back', async () => {
    const res = await api().post('/v2/wallets', { name: 'Rewards pool' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', walletId: expect.any(Number) });
    expect(await walletOf(res.body.walletId)).toEqual({
      status: 'success',
      walletId: res.body.walletId,
      name: 'Rewards pool',
      currency: 0,
      ledgerBalance: 0,
      availableBalance: 0,
      createdAt: expect.any(Number),
    });
    const other = await apiClient(mock(), { programId: 3 }).post('/v2/wallets', { name: 'Harbor pool' });
    expect((await apiClient(mock(), { programId: 3 }).get(`/v2/wallets/${other.body.walletId}`)).body.currency).toBe(2);
  });

  it.each([
    ['an empty name', { name: '' }, 422],
    ['a name of 51 characters', { name: 'x'.repeat(51) }, 422],
    ['no name', {}, 400],
    ['an extra field', { name: 'a', currency: 1 }, 400],
  ])('refuses %s and creates nothing', async (_name, body, status) => {
    const before = mock().store.state.wallets.length;
    expect((await api().post('/v2/wallets', body)).status).toBe(status);
    expect(mock().store.state.wallets.length).toBe(before);
  });

  it('lists the program\'s own wallets, oldest first, with paging', async () => {
    const all = await api().get('/v2/wallets');
    expect(all.body).toMatchObject({ status: 'success', total: 3, limit: 50, offset: 0 });
    expect(all.body.items.map((w: { walletId: number }) => w.walletId)).toEqual([W.operating, W.payroll, W.empty]);
    expect(all.body.items[0]).toMatchObject({ name: 'Operating account', ledgerBalance: 1050000, availableBalance: 1050000 });
    const page = await api().get('/v2/wallets?limit=1&offset=1');
    expect(page.body.items).toEqual([all.body.items[1]]);
    expect((await apiClient(mock(), { programId: 3 }).get('/v2/wallets')).body.items.map((w: { walletId: number }) => w.walletId)).toEqual([W.otherProgram]);
    expect((await api().get('/v2/wallets?limit=200')).status).toBe(200);
    expect((await api().get('/v2/wallets?limit=201')).status).toBe(422);
    expect((await api().get('/v2/wallets?orderBy=name&sort=desc')).body.items.map((w: { name: string }) => w.name)).toEqual(['Payroll float', 'Operating account', 'Marketing budget']);
  });

  it('gives 404 for an unknown wallet and another program\'s wallet', async () => {
    for (const id of [999999, W.otherProgram]) {
      const res = await api().get(`/v2/wallets/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.message).toBe(messages.notFound('Wallet', id));
      expect((await api().post(`/v2/wallets/${id}/bank-deposit`, { transactionAmount: 100 })).status).toBe(404);
    }
  });

  it('raises a wallet\'s ledger balance at once and its available balance when the deposit clears (5 business days)', async () => {
    const res = await api().post(`/v2/wallets/${W.empty}/bank-deposit`, { transactionAmount: 500000, transactionReference: 'INV-77' });
    expect(res.status).toBe(200);
    const now = (await control().get('/_mock/clock')).body.now;
    expect(res.body).toMatchObject({ status: 'success', depositId: expect.any(Number), statusText: 'pending', ledgerBalance: 500000, availableBalance: 0 });
    const clearsAt = res.body.clearsAt as number;
    // the deposit was recorded at most a few seconds before `now`, 5 business days (Mon-Fri, UTC) before clearsAt
    const recordedAt = Array.from({ length: 6 }, (_, i) => now - i).filter((t) => addBusinessDays(t, 5) === clearsAt);
    expect(recordedAt).toHaveLength(1);

    await control().post('/_mock/clock/advance', { seconds: 4 * DAY });
    expect(await walletOf(W.empty)).toMatchObject({ ledgerBalance: 500000, availableBalance: 0 });
    await control().put('/_mock/clock', { now: clearsAt });
    expect(await walletOf(W.empty)).toMatchObject({ ledgerBalance: 500000, availableBalance: 500000 });

    const txns = (await api().get(`/v2/wallets/transactions?walletId=${W.empty}`)).body.items;
    expect(txns).toEqual([
      expect.objectContaining({ type: 'deposit', amount: 500000, counterpartyType: 'bank', counterpartyId: null, depositId: res.body.depositId, transferId: null, description: 'INV-77' }),
    ]);
  });

  it('clears deposits that became due when the clock moves, before any other call reads the balance', async () => {
    const res = await api().post(`/v2/wallets/${W.empty}/bank-deposit`, { transactionAmount: 100 });
    await control().put('/_mock/clock', { now: res.body.clearsAt });
    const stored = mock().store.state.wallets.find((w) => w.walletId === W.empty)!;
    expect(stored.availableBalance).toBe(100);
  });

  it('records a notification without an amount and credits nothing', async () => {
    const res = await api().post(`/v2/wallets/${W.payroll}/bank-deposit`, { transactionReference: 'wire expected' });
    expect(res.body).toMatchObject({ statusText: 'pending', ledgerBalance: 120000, availableBalance: 120000, clearsAt: null });
    expect((await api().get(`/v2/wallets/transactions?walletId=${W.payroll}`)).body.total).toBe(1);
  });

  it.each([
    ['a zero amount', { transactionAmount: 0 }, 422],
    ['a negative amount', { transactionAmount: -5 }, 422],
    ['a decimal amount', { transactionAmount: 10.5 }, 400],
    ['a string amount', { transactionAmount: '100' }, 400],
    ['a reference of 51 characters', { transactionAmount: 1, transactionReference: 'r'.repeat(51) }, 422],
    ['a bad date', { transactionAmount: 1, transactionDate: '26-01-01' }, 422],
  ])('refuses %s and credits nothing', async (_name, body, status) => {
    expect((await api().post(`/v2/wallets/${W.empty}/bank-deposit`, body)).status).toBe(status);
    expect(await walletOf(W.empty)).toMatchObject({ ledgerBalance: 0, availableBalance: 0 });
  });

  it('funds a card by bank deposit the same way, including a Not Activated physical card', async () => {
    for (const id of [C.active, C.notActivated, C.onHold]) {
      const before = await balanceOf(id);
      const res = await api().post(`/v2/cards/${id}/bank-deposit`, { transactionAmount: 7500 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ledgerBalance: before.ledgerBalance + 7500, availableBalance: before.availableBalance });
      await control().put('/_mock/clock', { now: res.body.clearsAt });
      expect(await balanceOf(id)).toMatchObject({ ledgerBalance: before.ledgerBalance + 7500, availableBalance: before.availableBalance + 7500 });
    }
    // a card deposit is no wallet movement
    expect((await api().get(`/v2/wallets/transactions?cardId=${C.notActivated}`)).body.total).toBe(0);
  });

  it.each([
    ['Closed', C.closed],
    ['Pending', C.pending],
    ['issuance declined', C.declined],
  ])('refuses a deposit to a %s card with 409 and credits nothing', async (_name, id) => {
    const res = await api().post(`/v2/cards/${id}/bank-deposit`, { transactionAmount: 100 });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(cardMessages.notFundable(mock().store.state.cards.find((c) => c.cardId === id)!));
    expect(await balanceOf(id)).toMatchObject({ ledgerBalance: 0, availableBalance: 0 });
  });

  it('acknowledges the deprecated wallet blockchain trace without any effect', async () => {
    expect((await api().post(`/v2/wallets/${W.empty}/deposit`, { transactionHash: '0xabc', network: 'Ethereum' })).body).toEqual({ status: 'success' });
    expect(await walletOf(W.empty)).toMatchObject({ ledgerBalance: 0 });
  });
});

describe('staging deposit simulations', () => {
  const mock = useMock();
  const api = () => apiClient(mock());

  it('credits an exact decimal amount to a card or a wallet, pending clearing', async () => {
    const card = await api().post(`/v2/staging/cards/${C.activeSecond}/deposit`, { amount: '12.34' });
    expect(card.body).toMatchObject({ status: 'success', ledgerBalance: 50000 + 1234, availableBalance: 50000, clearsAt: expect.any(Number) });
    const wallet = await api().post(`/v2/staging/wallets/${W.empty}/deposit`, { amount: '5' });
    expect(wallet.body).toMatchObject({ ledgerBalance: 500, availableBalance: 0 });
  });

  it.each([
    ['"0.00"', { amount: '0.00' }, 422],
    ['three decimals', { amount: '1.001' }, 422],
    ['a number', { amount: 10 }, 400],
    ['no amount', {}, 400],
  ])('refuses %s', async (_name, body, status) => {
    expect((await api().post(`/v2/staging/wallets/${W.empty}/deposit`, body)).status).toBe(status);
    expect(mock().store.state.wallets.find((w) => w.walletId === W.empty)!.ledgerBalance).toBe(0);
  });

  it('is 404 with production credentials and for another program\'s card', async () => {
    const prod = apiClient(mock(), { programId: 2 });
    for (const path of [`/v2/staging/cards/${C.active}/deposit`, `/v2/staging/wallets/${W.operating}/deposit`]) {
      const res = await prod.post(path, { amount: '1.00' });
      expect(res.status).toBe(404);
      expect(res.body.message).toBe(messages.stagingOnly);
    }
    expect((await api().post(`/v2/staging/cards/${C.otherProgram}/deposit`, { amount: '1.00' })).status).toBe(404);
  });
});

describe('a configured clearing time', () => {
  const mock = useMock({ depositClearingSeconds: 3600 });
  const api = () => apiClient(mock());

  it('clears after DEPOSIT_CLEARING_SECONDS on the mock\'s clock', async () => {
    const res = await api().post(`/v2/wallets/${W.empty}/bank-deposit`, { transactionAmount: 900 });
    const now = (await controlClient(mock()).post('/_mock/clock/advance', { seconds: 3500 })).body.now;
    expect(res.body.clearsAt).toBeGreaterThan(now);
    expect((await api().get(`/v2/wallets/${W.empty}`)).body.availableBalance).toBe(0);
    await controlClient(mock()).put('/_mock/clock', { now: res.body.clearsAt });
    expect((await api().get(`/v2/wallets/${W.empty}`)).body.availableBalance).toBe(900);
  });
});

describe('an immediate clearing time', () => {
  const mock = useMock({ depositClearingSeconds: 0 });

  it('credits both balances at once and reports nothing left to clear', async () => {
    const res = await apiClient(mock()).post(`/v2/wallets/${W.empty}/bank-deposit`, { transactionAmount: 900 });
    expect(res.body).toMatchObject({ ledgerBalance: 900, availableBalance: 900, clearsAt: null });
  });
});
