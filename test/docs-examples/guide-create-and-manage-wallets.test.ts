import { describe, expect, it } from 'vitest';
import { useMock } from '../helpers/mock.js';
import { guideClient, sandbox } from './guide-client.js';

/** docs/guide-create-and-manage-wallets, reference/post_wallets-walletid-bank-deposit. */
const mock = useMock();

describe('Create & Manage Wallets', () => {
  it('creates a wallet with only a name, funds it by bank deposit and retrieves it', async () => {
    const { api } = guideClient(mock());
    const created = await api('POST', '/wallets', { name: 'Acme Corp — EMEA Operations' });
    expect(Object.keys(created).sort()).toEqual(['status', 'walletId']);
    const { walletId } = created;
    const deposit = await api('POST', `/wallets/${walletId}/bank-deposit`, {
      transactionAmount: 500000,
      transactionReference: 'ACME-EMEA-2026-Q4',
      senderAccountName: 'Acme Corp Ltd',
      senderAccountNumber: 'GB94BARC10201530093459',
      senderRoutingNumber: 'BARCGB22',
    });
    expect(deposit.status).toBe('success');
    const wallet = await api('GET', `/wallets/${walletId}`);
    // the Program's currency (USD), fiat only: no crypto addresses
    expect(wallet).toMatchObject({ walletId, name: 'Acme Corp — EMEA Operations', currency: 0, ledgerBalance: 500000, availableBalance: 0 });
    expect(wallet).not.toHaveProperty('cryptoAddresses');
    await sandbox(mock()).advanceDays(8);
    expect((await api('GET', `/wallets/${walletId}`)).availableBalance).toBe(500000);
    const moves = await api('GET', `/wallets/transactions?walletId=${walletId}`);
    expect(moves.items).toEqual([expect.objectContaining({ type: 'deposit', amount: 500000, description: 'ACME-EMEA-2026-Q4' })]);
  });
});
