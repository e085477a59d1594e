import { describe, expect, it } from 'vitest';
import { useMock } from '../helpers/mock.js';
import { APPROVED_CARDHOLDER, guideClient, sandbox } from './guide-client.js';

/** docs/guide-reconcile-transactions-and-fees: three non-overlapping datasets linked by authRefNum. */
const mock = useMock();

describe('Reconcile Transactions & Fees', () => {
  it('queries the three datasets with the same window: a foreign purchase is one transaction plus one fee sharing authRefNum', async () => {
    const { api } = guideClient(mock());
    const { control } = sandbox(mock());
    const after = (await control.get('/_mock/clock')).body.now as number;
    const card = await api('POST', `/cards/virtual/${APPROVED_CARDHOLDER}`, { nameOnCard: 'JORDAN REYES' });
    await api('POST', '/wallets/transfer', { sourceWalletId: 3001, destinationType: 1, destinationId: card.cardId, amount: 50000 });
    const spend = (await api('POST', `/staging/cards/${card.cardId}/spend`, { amount: '80.00', merchantName: 'Lufthansa', merchantCurrency: 'EUR' })).transaction;
    await api('POST', `/staging/transactions/${spend.transId}/complete`);
    await sandbox(mock()).advanceDays(1);
    const before = (await control.get('/_mock/clock')).body.now as number;
    // Step 1 / 2: a single card's window, the same values on all three endpoints
    const window = `cardId=${card.cardId}&after=${after}&before=${before}`;
    const txns = (await api('GET', `/cards/transactions?${window}`)).items;
    const fees = (await api('GET', `/cards/fees?${window}`)).items;
    const wallet = (await api('GET', `/wallets/transactions?${window}`)).items;
    expect(txns).toEqual([expect.objectContaining({ transId: spend.transId, status: 3, amount: '80.00', description: 'Purchase at Lufthansa' })]);
    expect(fees).toEqual([expect.objectContaining({ authRefNum: spend.authRefNum, feeType: 'fx', amount: '1.60' })]);
    // the wallet -> card transfer shows only in the wallet dataset
    expect(wallet).toEqual([expect.objectContaining({ type: 'transfer_out', counterpartyType: 'card', counterpartyId: card.cardId, amount: 50000 })]);
    const total = txns.reduce((s: number, t: { amount: string }) => s + Number(t.amount) * 100, 0) + fees.reduce((s: number, f: { amount: string }) => s + Number(f.amount) * 100, 0);
    expect(await api('GET', `/cards/${card.cardId}/balance`)).toMatchObject({ ledgerBalance: 50000 - total });
  });

  it('a whole Program for a period: before / after only, every status an integer', async () => {
    const { api } = guideClient(mock());
    const all = (await api('GET', '/cards/transactions?after=0&limit=200')).items;
    expect(all.length).toBeGreaterThan(0);
    expect(new Set(all.map((t: { status: number }) => t.status))).toEqual(new Set([1, 2, 3, 4, 5]));
  });
});
