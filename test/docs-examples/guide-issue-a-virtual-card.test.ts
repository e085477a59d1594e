import { describe, expect, it } from 'vitest';
import { useMock } from '../helpers/mock.js';
import { APPROVED_CARDHOLDER, guideClient } from './guide-client.js';

/** docs/guide-issue-a-virtual-card. */
const mock = useMock();

describe('Issue a Virtual Card', () => {
  it('issues with the guide\'s example request: active at once, masked, the limit in minor units; both retrieval modes', async () => {
    const { api } = guideClient(mock());
    const card = await api('POST', `/cards/virtual/${APPROVED_CARDHOLDER}`, { nameOnCard: 'JORDAN REYES', alias: 'Personal Spending', transactionLimit: 50000 });
    expect(card).toMatchObject({ status: 'success', cardId: expect.any(Number), type: 'virtual', maskedCardNumber: expect.stringMatching(/^\*{12}\d{4}$/) });
    const plain = await api('GET', `/cards/${card.cardId}`);
    expect(plain).toMatchObject({ issuerCardStatus: 1, nameOnCard: 'JORDAN REYES', alias: 'Personal Spending', transactionLimit: 50000, emailAdr: 'jordan.reyes@example.com' });
    expect(plain).not.toHaveProperty('cardNumber');
    const sensitive = await api('GET', `/cards/${card.cardId}/sensitive`);
    expect(sensitive.cardNumber.slice(-4)).toBe(card.maskedCardNumber.slice(-4));
    expect(sensitive.cvv).toMatch(/^\d{3}$/);
  });

  it('nameOnCard defaults to the cardholder\'s first and last name; a cardholder not Approved fails', async () => {
    const { api, statusOf } = guideClient(mock());
    expect((await api('POST', `/cards/virtual/${APPROVED_CARDHOLDER}`, {})).nameOnCard).toBe('Jordan Reyes');
    // "Attempting to issue a card to a Cardholder with any status other than 1 (Approved) will fail."
    expect(await statusOf('POST', '/cards/virtual/10004', { nameOnCard: 'JORDAN REYES' })).toBe(403);
  });
});
