import { describe, expect, it } from 'vitest';
import { useMock } from '../helpers/mock.js';
import { guideClient, quickstartCardholder, sandbox } from './guide-client.js';

/** docs/recipe-zero-to-funded-card: empty Program -> virtual card with a deposit in availableBalance. */
const mock = useMock();

describe('From Zero to a Funded Card', () => {
  it('creates, submits, polls to approval, issues a virtual card, reads its addresses, polls the balance until the deposit clears', async () => {
    const { api } = guideClient(mock());
    // Step 1: create the cardholder
    const { cardholderId } = await api('POST', '/cardholders', quickstartCardholder);
    expect(cardholderId).toEqual(expect.any(Number));
    // Step 2: submit to compliance and poll for approval (staging: the outcome is forced by simulation)
    const submitted = await api('PUT', `/cardholders/${cardholderId}/kyc-submit`);
    expect(submitted.applicationLink).toMatch(/^https:\/\//);
    expect((await api('GET', `/cardholders/${cardholderId}`)).cardholder.status).toBe(3);
    await api('POST', '/staging/kyc/validate', { cardholderId, result: 'pass' });
    let status = -1;
    for (let attempt = 0; attempt < 5 && status !== 1; attempt++) status = (await api('GET', `/cardholders/${cardholderId}`)).cardholder.status;
    expect(status).toBe(1);
    // Step 3: issue a virtual card
    const card = await api('POST', `/cards/virtual/${cardholderId}`, { nameOnCard: 'JORDAN REYES' });
    expect(card).toMatchObject({ status: 'success', type: 'virtual', maskedCardNumber: expect.stringMatching(/^\*{12}\d{4}$/) });
    // Step 4: retrieve the deposit addresses
    const details = await api('GET', `/cards/${card.cardId}`);
    expect(details.cryptoAddresses.map((a: { chain: string }) => a.chain)).toEqual(['evm', 'bitcoin', 'solana']);
    // Step 5: a deposit arrives (staging simulation) and the balance is polled until it is available
    await api('POST', `/staging/cards/${card.cardId}/deposit`, { amount: '25.00' });
    let balance = await api('GET', `/cards/${card.cardId}/balance`);
    expect(balance).toMatchObject({ ledgerBalance: 2500, availableBalance: 0 });
    for (let day = 0; day < 10 && balance.availableBalance === 0; day++) {
      await sandbox(mock()).advanceDays(1);
      balance = await api('GET', `/cards/${card.cardId}/balance`);
    }
    expect(balance).toMatchObject({ ledgerBalance: 2500, availableBalance: 2500 });
  });
});
