import { describe, expect, it } from 'vitest';
import { apiClient, controlClient } from './helpers/client.js';
import { cardholderBody, fixtureCard as C, fixtureCardholder as F, fixtureWallet as W, notActivatedDetails } from './helpers/data.js';
import { resetPlaced } from './helpers/fixture-dates.js';
import { useMock } from './helpers/mock.js';

/**
 * Each row of docs-deltas.md the platform's docs decide (contract section 8), as the documented
 * request over real mTLS. Row numbers in the test names.
 */
const mock = useMock();
const api = () => apiClient(mock());
const control = () => controlClient(mock());
const cardholderIds = (items: Array<{ cardholderId: number }>) => items.map((c) => c.cardholderId);
const DAY = 86_400;

describe('lists, pagination, filters', () => {
  it('D1: limit up to 200 on every list; 201 is 422', async () => {
    for (const path of ['/v2/cardholders', '/v2/cards', '/v2/cards/transactions', '/v2/cards/fees', '/v2/wallets', '/v2/wallets/transactions']) {
      const ok = await api().get(`${path}?limit=200`);
      expect(ok.status, path).toBe(200);
      expect(ok.body.limit, path).toBe(200);
      const over = await api().get(`${path}?limit=201`);
      expect(over.status, path).toBe(422);
      expect(over.body.errors, path).toEqual([expect.objectContaining({ field: 'query.limit' })]);
    }
  });

  it('D2: the documented example GET /cardholders?status=1&orderBy=dateCreated&sort=desc&limit=20&offset=0 works', async () => {
    const res = await api().get('/v2/cardholders?status=1&orderBy=dateCreated&sort=desc&limit=20&offset=0');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'success', limit: 20, offset: 0 });
    expect(res.body.items.every((c: { status: number }) => c.status === 1)).toBe(true);
    // fixtures: 10001, 10002, 10011 approved, created in that order
    expect(cardholderIds(res.body.items)).toEqual([10011, 10002, F.approved]);
    const byName = await api().get('/v2/cardholders?status=1&orderBy=lastName');
    expect(byName.body.items.map((c: { lastName: string }) => c.lastName)).toEqual(['Adeyemi', 'Natarajan', 'Reyes']);
    expect((await api().get('/v2/cardholders?orderBy=cardholderId&sort=desc&limit=1')).body.items[0].cardholderId).toBe(10012);
    expect((await api().get('/v2/cardholders?orderBy=status&sort=asc&limit=1')).body.items[0].status).toBe(0);
  });

  it('D3: before / after on cardholders (Unix seconds)', async () => {
    // fixtures/default.json's dates, moved by the whole weeks the reset placed the history by
    const shift = await resetPlaced(mock());
    const res = await api().get(`/v2/cardholders?after=${1764010800 + shift}&before=${1764021600 + shift}`);
    expect(cardholderIds(res.body.items)).toEqual([10004, 10005, 10006]);
  });

  it('D4: GET /v2/cards lists the program\'s cards, filtered by issuerCardStatus and cardholderId, masked', async () => {
    const all = await api().get('/v2/cards');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(8);
    expect(all.body.items.every((c: Record<string, unknown>) => !('cardNumber' in c) && !('cvv' in c) && /^\*{12}\d{4}$/.test(c.maskedCardNumber as string))).toBe(true);
    // "Example: all active cards for a given cardholder"
    const active = await api().get(`/v2/cards?cardholderId=${F.approved}&issuerCardStatus=1`);
    expect(active.body.items.map((c: { cardId: number }) => c.cardId)).toEqual([C.active, C.activatedPhysical]);
    expect(active.body.items[0]).toEqual(expect.objectContaining({ cardId: C.active, cardholderId: F.approved, issuerCardStatus: 1 }));
    const byLastName = await api().get('/v2/cards?orderBy=cardHolderLastName&sort=asc&limit=1');
    expect(byLastName.body.items[0].cardholderId).toBe(10011); // Adeyemi
    expect((await api().get('/v2/cards?orderBy=createdDatetime&sort=desc&limit=1')).body.items[0].cardId).toBe(C.activeSecond);
    expect((await api().get('/v2/cards?issuerCardStatus=5')).status).toBe(422);
    expect((await apiClient(mock(), { programId: 3 }).get('/v2/cards')).body.items.map((c: { cardId: number }) => c.cardId)).toEqual([C.otherProgram]);
  });

  it('D5, D6, D7: card transactions filter by transId, status and type', async () => {
    const one = await api().get('/v2/cards/transactions?transId=txn_900002');
    expect(one.body.items.map((t: { transId: string }) => t.transId)).toEqual(['txn_900002']);
    const declined = await api().get('/v2/cards/transactions?status=4');
    expect(declined.body.items.map((t: { transId: string }) => t.transId)).toEqual(['txn_900009', 'txn_900007', 'txn_900003']);
    const atm = await api().get('/v2/cards/transactions?type=2');
    expect(atm.body.items.map((t: { transId: string; type: number }) => [t.transId, t.type])).toEqual([['txn_900006', 2]]);
    // conjunctive
    expect((await api().get(`/v2/cards/transactions?status=3&cardId=${C.active}`)).body.total).toBe(2);
    expect((await api().get('/v2/cards/transactions?status=6')).status).toBe(422);
    expect((await api().get('/v2/cards/transactions?status=pending')).status).toBe(400);
  });

  it('D8: card transactions take orderBy (cardholderId, status, lastName, dateCreated) and sort', async () => {
    const res = await api().get('/v2/cards/transactions?orderBy=dateCreated&sort=asc&limit=2');
    expect(res.body.items.map((t: { transId: string }) => t.transId)).toEqual(['txn_900001', 'txn_900002']);
    const byStatus = await api().get('/v2/cards/transactions?orderBy=status&sort=desc&limit=1');
    expect(byStatus.body.items[0].status).toBe(5);
    const byName = (await api().get('/v2/cards/transactions?orderBy=lastName')).body.items.map((t: { cardholderId: number }) => t.cardholderId);
    expect(byName[0]).toBe(10011); // Adeyemi first
  });

  it('D9: without after, card transactions and fees start 90 days back; a spend made now is listed', async () => {
    // the fixture history lies in the last week: listed; 90 days on it falls out of the window
    expect((await api().get('/v2/cards/transactions')).body.total).toBe(9);
    expect((await api().get('/v2/cards/fees')).body.total).toBe(2);
    await control().post('/_mock/clock/advance', { seconds: 91 * DAY });
    expect((await api().get('/v2/cards/transactions')).body.total).toBe(0);
    expect((await api().get('/v2/cards/transactions?after=0')).body.total).toBe(9);
    const spend = await api().post(`/v2/staging/cards/${C.activeSecond}/spend`, { amount: '1.00', merchantCurrency: 'EUR' });
    const listed = await api().get('/v2/cards/transactions');
    expect(listed.body.items.map((t: { transId: string }) => t.transId)).toEqual([spend.body.transaction.transId]);
    expect((await api().get('/v2/cards/fees')).body.total).toBe(1);
    await control().post('/_mock/clock/advance', { seconds: 91 * DAY });
    expect((await api().get('/v2/cards/transactions')).body.total).toBe(0);
    expect((await api().get('/v2/cards/fees')).body.total).toBe(0);
  });

  it('D10: fees take orderBy / sort and limit up to 200', async () => {
    const res = await api().get('/v2/cards/fees?orderBy=amount&sort=asc&limit=200');
    expect(res.status).toBe(200);
    expect(res.body.items.map((f: { amount: string }) => f.amount)).toEqual(['1.60', '3.00']);
  });
});

describe('transaction objects', () => {
  it('D12, D13: status and type are integers on every transaction', async () => {
    const items = (await api().get('/v2/cards/transactions')).body.items as Array<{ status: unknown; type: unknown }>;
    expect(items.length).toBeGreaterThan(0);
    for (const t of items) {
      expect([1, 2, 3, 4, 5]).toContain(t.status);
      expect([1, 2, 3]).toContain(t.type);
    }
  });
});

describe('cardholders and compliance', () => {
  it('D15: a deleted cardholder answers 200 with status 5 and is listed; changes are 409', async () => {
    const res = await api().get(`/v2/cardholders/${F.deleted}`);
    expect(res.status).toBe(200);
    expect(res.body.cardholder).toMatchObject({ cardholderId: F.deleted, status: 5 });
    expect(cardholderIds((await api().get('/v2/cardholders?status=5')).body.items)).toEqual([F.deleted]);
    const before = JSON.stringify(mock().store.state.cardholders);
    for (const [method, path, body] of [
      ['put', `/v2/cardholders/${F.deleted}`, cardholderBody()],
      ['put', `/v2/cardholders/${F.deleted}/update`, { cellNum: '4155550000' }],
      ['put', `/v2/cardholders/${F.deleted}/kyc-submit`, undefined],
      ['post', `/v2/cardholders/${F.deleted}/kyc-url/refresh`, undefined],
      ['post', `/v2/cards/virtual/${F.deleted}`, { nameOnCard: 'Deleted Person' }],
    ] as const) {
      const r = await api().request(method.toUpperCase(), path, { body });
      expect(r.status, path).toBe(409);
      expect(r.body.message, path).toMatch(/status 5/);
    }
    expect(JSON.stringify(mock().store.state.cardholders)).toBe(before);
  });

  it('D16: kyc-url/refresh after a Compliance Decline re-submits: a new link and status 3', async () => {
    const res = await api().post(`/v2/cardholders/${F.complianceDecline}/kyc-url/refresh`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'success', cardholderId: F.complianceDecline, cardholderStatus: 3, applicationLink: expect.stringMatching(/^https:\/\//) });
    expect((await api().post('/v2/staging/kyc/validate', { cardholderId: F.complianceDecline, result: 'pass' })).body.result.status).toBe(1);
    expect((await api().post(`/v2/cardholders/${F.draft}/kyc-url/refresh`)).status).toBe(409);
  });

  it('D19: sumsubEnabled 1 only on a program with SumSub (422 otherwise); the control plane switches it', async () => {
    const harbor = apiClient(mock(), { programId: 3 });
    const refused = await harbor.post('/v2/cardholders', cardholderBody({ sumsubEnabled: 1 }));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: 'sumsubEnabled', message: 'must be 0 on a program without SumSub' }]);
    expect((await harbor.post('/v2/cardholders', cardholderBody({ sumsubEnabled: 0 }))).status).toBe(200);
    const patched = await control().call('PATCH', '/_mock/programs/3', { sumsubEnabled: true });
    expect(patched.body).toMatchObject({ programId: 3, sumsubEnabled: true });
    expect((await harbor.post('/v2/cardholders', cardholderBody({ sumsubEnabled: 1 }))).status).toBe(200);
    expect((await control().call('PATCH', '/_mock/programs/3', {})).status).toBe(400);
  });

  it('D20: sumsubEnabled as a boolean is stored as 0 / 1', async () => {
    const created = await api().post('/v2/cardholders', cardholderBody({ sumsubEnabled: true }));
    expect((await api().get(`/v2/cardholders/${created.body.cardholderId}`)).body.cardholder.sumsubEnabled).toBe(1);
  });
});

describe('cards', () => {
  it('D23, D24: activation with the reference page\'s integers (a 2-digit year, a zero-padded CVV)', async () => {
    const res = await api().put(`/v2/cards/${C.notActivated}/activate`, {
      cardNumber: Number(notActivatedDetails.cardNumber),
      expMonth: notActivatedDetails.expMonth,
      expYear: notActivatedDetails.expYear % 100,
      cvv: Number(notActivatedDetails.cvv),
      newPin: 2580,
    });
    expect(res.status).toBe(200);
    expect(res.body.issuerCardStatus).toBe(1);
    expect((await api().put(`/v2/cards/${C.notActivated}/pin`, { oldPin: '2580', newPin: '1111' })).status).toBe(200);
  });

  it('D23: an integer CVV is compared zero-padded (12 = "012")', async () => {
    const card = (await api().post(`/v2/cards/assign/${F.approved}`, {})).body;
    const details = (await api().get(`/v2/cards/${card.cardId}/sensitive`)).body;
    const res = await api().put(`/v2/cards/${card.cardId}/activate`, { ...details, cardId: undefined, status: undefined, cvv: Number(details.cvv), newPin: 7 });
    expect(res.status).toBe(200);
    expect((await api().put(`/v2/cards/${card.cardId}/pin`, { oldPin: '0007', newPin: '1111' })).status).toBe(200);
  });

  it('D25, D26: a new card\'s PIN is the last four digits of its PAN; the current PIN is always required', async () => {
    const card = (await api().post(`/v2/cards/virtual/${F.approved}`, { nameOnCard: 'Jordan Reyes' })).body;
    const last4 = card.maskedCardNumber.slice(-4);
    expect((await api().put(`/v2/cards/${card.cardId}/pin`, { newPin: '1234' })).status).toBe(400);
    const wrong = await api().put(`/v2/cards/${card.cardId}/pin`, { oldPin: last4 === '0000' ? '1111' : '0000', newPin: '1234' });
    expect(wrong.status).toBe(422);
    expect((await api().put(`/v2/cards/${card.cardId}/pin`, { oldPin: last4, newPin: '1234' })).body).toEqual({ status: 'success', cardId: card.cardId });
  });

  it('D27: physical issuance without cardType (0) or nameOnCard (the cardholder\'s name)', async () => {
    const res = await api().post(`/v2/cards/assign/${F.approved}`, { nameOnCard: 'Jordan Reyes' });
    expect(res.body).toMatchObject({ status: 'success', type: 'physical', cardType: 0, nameOnCard: 'Jordan Reyes', maskedCardNumber: expect.stringMatching(/^\*{12}\d{4}$/) });
  });
});

describe('funding, wallets, transfers', () => {
  const trace = {
    transactionAmount: 250000,
    transactionReference: 'REMIT-2026-0042',
    senderAccountName: 'Jordan Reyes',
    senderAccountNumber: 'GB29NWBK60161331926819',
    senderRoutingNumber: 'NWBKGB2L',
  };

  it('D33: bank-deposit traces with the sender account number and routing number (cards and wallets)', async () => {
    const wallet = await api().post(`/v2/wallets/${W.empty}/bank-deposit`, trace);
    expect(wallet.status).toBe(200);
    expect(wallet.body).toMatchObject({ status: 'success', statusText: 'pending', ledgerBalance: 250000, availableBalance: 0 });
    const card = await api().post(`/v2/cards/${C.activeSecond}/bank-deposit`, trace);
    expect(card.status).toBe(200);
    const stored = mock().store.state.deposits.find((d) => d.depositId === card.body.depositId)!;
    expect(stored).toMatchObject({ senderAccountNumber: 'GB29NWBK60161331926819', senderRoutingNumber: 'NWBKGB2L' });
    expect((await api().post(`/v2/cards/${C.activeSecond}/bank-deposit`, { ...trace, senderRoutingNumber: 'X'.repeat(13) })).status).toBe(422);
  });

  it('D35, D36: register-bank-account takes the guide\'s BIC NWBKGB2L and an IBAN', async () => {
    const res = await api().post(`/v2/cardholders/${F.approved}/register-bank-account`, {
      senderAccountName: 'Jordan Reyes',
      senderAccountNumber: 'GB29NWBK60161331926819',
      senderRoutingNumber: 'NWBKGB2L',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', depositId: expect.any(Number), statusText: 'pending' });
    const sortCode = await api().post(`/v2/cardholders/${F.approved}/register-bank-account`, { senderAccountName: 'J R', senderAccountNumber: '31926819', senderRoutingNumber: '60-16-13' });
    expect(sortCode.status).toBe(200);
    expect((await api().post(`/v2/cardholders/${F.approved}/register-bank-account`, { senderAccountName: 'J R', senderAccountNumber: '123', senderRoutingNumber: 'NWBKGB2L' })).status).toBe(422);
  });

  it('D39: a transfer answers transId and transStatus; the wallet movements carry the transId', async () => {
    const res = await api().post('/v2/wallets/transfer', { sourceWalletId: W.operating, destinationType: 1, destinationId: C.activeSecond, amount: 5000 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'success', transId: expect.any(Number), transStatus: 1 });
    const moves = (await api().get(`/v2/wallets/transactions?walletId=${W.operating}&limit=1`)).body.items;
    expect(moves[0]).toMatchObject({ type: 'transfer_out', transId: res.body.transId });
  });

  it('D40, D41: the deprecated traces take the documented hash / address with a network hint', async () => {
    expect((await api().post(`/v2/wallets/${W.operating}/deposit`, { transactionHash: '0xabc', network: 'Ethereum' })).status).toBe(200);
    expect((await api().post(`/v2/cardholders/${F.approved}/register-wallet-address`, { address: '0x52908400098527886E0F7030069857D2E4169EE7', network: 'Ethereum' })).status).toBe(200);
  });
});

describe('3-D Secure', () => {
  it('D43: the subscription answers expiresAt null as the 3-DS guide shows', async () => {
    const res = await api().post('/v2/otp/listeners', { cardId: C.active });
    expect(res.body).toEqual({ status: 'success', token: expect.any(String), expiresAt: null });
  });
});
