import { describe, expect, it } from 'vitest';
import { useMock } from '../helpers/mock.js';
import { APPROVED_CARDHOLDER, guideClient, sandbox } from './guide-client.js';

/** docs/guide-fund-a-card-via-bank-transfer, reference/post_cards-cardid-bank-deposit. */
const mock = useMock();

describe('Fund a Card via Bank Transfer', () => {
  it('registers the sending account with the guide\'s example, sends the trace, and the funds clear after the banking days', async () => {
    const { api } = guideClient(mock());
    const card = await api('POST', `/cards/virtual/${APPROVED_CARDHOLDER}`, { nameOnCard: 'JORDAN REYES' });
    // Step 1: the guide's example request and answer
    const registration = await api('POST', `/cardholders/${APPROVED_CARDHOLDER}/register-bank-account`, {
      senderAccountName: 'Jordan Reyes',
      senderAccountNumber: 'GB29NWBK60161331926819',
      senderRoutingNumber: 'NWBKGB2L',
    });
    expect(registration).toMatchObject({ depositId: expect.any(Number), statusText: 'pending' });
    // the optional trace notification, every documented field
    const trace = await api('POST', `/cards/${card.cardId}/bank-deposit`, {
      transactionAmount: 500000,
      transactionReference: 'REMIT-2026-11-0042',
      senderAccountName: 'Jordan Reyes',
      senderAccountNumber: 'GB29NWBK60161331926819',
      senderRoutingNumber: 'NWBKGB2L',
    });
    expect(trace).toMatchObject({ status: 'success', depositId: expect.any(Number) });
    expect(await api('GET', `/cards/${card.cardId}/balance`)).toMatchObject({ ledgerBalance: 500000, availableBalance: 0 });
    // "typically up to five banking days"
    await sandbox(mock()).advanceDays(8);
    expect(await api('GET', `/cards/${card.cardId}/balance`)).toMatchObject({ ledgerBalance: 500000, availableBalance: 500000 });
  });

  it('registration needs an Approved cardholder', async () => {
    const { statusOf } = guideClient(mock());
    const status = await statusOf('POST', '/cardholders/10003/register-bank-account', { senderAccountName: 'A B', senderAccountNumber: 'GB29NWBK60161331926819', senderRoutingNumber: 'NWBKGB2L' });
    expect(status).toBe(403);
  });
});
