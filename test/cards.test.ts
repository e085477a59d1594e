import { describe, expect, it } from 'vitest';
import { cardholderMessages } from '../src/domain/cardholders.js';
import { cardMessages } from '../src/domain/cards.js';
import { messages } from '../src/http/errors.js';
import { apiClient } from './helpers/client.js';
import { activatedPhysicalPin, fixtureCard as C, fixtureCardholder as F, notActivatedDetails } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

/**
 * Luhn (ISO/IEC 7812-1) written here, independently of src/domain/card-numbers.ts: from the right,
 * every second digit doubled (minus 9 above 9), the sum a multiple of 10. Checked against published
 * test PANs below, so the oracle itself is known good.
 */
function luhnOk(pan: string): boolean {
  let sum = 0;
  [...pan].reverse().forEach((ch, i) => {
    const d = Number(ch) * (i % 2 === 1 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  });
  return /^\d+$/.test(pan) && sum % 10 === 0;
}

const mock = useMock();
const api = () => apiClient(mock());

const cardCount = () => mock().store.state.cards.length;

async function issue(kind: 'virtual' | 'assign', cardholderId: number, body: Record<string, unknown> = {}) {
  return api().post(`/v2/cards/${kind}/${cardholderId}`, { nameOnCard: 'JORDAN REYES', ...(kind === 'assign' ? { cardType: 0 } : {}), ...body });
}

async function cardOf(id: number) {
  return (await api().get(`/v2/cards/${id}`)).body;
}

describe('issuing cards', () => {
  it('issues a virtual card Active at once, masked, with deposit addresses and the cardholder\'s contact details and limit', async () => {
    const res = await issue('virtual', F.approved, { alias: 'Online' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'success',
      cardholderId: F.approved,
      type: 'virtual',
      cardType: null,
      nameOnCard: 'JORDAN REYES',
      alias: 'Online',
      cardStatus: 1,
      issuerCardStatus: 1,
      transactionLimit: 500000,
      callingCode: '001',
      countryCallingCode: 'US',
      cellNum: '4155551000',
      emailAdr: 'jordan.reyes@example.com',
    });
    expect(res.body.maskedCardNumber).toMatch(/^\*{12}\d{4}$/);
    expect(res.body.cryptoAddresses.map((a: { chain: string }) => a.chain)).toEqual(['evm', 'bitcoin', 'solana']);
    expect(res.body.cryptoAddresses[0].address).toMatch(/^0x[0-9a-f]{40}$/);
    expect(await cardOf(res.body.cardId)).toEqual(res.body);
  });

  it('issues a physical card Not Activated (4) in design slot 0', async () => {
    const res = await issue('assign', F.approved, { transactionLimit: 1000 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'physical', cardType: 0, cardStatus: 1, issuerCardStatus: 4, transactionLimit: 1000 });
  });

  it('the test\'s Luhn oracle accepts well-known test PANs and refuses them with one digit changed', () => {
    for (const pan of ['4111111111111111', '4242424242424242', '5555555555554444', '378282246310005', '4000056655665556', '79927398713']) {
      expect(luhnOk(pan), pan).toBe(true);
      expect(luhnOk(pan.slice(0, -1) + ((Number(pan.at(-1)) + 1) % 10)), pan).toBe(false);
    }
  });

  it('gives test card numbers: the test BIN, Luhn-valid, unique, masked everywhere but the sensitive view', async () => {
    const a = (await issue('virtual', F.approved)).body;
    const b = (await issue('virtual', F.approved)).body;
    const sa = (await api().get(`/v2/cards/${a.cardId}/sensitive`)).body;
    const sb = (await api().get(`/v2/cards/${b.cardId}/sensitive`)).body;
    for (const [card, sensitive] of [[a, sa], [b, sb]]) {
      expect(sensitive).toMatchObject({ status: 'success', cardId: card.cardId, cardNumber: expect.stringMatching(/^400000\d{10}$/), cvv: expect.stringMatching(/^\d{3}$/) });
      expect(luhnOk(sensitive.cardNumber), sensitive.cardNumber).toBe(true);
      expect(card.maskedCardNumber.slice(-4)).toBe(sensitive.cardNumber.slice(-4));
      expect(sensitive.expYear).toBeGreaterThan(new Date().getUTCFullYear());
      for (const path of [`/v2/cards/${card.cardId}`, `/v2/cards/${card.cardId}/balance`]) {
        const text = (await api().get(path)).text;
        expect(text).not.toContain(sensitive.cardNumber);
        expect(text).not.toContain(`"cvv"`);
      }
    }
    expect(sa.cardNumber).not.toBe(sb.cardNumber);
  });

  it.each([
    ['Draft', F.draft, 4],
    ['Under Review', F.underReview, 3],
    ['Compliance Decline', F.complianceDecline, 2],
    ['Error', F.error, 6],
    ['Admin Decline', F.adminDecline, 7],
    ['Pending', F.pending, 0],
  ])('refuses cards for a %s cardholder with 403 and issues nothing', async (_name, id, status) => {
    const before = cardCount();
    for (const kind of ['virtual', 'assign'] as const) {
      const res = await issue(kind, id);
      expect(res.status).toBe(403);
      expect(res.body.message).toBe(cardholderMessages.notApproved({ cardholderId: id, status } as never, 'issuing a card'));
    }
    expect(cardCount()).toBe(before);
  });

  it('answers 404 for an unknown or other program\'s cardholder, 409 for a deleted one (contract 8.8)', async () => {
    for (const id of [999999, F.otherProgram]) {
      const res = await issue('virtual', id);
      expect(res.status).toBe(404);
      expect(res.body.message).toBe(messages.notFound('Cardholder', id));
    }
    const before = cardCount();
    const deleted = await issue('virtual', F.deleted);
    expect(deleted.status).toBe(409);
    expect(deleted.body.message).toMatch(/is Deleted \(status 5\): it can still be read, but issuing a card is not possible/);
    expect(cardCount()).toBe(before);
  });

  it('refuses a design slot without an approved design (422) and a slot outside 0..5 (422)', async () => {
    const res = await issue('assign', F.approved, { cardType: 3 });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(cardMessages.designNotApproved(3));
    expect((await issue('assign', F.approved, { cardType: 6 })).status).toBe(422);
  });

  it('issues a physical card without cardType or nameOnCard: design 0 and the cardholder\'s name (contract 8.10)', async () => {
    const res = await api().post(`/v2/cards/assign/${F.approved}`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'physical', cardType: 0, nameOnCard: 'Jordan Reyes', issuerCardStatus: 4 });
  });

  it.each([
    ['nameOnCard too long', { nameOnCard: 'X'.repeat(27) }, 422],
    ['an unknown field', { colour: 'red' }, 400],
    ['a bad email', { emailAdr: 'not-an-email' }, 422],
    ['a negative limit', { transactionLimit: -1 }, 422],
  ])('validates the issuance body: %s', async (_name, body, status) => {
    const before = cardCount();
    expect((await issue('virtual', F.approved, body)).status).toBe(status);
    expect(cardCount()).toBe(before);
  });
});

describe('limits cascade program -> cardholder -> card', () => {
  it('refuses a card limit above the cardholder\'s with 422 at issuance and on update, and changes nothing', async () => {
    const before = cardCount();
    const res = await issue('virtual', F.approved, { transactionLimit: 500001 });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'transactionLimit', message: 'must be at most 500000' }]);
    expect(cardCount()).toBe(before);
    const up = await api().put(`/v2/cards/${C.active}/update`, { transactionLimit: 500001, alias: 'changed' });
    expect(up.status).toBe(422);
    expect(await cardOf(C.active)).toMatchObject({ transactionLimit: 250000, alias: 'Everyday' });
  });

  it('accepts a card limit equal to the cardholder\'s, and follows a lowered cardholder limit for new cards', async () => {
    expect((await issue('virtual', F.approved, { transactionLimit: 500000 })).status).toBe(200);
    expect((await api().put(`/v2/cardholders/${F.approved}/update`, { transactionLimit: 1000 })).status).toBe(200);
    expect((await issue('virtual', F.approved, { transactionLimit: 1001 })).status).toBe(422);
    expect((await issue('virtual', F.approved)).body.transactionLimit).toBe(1000);
  });
});

describe('reading cards', () => {
  it('reads the balances of a card: ledger and available, in the program currency', async () => {
    const res = await api().get(`/v2/cards/${C.active}/balance`);
    expect(res.body).toEqual({ status: 'success', cardId: C.active, ledgerBalance: 229840, availableBalance: 225340, currency: 0 });
  });

  it('gives 404 for an unknown card and another program\'s card, on every card read', async () => {
    for (const id of [999999, C.otherProgram]) {
      for (const suffix of ['', '/balance', '/sensitive']) {
        const res = await api().get(`/v2/cards/${id}${suffix}`);
        expect(res.status).toBe(404);
        expect(res.body.message).toBe(messages.notFound('Card', id));
      }
    }
  });

  it('acknowledges the deprecated blockchain trace without any effect', async () => {
    const before = await api().get(`/v2/cards/${C.active}/balance`);
    expect((await api().post(`/v2/cards/${C.active}/deposit`, { chain: 'evm', transactionHash: '0xabc' })).body).toEqual({ status: 'success' });
    expect((await api().post(`/v2/cards/${C.active}/deposit`, { transactionHash: '0xabc', network: 'Ethereum' })).body).toEqual({ status: 'success' });
    expect((await api().get(`/v2/cards/${C.active}/balance`)).body).toEqual(before.body);
    expect((await api().post(`/v2/cards/${C.active}/deposit`, {})).status).toBe(400);
    expect((await api().post(`/v2/cards/${C.otherProgram}/deposit`, { transactionHash: '0xabc' })).status).toBe(404);
  });
});

describe('activating a physical card', () => {
  const activate = (id: number, body: Record<string, unknown> = {}) => api().put(`/v2/cards/${id}/activate`, { ...notActivatedDetails, newPin: '2580', ...body });

  it('moves Not Activated (4) to Active (1) with matching details and sets the PIN', async () => {
    const res = await activate(C.notActivated);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ cardId: C.notActivated, issuerCardStatus: 1 });
    // the PIN is set: a change needs it, the default one (last four of the PAN) no longer works
    expect((await api().put(`/v2/cards/${C.notActivated}/pin`, { oldPin: '0024', newPin: '1111' })).status).toBe(422);
    expect((await api().put(`/v2/cards/${C.notActivated}/pin`, { oldPin: '2580', newPin: '1111' })).status).toBe(200);
  });

  it('activates a card issued through the API with the details from the sensitive view', async () => {
    const card = (await issue('assign', F.approved)).body;
    const { cardNumber, expMonth, expYear, cvv } = (await api().get(`/v2/cards/${card.cardId}/sensitive`)).body;
    expect((await api().put(`/v2/cards/${card.cardId}/activate`, { cardNumber, expMonth, expYear, cvv, newPin: '0000' })).body.issuerCardStatus).toBe(1);
  });

  it.each([
    ['cardNumber', { cardNumber: '4000000000200016' }],
    ['expMonth', { expMonth: 1 }],
    ['expYear', { expYear: 2029 }],
    ['cvv', { cvv: '000' }],
  ])('refuses a wrong %s with 422 and leaves the card Not Activated', async (_field, wrong) => {
    const res = await activate(C.notActivated, wrong);
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(cardMessages.detailsMismatch);
    expect((await cardOf(C.notActivated)).issuerCardStatus).toBe(4);
  });

  it.each([
    ['a 3-digit PIN', { newPin: '123' }, 422],
    ['a 5-digit PIN', { newPin: '12345' }, 422],
    ['letters', { newPin: 'abcd' }, 422],
    ['a 5-digit integer', { newPin: 12345 }, 422],
    ['no PIN', { newPin: undefined }, 400],
    ['a fractional number', { newPin: 12.5 }, 400],
    ['a boolean', { newPin: true }, 400],
  ])('requires a 4-digit newPin: %s', async (_name, body, status) => {
    expect((await activate(C.notActivated, body)).status).toBe(status);
    expect((await cardOf(C.notActivated)).issuerCardStatus).toBe(4);
  });

  it.each([
    ['Active', C.active],
    ['On Hold', C.onHold],
    ['Closed', C.closed],
    ['Pending', C.pending],
    ['already activated', C.activatedPhysical],
  ])('answers 409 for a card that is %s', async (_name, id) => {
    const before = await cardOf(id);
    const res = await activate(id);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/only a physical card that is Not Activated \(4\) can be activated/);
    expect(await cardOf(id)).toEqual(before);
  });

  it('cannot be activated twice', async () => {
    expect((await activate(C.notActivated)).status).toBe(200);
    expect((await activate(C.notActivated)).status).toBe(409);
  });
});

describe('block and unblock', () => {
  const setStatus = (id: number, newStatus: unknown) => api().put(`/v2/cards/${id}/status`, { newStatus });

  it('blocks an Active card (-> 2) and unblocks it (-> 1)', async () => {
    expect((await setStatus(C.active, 2)).body.issuerCardStatus).toBe(2);
    expect((await cardOf(C.active)).issuerCardStatus).toBe(2);
    expect((await setStatus(C.active, 1)).body.issuerCardStatus).toBe(1);
    expect((await setStatus(C.onHold, 1)).body.issuerCardStatus).toBe(1);
  });

  it('answers a request for the current status with 200 and no change (a retry is safe)', async () => {
    const before = await cardOf(C.onHold);
    const res = await setStatus(C.onHold, 2);
    expect(res.status).toBe(200);
    expect(await cardOf(C.onHold)).toEqual(before);
  });

  it.each([
    ['Closed (3)', C.closed, 1],
    ['Closed (3)', C.closed, 2],
    ['Not Activated (4)', C.notActivated, 1],
    ['Not Activated (4)', C.notActivated, 2],
    ['Pending (0)', C.pending, 1],
    ['Pending (0), declined issuance', C.declined, 2],
  ])('answers 409 from %s to %i and leaves the card as it was', async (_from, id, to) => {
    const before = await cardOf(id);
    const res = await setStatus(id, to);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/block and unblock \(newStatus 1 or 2\) work only between Active \(1\) and On Hold \(2\)/);
    expect(await cardOf(id)).toEqual(before);
  });

  it.each([
    [0, 422],
    [3, 422],
    [4, 422],
    ['2', 400],
    [null, 400],
  ])('refuses newStatus %j with %i', async (value, status) => {
    expect((await setStatus(C.active, value)).status).toBe(status);
    expect((await cardOf(C.active)).issuerCardStatus).toBe(1);
  });

  it('gives 404 for another program\'s card', async () => {
    expect((await setStatus(C.otherProgram, 2)).status).toBe(404);
  });
});

describe('card settings and PIN', () => {
  it('updates alias, limit and contact details in any state, and clears the alias with null', async () => {
    for (const id of [C.active, C.closed, C.notActivated]) {
      const res = await api().put(`/v2/cards/${id}/update`, { alias: 'Renamed', transactionLimit: 100, phoneNum: '4155550199', emailAdr: 'card@example.com' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ alias: 'Renamed', transactionLimit: 100, phoneNum: '4155550199', emailAdr: 'card@example.com' });
    }
    expect((await api().put(`/v2/cards/${C.active}/update`, { alias: null })).body.alias).toBeNull();
    expect((await api().put(`/v2/cards/${C.active}/update`, {})).status).toBe(400);
    expect((await api().put(`/v2/cards/${C.active}/update`, { callingCode: '0001' })).status).toBe(422);
  });

  it('changes the PIN of a card with a PIN only with the right oldPin', async () => {
    const pin = (body: Record<string, unknown>) => api().put(`/v2/cards/${C.activatedPhysical}/pin`, body);
    const missing = await pin({ newPin: '1111' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'oldPin' })]);
    const wrong = await pin({ oldPin: '0000', newPin: '1111' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.message).toBe(cardMessages.oldPinWrong);
    expect((await pin({ oldPin: activatedPhysicalPin, newPin: '1111' })).body).toEqual({ status: 'success', cardId: C.activatedPhysical });
    expect((await pin({ oldPin: activatedPhysicalPin, newPin: '2222' })).status).toBe(422);
    expect((await pin({ oldPin: '1111', newPin: '2222' })).status).toBe(200);
  });

  it('starts from the default PIN (the last four digits of the PAN), and refuses PIN changes outside Active and On Hold (409)', async () => {
    expect((await api().put(`/v2/cards/${C.active}/pin`, { oldPin: '0016', newPin: '9876' })).status).toBe(200);
    expect((await api().put(`/v2/cards/${C.onHold}/pin`, { oldPin: '0032', newPin: '9876' })).status).toBe(200);
    for (const id of [C.closed, C.notActivated, C.pending]) {
      const res = await api().put(`/v2/cards/${id}/pin`, { oldPin: '0000', newPin: '9876' });
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/the PIN can be changed only while the card is Active \(1\) or On Hold \(2\)/);
    }
    expect((await api().put(`/v2/cards/${C.active}/pin`, { oldPin: '9876', newPin: '12a4' })).status).toBe(422);
  });
});
