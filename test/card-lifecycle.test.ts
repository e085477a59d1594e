import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REVERSED_REASON } from '../src/domain/card-lifecycle.js';
import { apiClient, controlClient, type ApiClient } from './helpers/client.js';
import { fixtureCard as C, fixtureCardholder as F, fixtureWallet as W } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

/**
 * The card-transaction lifecycle (contract 8.3) driven by the staging simulations over mTLS:
 * 1 Pending (held) -> 2 Cleared -> 3 Completion (ledger moves), 4 reversal, 5 Error, refunds.
 */
const mock = useMock();
const api = () => apiClient(mock());

const balance = async (cardId: number, client: ApiClient = api()) => {
  const { ledgerBalance, availableBalance } = (await client.get(`/v2/cards/${cardId}/balance`)).body;
  return { ledgerBalance: ledgerBalance as number, availableBalance: availableBalance as number };
};
const spend = (cardId: number, body: Record<string, unknown>) => api().post(`/v2/staging/cards/${cardId}/spend`, body);
const step = (transId: string, name: string, body?: unknown) => api().post(`/v2/staging/transactions/${transId}/${name}`, body);

describe('the card-transaction lifecycle', () => {
  it('authorizes (1, held), clears at another amount (2), completes (3): the ledger moves only at completion', async () => {
    const start = await balance(C.activeSecond); // 50000 / 50000
    const t = (await spend(C.activeSecond, { amount: '40.00', merchantName: 'Hotel Aurora' })).body.transaction;
    expect(t).toMatchObject({ status: 1, type: 1, amount: '40.00', authorizedAmount: '40.00' });
    expect(await balance(C.activeSecond)).toEqual({ ledgerBalance: start.ledgerBalance, availableBalance: start.availableBalance - 4000 });

    const cleared = await step(t.transId, 'clear', { amount: '46.50' });
    expect(cleared.status).toBe(200);
    expect(cleared.body.transaction).toMatchObject({ transId: t.transId, status: 2, amount: '46.50', authorizedAmount: '40.00' });
    expect(await balance(C.activeSecond)).toEqual({ ledgerBalance: start.ledgerBalance, availableBalance: start.availableBalance - 4650 });

    const completed = await step(t.transId, 'complete');
    expect(completed.body.transaction).toMatchObject({ status: 3, amount: '46.50' });
    expect(await balance(C.activeSecond)).toEqual({ ledgerBalance: start.ledgerBalance - 4650, availableBalance: start.availableBalance - 4650 });
    const listed = (await api().get(`/v2/cards/transactions?transId=${t.transId}`)).body.items;
    expect(listed).toEqual([completed.body.transaction]);
  });

  it('a reversal releases the hold and cancels the fx fee (status 4, reason "reversed")', async () => {
    const start = await balance(C.activeSecond);
    const t = (await spend(C.activeSecond, { amount: '100.00', merchantCurrency: 'EUR' })).body.transaction;
    expect(await balance(C.activeSecond)).toEqual({ ledgerBalance: start.ledgerBalance, availableBalance: start.availableBalance - 10200 });
    const reversed = await step(t.transId, 'reverse');
    expect(reversed.body.transaction).toMatchObject({ status: 4, declineReason: REVERSED_REASON });
    expect(await balance(C.activeSecond)).toEqual(start);
    const fees = (await api().get(`/v2/cards/fees?cardId=${C.activeSecond}`)).body.items;
    expect(fees.map((f: { authRefNum: string; amount: string }) => [f.authRefNum, f.amount])).toEqual([
      [t.authRefNum, '-2.00'],
      [t.authRefNum, '2.00'],
    ]);
  });

  it('an error (5) releases the hold with the given reason', async () => {
    const start = await balance(C.activeSecond);
    const t = (await spend(C.activeSecond, { amount: '10.00' })).body.transaction;
    await step(t.transId, 'clear');
    const failed = await step(t.transId, 'error', { reason: 'network timeout' });
    expect(failed.body.transaction).toMatchObject({ status: 5, declineReason: 'network timeout' });
    expect(await balance(C.activeSecond)).toEqual(start);
  });

  it('an ATM withdrawal (type 2) pays the ATM fee at completion; a refund (type 3) credits the card at once', async () => {
    const start = await balance(C.activeSecond);
    const atm = (await spend(C.activeSecond, { amount: '60.00', type: 2 })).body.transaction;
    expect(atm).toMatchObject({ type: 2, status: 1 });
    await step(atm.transId, 'complete');
    expect(await balance(C.activeSecond)).toEqual({ ledgerBalance: start.ledgerBalance - 6300, availableBalance: start.availableBalance - 6300 });
    const refund = await step(atm.transId, 'refund', { amount: '20.00' });
    expect(refund.body.transaction).toMatchObject({ type: 3, status: 3, amount: '20.00', authRefNum: atm.authRefNum });
    expect(await balance(C.activeSecond)).toEqual({ ledgerBalance: start.ledgerBalance - 4300, availableBalance: start.availableBalance - 4300 });
    const tooMuch = await step(atm.transId, 'refund', { amount: '40.01' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.errors).toEqual([{ field: 'amount', message: 'must be at most 40.00' }]);
    expect((await step(atm.transId, 'refund')).body.transaction.amount).toBe('40.00');
    expect((await step(refund.body.transaction.transId, 'refund')).status).toBe(409);
  });

  it.each([
    ['clear', 'a Cleared', ['clear']],
    ['clear', 'a Completion', ['complete']],
    ['complete', 'a Completion', ['complete']],
    ['reverse', 'a reversed', ['reverse']],
    ['error', 'an Error', ['error']],
    ['complete', 'an Error', ['error']],
    ['refund', 'a Pending', []],
  ])('%s on %s transaction is 409 and changes nothing', async (name, _what, before) => {
    const t = (await spend(C.activeSecond, { amount: '5.00' })).body.transaction;
    for (const s of before) expect((await step(t.transId, s)).status).toBe(200);
    const balances = await balance(C.activeSecond);
    const res = await step(t.transId, name);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(new RegExp(`Transaction ${t.transId} is`));
    expect(await balance(C.activeSecond)).toEqual(balances);
  });

  it('a declined spend (4) cannot clear; clearing above what the card can cover is 422', async () => {
    const declined = (await spend(C.activeSecond, { amount: '900.00' })).body.transaction;
    expect(declined.status).toBe(4);
    expect((await step(declined.transId, 'clear')).status).toBe(409);
    const t = (await spend(C.activeSecond, { amount: '400.00' })).body.transaction;
    const before = await balance(C.activeSecond);
    const over = await step(t.transId, 'clear', { amount: '500.01' });
    expect(over.status).toBe(422);
    expect(await balance(C.activeSecond)).toEqual(before);
    expect((await step(t.transId, 'clear', { amount: '500.00' })).body.transaction.amount).toBe('500.00');
    expect(await balance(C.activeSecond)).toMatchObject({ availableBalance: 0 });
  });

  it('answers 404 for an unknown or another program\'s transaction, and in production; bad bodies are 400/422', async () => {
    expect((await step('txn_1', 'clear')).status).toBe(404);
    expect((await step('txn_900008', 'complete')).status).toBe(404); // program 3's
    expect((await apiClient(mock(), { programId: 2 }).post('/v2/staging/transactions/txn_900004/complete')).status).toBe(404);
    expect((await step('txn_900004', 'clear', { amount: 12 })).status).toBe(400);
    expect((await step('txn_900004', 'clear', { amount: '0.00' })).status).toBe(422);
    expect((await step('txn_900004', 'error', { reason: '' })).status).toBe(422);
    expect(mock().store.state.transactions.find((t) => t.transId === 'txn_900004')!.status).toBe(1);
  });
});

/** One step of a random card history; indexes pick one of the spends made so far. */
type Command =
  | { kind: 'spend'; cents: number; fx: boolean; atm: boolean }
  | { kind: 'clear'; pick: number; deltaCents: number }
  | { kind: 'complete' | 'reverse' | 'error'; pick: number }
  | { kind: 'refund'; pick: number; cents: number }
  | { kind: 'fund'; cents: number }
  | { kind: 'deposit'; cents: number }
  | { kind: 'advance' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('spend' as const), cents: fc.integer({ min: 1, max: 30000 }), fx: fc.boolean(), atm: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('clear' as const), pick: fc.nat(), deltaCents: fc.integer({ min: -2000, max: 2000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('complete' as const, 'reverse' as const, 'error' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), cents: fc.integer({ min: 1, max: 20000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fund' as const), cents: fc.integer({ min: 1, max: 50000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deposit' as const), cents: fc.integer({ min: 1, max: 50000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'advance' as const }) },
);

const decimal = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const cents = (amount: string) => Math.round(Number(amount) * 100);

describe('the lifecycle keeps the card\'s money consistent (property over random sequences, over mTLS)', () => {
  it('ledger and available never go negative, available <= ledger, money in = ledger + completed spending - refunds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        await mock().reset();
        const client = api();
        const card = (await client.post(`/v2/cards/virtual/${F.approved}`, { nameOnCard: 'Property Test' })).body.cardId as number;
        let moneyIn = 0;
        const spends: string[] = [];
        const pick = (i: number) => spends[i % Math.max(spends.length, 1)];
        for (const c of commands) {
          if (c.kind === 'spend') {
            const res = await client.post(`/v2/staging/cards/${card}/spend`, { amount: decimal(c.cents), type: c.atm ? 2 : 1, ...(c.fx ? { merchantCurrency: 'EUR' } : {}) });
            expect(res.status).toBe(200);
            spends.push(res.body.transaction.transId);
          } else if (c.kind === 'fund') {
            expect((await client.post('/v2/wallets/transfer', { sourceWalletId: W.operating, destinationType: 1, destinationId: card, amount: c.cents })).status).toBe(200);
            moneyIn += c.cents;
          } else if (c.kind === 'deposit') {
            expect((await client.post(`/v2/staging/cards/${card}/deposit`, { amount: decimal(c.cents) })).status).toBe(200);
            moneyIn += c.cents;
          } else if (c.kind === 'advance') {
            expect((await controlClient(mock()).post('/_mock/clock/advance', { seconds: 6 * 86_400 })).status).toBe(200);
          } else if (spends.length) {
            const transId = pick(c.pick)!;
            const current = (await client.get(`/v2/cards/transactions?transId=${transId}`)).body.items[0];
            const body =
              c.kind === 'clear' ? { amount: decimal(Math.max(1, cents(current.amount) + c.deltaCents)) } : c.kind === 'refund' ? { amount: decimal(c.cents) } : undefined;
            const res = await client.post(`/v2/staging/transactions/${transId}/${c.kind}`, body);
            // the transitions the statuses allow; the rest is 409 (422: an amount the rules refuse)
            const allowed = { clear: [1], complete: [1, 2], reverse: [1, 2], error: [1, 2], refund: [3] }[c.kind];
            if (allowed.includes(current.status)) expect([200, 422]).toContain(res.status);
            else expect(res.status).toBe(409);
          }
          const { ledgerBalance, availableBalance } = await balance(card, client);
          expect(ledgerBalance).toBeGreaterThanOrEqual(0);
          expect(availableBalance).toBeGreaterThanOrEqual(0);
          expect(availableBalance).toBeLessThanOrEqual(ledgerBalance);
          const txns = (await client.get(`/v2/cards/transactions?cardId=${card}&limit=200`)).body.items as Array<{ status: number; type: number; amount: string; authRefNum: string }>;
          const fees = (await client.get(`/v2/cards/fees?cardId=${card}&limit=200`)).body.items as Array<{ amount: string; authRefNum: string }>;
          const completed = txns.filter((t) => t.status === 3 && t.type !== 3);
          const feeOf = (ref: string) => fees.filter((f) => f.authRefNum === ref).reduce((s, f) => s + cents(f.amount), 0);
          const spent = completed.reduce((s, t) => s + cents(t.amount) + feeOf(t.authRefNum), 0);
          const refunded = txns.filter((t) => t.type === 3).reduce((s, t) => s + cents(t.amount), 0);
          expect(moneyIn).toBe(ledgerBalance + spent - refunded);
          // what is held: the Pending and Cleared amounts with their fees, plus deposits not cleared yet
          const held = txns.filter((t) => t.status === 1 || t.status === 2).reduce((s, t) => s + cents(t.amount) + feeOf(t.authRefNum), 0);
          expect(ledgerBalance - availableBalance).toBeGreaterThanOrEqual(held);
        }
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});
