import { describe, expect, it } from 'vitest';
import { useMock } from '../helpers/mock.js';
import { guideClient, quickstartCardholder } from './guide-client.js';

/** docs/guide-onboard-a-cardholder (and the Quickstart's first calls). */
const mock = useMock();

describe('Onboard a New Cardholder', () => {
  it('Quickstart Step 1: the connectivity check answers the documented empty-list shape', async () => {
    const { api } = guideClient(mock(), 3);
    const list = await api('GET', '/cardholders?status=4');
    expect(Object.keys(list).sort()).toEqual(['items', 'limit', 'offset', 'status', 'total']);
    expect(list).toMatchObject({ status: 'success', limit: 50, offset: 0 });
  });

  it('create (4 Draft) -> edit while in 4 -> kyc-submit (3 + applicationLink) -> refresh the link -> poll', async () => {
    const { api, statusOf } = guideClient(mock());
    const { cardholderId } = await api('POST', '/cardholders', quickstartCardholder);
    expect((await api('GET', `/cardholders/${cardholderId}`)).cardholder.status).toBe(4);
    // Edit cardholder: only callable in status 2/4/6/7
    const edited = await api('PUT', `/cardholders/${cardholderId}`, { ...quickstartCardholder, adrLine1: '500 Howard Street' });
    expect(edited.cardholder).toMatchObject({ adrLine1: '500 Howard Street', status: 4 });
    const submitted = await api('PUT', `/cardholders/${cardholderId}/kyc-submit`);
    expect(submitted).toMatchObject({ status: 'success', cardholderStatus: 3, applicationLink: expect.stringMatching(/^https:\/\//) });
    // status = 3 + link expired --> Regenerate KYC URL
    const refreshed = await api('POST', `/cardholders/${cardholderId}/kyc-url/refresh`);
    expect(refreshed.applicationLink).not.toBe(submitted.applicationLink);
    // compliance-locked while under review
    expect(await statusOf('PUT', `/cardholders/${cardholderId}`, quickstartCardholder)).toBe(409);
    await api('POST', '/staging/kyc/validate', { cardholderId, result: 'pass' });
    expect((await api('GET', `/cardholders/${cardholderId}`)).cardholder.status).toBe(1);
  });
});
