import { describe, expect, it } from 'vitest';
import { cardholderMessages } from '../src/domain/cardholders.js';
import { messages } from '../src/http/errors.js';
import { apiClient } from './helpers/client.js';
import { cardholderBody, fixtureCardholder as F } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const api = () => apiClient(mock());
const prod = () => apiClient(mock(), { programId: 2 });

async function createDraft(overrides = {}) {
  const res = await api().post('/v2/cardholders', cardholderBody(overrides));
  expect(res.status).toBe(200);
  return res.body.cardholderId as number;
}

async function statusOf(id: number) {
  return (await api().get(`/v2/cardholders/${id}`)).body.cardholder.status as number;
}

describe('creating and reading cardholders', () => {
  it('creates a cardholder in Draft (4) and reads it back with every field', async () => {
    const res = await api().post('/v2/cardholders', cardholderBody({ phoneNum: '4155550000' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', cardholderId: expect.any(Number) });
    expect(res.headers['x-request-id']).toMatch(/^req_/);
    const got = await api().get(`/v2/cardholders/${res.body.cardholderId}`);
    expect(got.status).toBe(200);
    expect(got.body.cardholder).toMatchObject({ ...cardholderBody({ phoneNum: '4155550000' }), status: 4, sumsubEnabled: 0, applicationLink: null, transactionLimit: 1000000 });
  });

  it('lists cardholders with paging and a status filter, deleted ones included (contract 8.8)', async () => {
    const all = await api().get('/v2/cardholders');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ status: 'success', limit: 50, offset: 0 });
    expect(all.body.items.map((c: { cardholderId: number }) => c.cardholderId)).toContain(F.deleted);
    const deleted = await api().get('/v2/cardholders?status=5');
    expect(deleted.body.items.map((c: { cardholderId: number }) => c.cardholderId)).toEqual([F.deleted]);
    const page = await api().get('/v2/cardholders?limit=2&offset=1');
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBe(all.body.total);
    expect(page.body.items[0]).toEqual(all.body.items[1]);
    const approved = await api().get('/v2/cardholders?status=1');
    expect(approved.body.items.length).toBeGreaterThan(0);
    expect(approved.body.items.every((c: { status: number }) => c.status === 1)).toBe(true);
  });

  it.each([
    ['limit=0', 422],
    ['limit=201', 422],
    ['orderBy=firstName', 422],
    ['sort=up', 422],
    ['offset=-1', 422],
    ['limit=abc', 400],
    ['unknown=1', 400],
  ])('rejects list query %s with %i', async (query, status) => {
    const res = await api().get(`/v2/cardholders?${query}`);
    expect(res.status).toBe(status);
    expect(res.body.status).toBe('error');
  });

  it('gives 404 for an unknown id and another program\'s cardholder', async () => {
    for (const id of [999999, F.otherProgram]) {
      const res = await api().get(`/v2/cardholders/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ status: 'error', message: messages.notFound('Cardholder', id) });
    }
  });

  it('keeps programs apart: a cardholder created in staging is 404 with production credentials', async () => {
    const id = await createDraft();
    expect((await prod().get(`/v2/cardholders/${id}`)).status).toBe(404);
  });

  it('rejects a limit above the program ceiling with 422 and creates nothing', async () => {
    const before = (await api().get('/v2/cardholders')).body.total;
    const res = await api().post('/v2/cardholders', cardholderBody({ transactionLimit: 1000001 }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'transactionLimit', message: 'must be at most 1000000' }]);
    expect((await api().get('/v2/cardholders')).body.total).toBe(before);
  });
});

describe('the compliance lifecycle', () => {
  it('walks Draft -> Under Review -> Approved, with a KYC link that refreshes only under review', async () => {
    const id = await createDraft();
    const refreshEarly = await api().post(`/v2/cardholders/${id}/kyc-url/refresh`);
    expect(refreshEarly.status).toBe(409);
    const submitted = await api().put(`/v2/cardholders/${id}/kyc-submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'success', cardholderStatus: 3, applicationLink: expect.stringMatching(/^https:\/\//) });
    const refreshed = await api().post(`/v2/cardholders/${id}/kyc-url/refresh`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.applicationLink).not.toBe(submitted.body.applicationLink);
    const validated = await api().post('/v2/staging/kyc/validate', { cardholderId: id, result: 'pass' });
    expect(validated.status).toBe(200);
    expect(validated.body).toEqual({ status: 'success', result: { cardholderId: id, status: 1 } });
    expect(await statusOf(id)).toBe(1);
  });

  it('a failed validation gives Compliance Decline (2), from which a re-submit is allowed', async () => {
    const id = await createDraft();
    await api().put(`/v2/cardholders/${id}/kyc-submit`);
    expect((await api().post('/v2/staging/kyc/validate', { cardholderId: id, result: 'fail' })).status).toBe(200);
    expect(await statusOf(id)).toBe(2);
    expect((await api().put(`/v2/cardholders/${id}/kyc-submit`)).status).toBe(200);
    expect(await statusOf(id)).toBe(3);
  });

  it.each([
    ['Compliance Decline', F.complianceDecline],
    ['Error', F.error],
    ['Admin Decline', F.adminDecline],
  ])('allows a re-submit from %s', async (_name, id) => {
    const res = await api().put(`/v2/cardholders/${id}/kyc-submit`);
    expect(res.status).toBe(200);
    expect(res.body.cardholderStatus).toBe(3);
  });

  it.each([
    ['Approved', F.approved],
    ['Under Review', F.underReview],
    ['Pending', F.pending],
  ])('refuses kyc-submit from %s with 409', async (_name, id) => {
    const res = await api().put(`/v2/cardholders/${id}/kyc-submit`);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/kyc-submit is possible only from Draft/);
  });

  it('refuses kyc-submit for a SumSub cardholder with 409', async () => {
    const res = await api().put(`/v2/cardholders/${F.draftSumsub}/kyc-submit`);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/sumsubEnabled=1/);
  });

  it('forces a KYC outcome only for a cardholder under review (409 otherwise)', async () => {
    const res = await api().post('/v2/staging/kyc/validate', { cardholderId: F.draft, result: 'pass' });
    expect(res.status).toBe(409);
    expect(await statusOf(F.draft)).toBe(4);
  });

  it('answers the staging simulation with 404 for production credentials', async () => {
    const res = await prod().post('/v2/staging/kyc/validate', { cardholderId: F.underReview, result: 'pass' });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(messages.stagingOnly);
  });
});

describe('field locks', () => {
  it.each([
    ['Approved', F.approved],
    ['Under Review', F.underReview],
    ['Pending', F.pending],
  ])('a full edit while %s is 409 and changes nothing', async (_name, id) => {
    const before = (await api().get(`/v2/cardholders/${id}`)).body.cardholder;
    const res = await api().put(`/v2/cardholders/${id}`, cardholderBody({ firstName: 'Changed' }));
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(cardholderMessages.locked(before));
    expect((await api().get(`/v2/cardholders/${id}`)).body.cardholder).toEqual(before);
  });

  // program 1 has SumSub, so sumsubEnabled 1 is a valid value there: only the lock can refuse it
  const editableDetails = (c: Record<string, unknown>) => {
    const { cardholderId: _id, programId: _p, status: _s, applicationLink: _l, createdAt: _c, updatedAt: _u, transactionLimit: _t, ...details } = c;
    // the edit body takes no nulls: absent optional fields stay absent
    return Object.fromEntries(Object.entries(details).filter(([, v]) => v !== null));
  };

  it('the same sumsubEnabled-only edit passes on a Draft of the program (the control case for the lock below)', async () => {
    const draft = (await api().get(`/v2/cardholders/${F.draft}`)).body.cardholder;
    expect(draft).toMatchObject({ status: 4, sumsubEnabled: 0 });
    const res = await api().put(`/v2/cardholders/${F.draft}`, { ...editableDetails(draft), sumsubEnabled: 1 });
    expect(res.status, res.text).toBe(200);
    expect((await api().get(`/v2/cardholders/${F.draft}`)).body.cardholder.sumsubEnabled).toBe(1);
  });

  it.each([
    ['Under Review', F.underReview],
    ['Approved', F.approved],
  ])('sumsubEnabled cannot change while %s: 409 naming the lock, nothing changed, and the limited update refuses it', async (_name, id) => {
    const before = (await api().get(`/v2/cardholders/${id}`)).body.cardholder;
    expect(before.sumsubEnabled).toBe(0);
    const res = await api().put(`/v2/cardholders/${id}`, { ...editableDetails(before), sumsubEnabled: 1 });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(cardholderMessages.locked(before));
    expect(res.body.message).toContain('sumsubEnabled');
    const limited = await api().put(`/v2/cardholders/${id}/update`, { sumsubEnabled: 1 });
    expect(limited.status).toBe(400);
    expect((await api().get(`/v2/cardholders/${id}`)).body.cardholder).toEqual(before);
  });

  it.each([
    ['Draft', F.draft],
    ['Compliance Decline', F.complianceDecline],
    ['Error', F.error],
    ['Admin Decline', F.adminDecline],
  ])('a full edit while %s replaces the details', async (_name, id) => {
    const res = await api().put(`/v2/cardholders/${id}`, cardholderBody({ firstName: 'Alexis', sumsubEnabled: 1 }));
    expect(res.status).toBe(200);
    expect(res.body.cardholder).toMatchObject({ firstName: 'Alexis', sumsubEnabled: 1, cardholderId: id });
  });

  it('the limited update works after approval for the limit and contact details', async () => {
    const res = await api().put(`/v2/cardholders/${F.approved}/update`, { transactionLimit: 250000, emailAdr: 'new.address@example.com', cellNum: '4155559999' });
    expect(res.status).toBe(200);
    expect(res.body.cardholder).toMatchObject({ transactionLimit: 250000, emailAdr: 'new.address@example.com', cellNum: '4155559999', status: 1 });
  });

  it('the limited update refuses identity fields (400) and an empty body', async () => {
    expect((await api().put(`/v2/cardholders/${F.approved}/update`, { firstName: 'Nope' })).status).toBe(400);
    expect((await api().put(`/v2/cardholders/${F.approved}/update`, {})).status).toBe(400);
  });
});

describe('bank accounts', () => {
  const account = { senderAccountName: 'Jordan Reyes', senderAccountNumber: '000123456789', senderRoutingNumber: '021000021' };

  it('registers a bank account for an Approved cardholder', async () => {
    const res = await api().post(`/v2/cardholders/${F.approved}/register-bank-account`, account);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', depositId: expect.any(Number), statusText: 'pending' });
  });

  it.each([
    ['Draft', F.draft],
    ['Under Review', F.underReview],
    ['Compliance Decline', F.complianceDecline],
  ])('refuses a %s cardholder with 403', async (_name, id) => {
    const res = await api().post(`/v2/cardholders/${id}/register-bank-account`, account);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/requires an Approved cardholder/);
  });

  it('checks the account fields: too short is 422, missing is 400', async () => {
    expect((await api().post(`/v2/cardholders/${F.approved}/register-bank-account`, { ...account, senderAccountNumber: '123' })).status).toBe(422);
    expect((await api().post(`/v2/cardholders/${F.approved}/register-bank-account`, { senderAccountName: 'x' })).status).toBe(400);
  });
});
