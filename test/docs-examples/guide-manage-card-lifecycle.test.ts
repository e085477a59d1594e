import { describe, expect, it } from 'vitest';
import { useMock } from '../helpers/mock.js';
import { APPROVED_CARDHOLDER, guideClient } from './guide-client.js';

/** docs/guide-manage-card-lifecycle: settings, PIN, Active <-> On Hold, and what is support-ticket only. */
const mock = useMock();

describe('Manage the Card Lifecycle', () => {
  it('updates settings, changes the PIN from the default, blocks and unblocks', async () => {
    const { api } = guideClient(mock());
    const card = await api('POST', `/cards/virtual/${APPROVED_CARDHOLDER}`, { nameOnCard: 'JORDAN REYES' });
    const updated = await api('PUT', `/cards/${card.cardId}/update`, { alias: 'Travel Card', transactionLimit: 100000, callingCode: '044', cellNum: '7700900123' });
    expect(updated).toMatchObject({ alias: 'Travel Card', transactionLimit: 100000, callingCode: '044', cellNum: '7700900123' });
    // "A card's default PIN upon being issued is the last four digits of its primary account number"
    const defaultPin = card.maskedCardNumber.slice(-4);
    expect(await api('PUT', `/cards/${card.cardId}/pin`, { oldPin: defaultPin, newPin: '2468' })).toEqual({ status: 'success', cardId: card.cardId });
    expect((await api('PUT', `/cards/${card.cardId}/status`, { newStatus: 2 })).issuerCardStatus).toBe(2);
    expect((await api('PUT', `/cards/${card.cardId}/status`, { newStatus: 1 })).issuerCardStatus).toBe(1);
    // GET /cards lists the cardholder's cards with their state
    const mine = await api('GET', `/cards?cardholderId=${APPROVED_CARDHOLDER}&issuerCardStatus=1`);
    expect(mine.items.map((c: { cardId: number }) => c.cardId)).toContain(card.cardId);
  });

  it('status changes fail on Pending (0), Closed (3) and Not Activated (4); closing is not in the API; update works in any state', async () => {
    const { api, statusOf } = guideClient(mock());
    for (const cardId of [20005, 20004, 20002]) expect(await statusOf('PUT', `/cards/${cardId}/status`, { newStatus: 1 }), String(cardId)).toBe(409);
    expect(await statusOf('PUT', '/cards/20001/status', { newStatus: 3 })).toBe(422);
    expect((await api('PUT', '/cards/20004/update', { alias: 'Old card' })).alias).toBe('Old card');
  });
});
