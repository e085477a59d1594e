import { describe, expect, it } from 'vitest';
import { createCardholder } from '../src/domain/cardholders.js';
import { recordDeposit } from '../src/domain/ledger.js';
import { findRecord, storeRecord, type IdempotencyRecord } from '../src/idempotency/records.js';
import { loadFixtures } from '../src/store/fixtures.js';
import { withCollections, type Deposit, type State } from '../src/store/state.js';
import { cardholderBody } from './helpers/data.js';

/**
 * What one write reads of a collection, counted (not timed): the same at 100,000 records as at 1,000.
 * Throughput and p99 at 1,000 / 10,000 / 100,000 records are in `npm run bench` (store scale).
 */
function counted<T>(items: T[]): { items: T[]; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(items, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { items: proxy, reads: () => reads };
}

const day = 24 * 60 * 60;

async function stateWith(records: number): Promise<State> {
  const state = withCollections(await loadFixtures('default'));
  const template: Deposit = { depositId: 0, programId: 1, account: { type: 'wallet', id: 3001 }, amount: 100, transactionReference: null, senderAccountName: null, transactionDate: null, source: 'bank-deposit', createdAt: 1, clearsAt: 2, cleared: true };
  for (let i = 0; i < records; i++) state.deposits.push({ ...template, depositId: 60_000 + i });
  state.sequences.deposits = 60_000 + records;
  for (let i = 0; i < records; i++) {
    state.idempotency.push({ programId: 1, key: `k${i}`, fingerprint: '0'.repeat(64), method: 'POST', path: '/v2/x', status: 200, body: {}, createdAt: 1_000 + i, expiresAt: 1_000 + i + day });
  }
  return state;
}

describe('the cost of a write does not grow with the records stored', () => {
  for (const records of [1_000, 100_000]) {
    it(`${records} records: a deposit, a keyed write's lookup and record, a cardholder read a handful of items`, async () => {
      const state = await stateWith(records);
      const deposits = counted(state.deposits);
      state.deposits = deposits.items;
      recordDeposit(state, 1, { type: 'wallet', id: 3001 }, { transactionAmount: 500 } as never, 'bank-deposit', { depositClearingSeconds: 60 }, 10_000);
      recordDeposit(state, 1, { type: 'wallet', id: 3001 }, { transactionAmount: 500 } as never, 'bank-deposit', { depositClearingSeconds: 0 }, 10_000);
      expect(deposits.reads()).toBeLessThan(10);
      expect(state.deposits.at(-1)!.cleared).toBe(true);

      // the first lookup builds the index; after that, a stored record and a lookup read only what was appended
      const idem = counted(state.idempotency);
      state.idempotency = idem.items;
      expect(findRecord(state, 1, 'k0', 2_000)?.key).toBe('k0');
      const afterIndex = idem.reads();
      const now = 1_000 + records + 10;
      for (let i = 0; i < 5; i++) {
        expect(findRecord(state, 1, `new${i}`, now)).toBeUndefined();
        storeRecord(state, { programId: 1, key: `new${i}`, fingerprint: '1'.repeat(64), method: 'POST', path: '/v2/x', status: 200, body: {}, createdAt: now });
        expect(findRecord(state, 1, `new${i}`, now)?.createdAt).toBe(now);
      }
      expect(idem.reads() - afterIndex).toBeLessThan(100);

      const cardholders = counted(state.cardholders);
      state.cardholders = cardholders.items;
      createCardholder(state, state.programs[0]!, cardholderBody() as never, now);
      expect(cardholders.reads()).toBeLessThan(5);
    });
  }

  it('expired idempotency records are dropped in batches, so memory stays bounded and most writes rewrite nothing', async () => {
    const state = await stateWith(0);
    let rewrites = 0;
    let collection = state.idempotency;
    for (let i = 0; i < 6_000; i++) {
      // one record per minute: after a day, one expires per write
      storeRecord(state, { programId: 1, key: `s${i}`, fingerprint: '0'.repeat(64), method: 'POST', path: '/v2/x', status: 200, body: {}, createdAt: i * 60 });
      if (state.idempotency !== collection) rewrites++;
      collection = state.idempotency;
    }
    const live = 1 + day / 60;
    expect(state.idempotency.length).toBeLessThanOrEqual(2 * Math.max(live, 1_000) + 1);
    expect(rewrites).toBeGreaterThan(0);
    expect(rewrites).toBeLessThan(10);
    expect(findRecord(state, 1, 's5999', 5_999 * 60)?.key).toBe('s5999');
    expect(findRecord(state, 1, 's0', 5_999 * 60)).toBeUndefined();
  });
});
