import { describe, expect, it } from 'vitest';
import { useMock } from '../helpers/mock.js';
import { APPROVED_CARDHOLDER, guideClient } from './guide-client.js';

/** docs/guide-transfer-funds: POST /wallets/transfer and its { transId, transStatus } answer. */
const mock = useMock();
const OPERATING_WALLET = 3001; // fixture wallet with 10,500.00 available

describe('Transfer Internal Fiat Funds', () => {
  it('runs both examples (wallet -> card, wallet -> wallet) and verifies the outcome', async () => {
    const { api } = guideClient(mock());
    const card = await api('POST', `/cards/virtual/${APPROVED_CARDHOLDER}`, { nameOnCard: 'JORDAN REYES' });
    const apac = await api('POST', '/wallets', { name: 'Acme Corp — APAC Operations' });
    const toCard = await api('POST', '/wallets/transfer', { sourceWalletId: OPERATING_WALLET, destinationType: 1, destinationId: card.cardId, amount: 25000, description: 'Q3 expense allocation — Jordan Reyes' });
    expect(toCard).toMatchObject({ transId: expect.any(Number), transStatus: 1 });
    const toWallet = await api('POST', '/wallets/transfer', { sourceWalletId: OPERATING_WALLET, destinationType: 0, destinationId: apac.walletId, amount: 100000, description: 'EMEA → APAC rebalance' });
    expect(toWallet).toMatchObject({ transId: expect.any(Number), transStatus: 1 });
    expect(toWallet.transId).not.toBe(toCard.transId);
    // no clearing delay
    expect(await api('GET', `/cards/${card.cardId}/balance`)).toMatchObject({ ledgerBalance: 25000, availableBalance: 25000 });
    expect(await api('GET', `/wallets/${apac.walletId}`)).toMatchObject({ ledgerBalance: 100000, availableBalance: 100000 });
    const moves = (await api('GET', `/wallets/transactions?walletId=${OPERATING_WALLET}&limit=2`)).items;
    expect(moves.map((m: { transId: number }) => m.transId)).toEqual([toWallet.transId, toCard.transId]);
  });

  it('transfers only originate from a wallet: a card as the source is refused and moves nothing', async () => {
    const { api, statusOf } = guideClient(mock());
    const before = await api('GET', '/cards/20001/balance');
    expect(await statusOf('POST', '/wallets/transfer', { sourceWalletId: 20001, destinationType: 0, destinationId: OPERATING_WALLET, amount: 100 })).toBe(404);
    expect(await statusOf('POST', '/wallets/transfer', { sourceWalletId: OPERATING_WALLET, destinationType: 2, destinationId: 20001, amount: 100 })).toBe(422);
    expect(await api('GET', '/cards/20001/balance')).toEqual(before);
  });
});
