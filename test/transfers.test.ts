import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cardMessages } from '../src/domain/cards.js';
import { ledgerMessages } from '../src/domain/ledger.js';
import { messages } from '../src/http/errors.js';
import { startMock, type RunningMock } from '../src/mock.js';
import { apiClient, controlClient, type ApiClient } from './helpers/client.js';
import { cardholderBody, fixtureCard as C, fixtureWallet as W } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const api = () => apiClient(mock());

const transfer = (body: Record<string, unknown>, client: ApiClient = api()) => client.post('/v2/wallets/transfer', body);
const walletOf = async (id: number, client: ApiClient = api()) => (await client.get(`/v2/wallets/${id}`)).body;
const cardBalance = async (id: number, client: ApiClient = api()) => (await client.get(`/v2/cards/${id}/balance`)).body;

/** Every movement of a wallet, all pages. */
async function allWalletTransactions(client: ApiClient, walletId: number) {
  const items: Array<{ type: string; transferId: number | null; amount: number }> = [];
  for (let offset = 0; ; offset += 100) {
    const page = (await client.get(`/v2/wallets/transactions?walletId=${walletId}&limit=100&offset=${offset}`)).body;
    items.push(...page.items);
    if (items.length >= page.total) return items;
  }
}

/** Money held by the program: every wallet and card ledger balance. */
const totalMoney = (programId: number) =>
  [...mock().store.state.wallets, ...mock().store.state.cards].filter((a) => a.programId === programId).reduce((sum, a) => sum + a.ledgerBalance, 0);

describe('transfers', () => {
  it('moves money wallet -> wallet: both balances at once, a transfer_out and a transfer_in', async () => {
    const res = await transfer({ sourceWalletId: W.operating, destinationType: 0, destinationId: W.empty, amount: 12345, description: 'Q4 budget' });
    expect(res.status).toBe(200);
    // the documented { transId, transStatus } (docs/guide-transfer-funds), plus the transfer itself
    expect(res.body).toEqual({
      status: 'success',
      transId: res.body.transferId,
      transStatus: 1,
      transferId: expect.any(Number),
      sourceWalletId: W.operating,
      destinationType: 0,
      destinationId: W.empty,
      amount: 12345,
      createdAt: expect.any(Number),
    });
    expect(await walletOf(W.operating)).toMatchObject({ ledgerBalance: 1050000 - 12345, availableBalance: 1050000 - 12345 });
    expect(await walletOf(W.empty)).toMatchObject({ ledgerBalance: 12345, availableBalance: 12345 });
    const moves = (await api().get(`/v2/wallets/transactions?after=${res.body.createdAt}`)).body.items;
    expect(moves).toEqual([
      expect.objectContaining({ walletId: W.empty, type: 'transfer_in', amount: 12345, counterpartyType: 'wallet', counterpartyId: W.operating, transId: res.body.transId, description: 'Q4 budget' }),
      expect.objectContaining({ walletId: W.operating, type: 'transfer_out', amount: 12345, counterpartyType: 'wallet', counterpartyId: W.empty, transferId: res.body.transferId }),
    ]);
  });

  it('moves money wallet -> card, including a Not Activated or On Hold card, with no card transaction', async () => {
    const cardTxnsBefore = (await api().get('/v2/cards/transactions')).body.total;
    for (const id of [C.active, C.notActivated, C.onHold]) {
      const before = await cardBalance(id);
      const res = await transfer({ sourceWalletId: W.payroll, destinationType: 1, destinationId: id, amount: 1000 });
      expect(res.status).toBe(200);
      expect(await cardBalance(id)).toMatchObject({ ledgerBalance: before.ledgerBalance + 1000, availableBalance: before.availableBalance + 1000 });
      const moves = (await api().get(`/v2/wallets/transactions?cardId=${id}&after=${res.body.createdAt}`)).body.items;
      expect(moves).toEqual([expect.objectContaining({ walletId: W.payroll, type: 'transfer_out', counterpartyType: 'card', counterpartyId: id, transferId: res.body.transferId })]);
    }
    expect(await walletOf(W.payroll)).toMatchObject({ ledgerBalance: 117000, availableBalance: 117000 });
    expect((await api().get('/v2/cards/transactions')).body.total).toBe(cardTxnsBefore);
  });

  it('refuses more than the available balance with 422: both balances unchanged, nothing recorded', async () => {
    const total = totalMoney(1);
    const transfers = mock().store.state.transfers.length;
    for (const [destinationType, destinationId] of [[0, W.empty], [1, C.active]] as const) {
      const res = await transfer({ sourceWalletId: W.payroll, destinationType, destinationId, amount: 120001 });
      expect(res.status).toBe(422);
      expect(res.body.message).toBe(ledgerMessages.insufficientFunds({ walletId: W.payroll, availableBalance: 120000 } as never, 120001));
      expect(res.body.errors).toEqual([{ field: 'amount', message: 'must be at most 120000' }]);
    }
    expect(await walletOf(W.payroll)).toMatchObject({ ledgerBalance: 120000, availableBalance: 120000 });
    expect(await walletOf(W.empty)).toMatchObject({ ledgerBalance: 0, availableBalance: 0 });
    expect(await cardBalance(C.active)).toMatchObject({ ledgerBalance: 229840, availableBalance: 225340 });
    expect(mock().store.state.transfers.length).toBe(transfers);
    expect(totalMoney(1)).toBe(total);
    // the whole available balance can go
    expect((await transfer({ sourceWalletId: W.payroll, destinationType: 0, destinationId: W.empty, amount: 120000 })).status).toBe(200);
    expect(await walletOf(W.payroll)).toMatchObject({ ledgerBalance: 0, availableBalance: 0 });
  });

  it('counts only the available balance: a deposit that has not cleared cannot be transferred', async () => {
    await api().post(`/v2/wallets/${W.empty}/bank-deposit`, { transactionAmount: 5000 });
    const res = await transfer({ sourceWalletId: W.empty, destinationType: 0, destinationId: W.payroll, amount: 1 });
    expect(res.status).toBe(422);
    expect(await walletOf(W.empty)).toMatchObject({ ledgerBalance: 5000, availableBalance: 0 });
    expect(await walletOf(W.payroll)).toMatchObject({ ledgerBalance: 120000, availableBalance: 120000 });
  });

  it.each([
    ['a zero amount', { amount: 0 }, 422, messages.constraint],
    ['a negative amount', { amount: -100 }, 422, messages.constraint],
    ['source equal to destination', { destinationId: W.operating }, 422, ledgerMessages.sameAccount(W.operating)],
    ['destinationType 2', { destinationType: 2 }, 422, messages.constraint],
    ['a fractional amount', { amount: 10.5 }, 400, messages.validation],
    ['a string amount', { amount: '100' }, 400, messages.validation],
    ['no amount', { amount: undefined }, 400, messages.validation],
    ['an unknown field', { fee: 1 }, 400, messages.validation],
    ['an unknown destination wallet', { destinationId: 999999 }, 404, messages.notFound('Wallet', 999999)],
    ['another program\'s destination wallet', { destinationId: W.otherProgram }, 404, messages.notFound('Wallet', W.otherProgram)],
    ['an unknown source wallet', { sourceWalletId: 999999 }, 404, messages.notFound('Wallet', 999999)],
    ['another program\'s source wallet', { sourceWalletId: W.otherProgram }, 404, messages.notFound('Wallet', W.otherProgram)],
    ['an unknown card', { destinationType: 1, destinationId: 999999 }, 404, messages.notFound('Card', 999999)],
    ['another program\'s card', { destinationType: 1, destinationId: C.otherProgram }, 404, messages.notFound('Card', C.otherProgram)],
  ])('refuses %s and moves nothing', async (_name, change, status, message) => {
    const total = totalMoney(1);
    const before = JSON.stringify([mock().store.state.wallets, mock().store.state.cards, mock().store.state.walletTransactions]);
    const res = await transfer({ sourceWalletId: W.operating, destinationType: 0, destinationId: W.payroll, amount: 100, ...change });
    expect(res.status).toBe(status);
    expect(res.body.message).toBe(message);
    expect(JSON.stringify([mock().store.state.wallets, mock().store.state.cards, mock().store.state.walletTransactions])).toBe(before);
    expect(totalMoney(1)).toBe(total);
  });

  it.each([
    ['Closed', C.closed],
    ['Pending', C.pending],
    ['issuance declined', C.declined],
  ])('refuses a transfer to a %s card with 409 and moves nothing', async (_name, id) => {
    const res = await transfer({ sourceWalletId: W.operating, destinationType: 1, destinationId: id, amount: 100 });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(cardMessages.notFundable(mock().store.state.cards.find((c) => c.cardId === id)!));
    expect(await walletOf(W.operating)).toMatchObject({ ledgerBalance: 1050000, availableBalance: 1050000 });
    expect(await cardBalance(id)).toMatchObject({ ledgerBalance: 0, availableBalance: 0 });
  });

  it('never moves money from a card: a card id as source is just an unknown wallet', async () => {
    const res = await transfer({ sourceWalletId: C.active, destinationType: 0, destinationId: W.empty, amount: 1 });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(messages.notFound('Wallet', C.active));
  });
});

describe('200 transfers in parallel from one wallet that covers only some of them, against the file store', () => {
  // the file store awaits the disk between requests (the in-memory one never yields inside a write), so
  // parallel requests over several keep-alive sockets really interleave; a restart then shows what was stored
  it('never goes negative, keeps the total, stores exactly one transfer per 200, and a restart shows the same', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'axys-transfers-'));
    const dataFile = path.join(dir, 'db.json');
    let running: RunningMock = await startMock({ dataFile });
    const totalOf = (programId: number) =>
      [...running.store.state.wallets, ...running.store.state.cards].filter((a) => a.programId === programId).reduce((sum, a) => sum + a.ledgerBalance, 0);
    let agent: https.Agent | undefined;
    try {
      // a program of its own with a generous rate limit, so the gateway's limits do not shape the result
      const control = controlClient(running);
      const onboarded = await control.post('/_mock/programs', {
        tenantName: 'Concurrency Ltd',
        programName: 'Parallel Card',
        environment: 'staging',
        allowlist: ['127.0.0.1/32'],
        domains: ['parallel.concurrency.test'],
        rateLimit: { requestsPerSecond: 100000, burst: 100000 },
      });
      expect(onboarded.status).toBe(201);
      const { programId, apiKey, certificate } = onboarded.body;
      agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: running.certs.ca.certPem, cert: certificate.certPem, key: certificate.keyPem });
      const client = apiClient(running, { cert: certificate, apiKey, agent });
      const cardholderId = (await client.post('/v2/cardholders', cardholderBody())).body.cardholderId;
      await client.put(`/v2/cardholders/${cardholderId}/kyc-submit`);
      expect((await client.post('/v2/staging/kyc/validate', { cardholderId, result: 'pass' })).status).toBe(200);
      const cardId = (await client.post(`/v2/cards/virtual/${cardholderId}`, { nameOnCard: 'PARALLEL' })).body.cardId;
      const source = (await client.post('/v2/wallets', { name: 'source' })).body.walletId;
      const target = (await client.post('/v2/wallets', { name: 'target' })).body.walletId;
      const funded = 50_000;
      const deposit = await client.post(`/v2/wallets/${source}/bank-deposit`, { transactionAmount: funded });
      await control.put('/_mock/clock', { now: deposit.body.clearsAt });
      expect(await walletOf(source, client)).toMatchObject({ availableBalance: funded });

      // 200 transfers of 1000..1600 (about 260,000 in all) to a wallet and a card, with balance reads in between
      const amounts = Array.from({ length: 200 }, (_, i) => 1000 + (i % 7) * 100);
      const reads: Array<Promise<{ ledgerBalance: number; availableBalance: number }>> = [];
      const results = await Promise.all(
        amounts.map((amount, i) => {
          if (i % 5 === 0) reads.push(walletOf(source, client));
          const to = i % 2 === 0 ? { destinationType: 0, destinationId: target } : { destinationType: 1, destinationId: cardId };
          return transfer({ sourceWalletId: source, amount, ...to }, client).then((res) => ({ res, amount }));
        }),
      );
      for (const seen of await Promise.all(reads)) {
        expect(seen.availableBalance).toBeGreaterThanOrEqual(0);
        expect(seen.ledgerBalance).toBeGreaterThanOrEqual(seen.availableBalance);
      }

      const ok = results.filter((r) => r.res.status === 200);
      const refused = results.filter((r) => r.res.status === 422);
      expect(ok.length + refused.length).toBe(200);
      expect(ok.length).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);
      const moved = ok.reduce((sum, r) => sum + r.amount, 0);
      const returnedIds = ok.map((r) => r.res.body.transferId as number).sort((a, b) => a - b);
      expect(new Set(returnedIds).size).toBe(ok.length);

      const check = async (c: ApiClient) => {
        const after = await walletOf(source, c);
        expect(after).toMatchObject({ ledgerBalance: funded - moved, availableBalance: funded - moved });
        // each refusal saw less than its amount, and the balance only went down after that
        for (const r of refused) expect(after.availableBalance).toBeLessThan(r.amount);
        const targetWallet = await walletOf(target, c);
        const card = await cardBalance(cardId, c);
        expect(after.ledgerBalance + targetWallet.ledgerBalance + card.ledgerBalance).toBe(funded);
        expect(after.availableBalance + targetWallet.availableBalance + card.availableBalance).toBe(funded);
        expect(totalOf(programId)).toBe(funded);
        // every 200 is exactly one stored transfer, and nothing else was stored
        const outgoing = (await allWalletTransactions(c, source)).filter((t) => t.type === 'transfer_out');
        expect(outgoing.map((t) => t.transferId!).sort((a, b) => a - b)).toEqual(returnedIds);
        const stored = running.store.state.transfers.filter((t) => t.programId === programId);
        expect(stored.map((t) => t.transferId).sort((a, b) => a - b)).toEqual(returnedIds);
        for (const r of ok) expect(stored.find((t) => t.transferId === r.res.body.transferId)!.amount).toBe(r.amount);
      };
      await check(client);

      agent.destroy();
      await running.close();
      running = await startMock({ dataFile });
      agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: running.certs.ca.certPem, cert: certificate.certPem, key: certificate.keyPem });
      await check(apiClient(running, { cert: certificate, apiKey, agent }));
    } finally {
      agent?.destroy();
      await running.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
