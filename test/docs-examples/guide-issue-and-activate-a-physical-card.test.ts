import { describe, expect, it } from 'vitest';
import { useMock } from '../helpers/mock.js';
import { APPROVED_CARDHOLDER, guideClient } from './guide-client.js';

/** docs/guide-issue-and-activate-a-physical-card, reference/put_cards-cardid-activate, reference/put_cards-cardid-pin. */
const mock = useMock();

describe('Issue & Activate a Physical Card', () => {
  it('issues with the example request (issuerCardStatus 4), activates with the reference page\'s integers, then changes the PIN', async () => {
    const { api, statusOf } = guideClient(mock());
    const card = await api('POST', `/cards/assign/${APPROVED_CARDHOLDER}`, { nameOnCard: 'JORDAN REYES', cardType: 0, alias: 'Primary Card', transactionLimit: 200000 });
    expect(card).toMatchObject({ status: 'success', cardId: expect.any(Number), type: 'physical', maskedCardNumber: expect.stringMatching(/^\*{12}\d{4}$/) });
    expect(card.cryptoAddresses.map((a: { chain: string }) => a.chain)).toEqual(['evm', 'bitcoin', 'solana']);
    expect((await api('GET', `/cards/${card.cardId}`)).issuerCardStatus).toBe(4);
    // the card's details, as printed on the card the cardholder receives
    const printed = await api('GET', `/cards/${card.cardId}/sensitive`);
    const activated = await api('PUT', `/cards/${card.cardId}/activate`, {
      cardNumber: Number(printed.cardNumber),
      expMonth: printed.expMonth,
      expYear: printed.expYear % 100,
      cvv: Number(printed.cvv),
      newPin: 4821,
    });
    expect(activated.issuerCardStatus).toBe(1);
    // "can't be reverted to an inactive state"
    expect(await statusOf('PUT', `/cards/${card.cardId}/activate`, { ...printed, status: undefined, cardId: undefined, newPin: '4821' })).toBe(409);
    expect(await api('PUT', `/cards/${card.cardId}/pin`, { oldPin: '4821', newPin: '1357' })).toEqual({ status: 'success', cardId: card.cardId });
  });

  it('cardType may be omitted (0, the Program\'s default design); other slots need an approved design', async () => {
    const { api, statusOf } = guideClient(mock());
    expect((await api('POST', `/cards/assign/${APPROVED_CARDHOLDER}`, { nameOnCard: 'JORDAN REYES' })).cardType).toBe(0);
    expect(await statusOf('POST', `/cards/assign/${APPROVED_CARDHOLDER}`, { nameOnCard: 'JORDAN REYES', cardType: 2 })).toBe(422);
  });
});
