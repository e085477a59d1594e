import { describe, expect, it } from 'vitest';
import { useMock } from '../helpers/mock.js';
import { guideClient } from './guide-client.js';

/** docs/recipe-poll-compliance-status: the recipe's state machine over GET /cardholders/{cardholderId}. */
const mock = useMock();

const STATUS: Record<number, string> = { 0: 'PENDING', 1: 'APPROVED', 2: 'COMPLIANCE_DECLINE', 3: 'UNDER_REVIEW', 4: 'DRAFT', 5: 'DELETED', 6: 'ERROR', 7: 'ADMIN_DECLINE' };
const TERMINAL = new Set([1, 2, 5, 6, 7]);
const RETRYABLE = new Set([2, 6]);
const ESCALATE = new Set([5, 7]);

describe('Poll Compliance Status', () => {
  it('reads every status of the recipe, the deleted cardholder (5) included, as an integer on the cardholder', async () => {
    const { api } = guideClient(mock());
    // the staging fixtures hold a cardholder in each state: 10001 Approved ... 10009 Deleted
    const seen: Record<number, string> = {};
    for (const id of [10001, 10003, 10004, 10005, 10006, 10007, 10008, 10009]) {
      const { cardholder } = await api('GET', `/cardholders/${id}`);
      seen[cardholder.status] = STATUS[cardholder.status]!;
    }
    expect(seen).toEqual(STATUS);
    expect([...TERMINAL].every((s) => s in seen)).toBe(true);
    const deleted = (await api('GET', '/cardholders/10009')).cardholder.status;
    expect(TERMINAL.has(deleted) && ESCALATE.has(deleted)).toBe(true);
  });

  it('polls an under-review cardholder to a terminal status, then re-submits the retryable decline and polls to 1', async () => {
    const { api } = guideClient(mock());
    const cardholderId = 10012; // Under Review
    const poll = async () => (await api('GET', `/cardholders/${cardholderId}`)).cardholder.status as number;
    expect(TERMINAL.has(await poll())).toBe(false);
    await api('POST', '/staging/kyc/validate', { cardholderId, result: 'fail' });
    const declined = await poll();
    expect(RETRYABLE.has(declined)).toBe(true);
    // sandbox-testing-guide: "Force decline, then POST .../kyc-url/refresh -> force pass"
    const resubmitted = await api('POST', `/cardholders/${cardholderId}/kyc-url/refresh`);
    expect(resubmitted.applicationLink).toMatch(/^https:\/\//);
    expect(await poll()).toBe(3);
    await api('POST', '/staging/kyc/validate', { cardholderId, result: 'pass' });
    expect(STATUS[await poll()]).toBe('APPROVED');
  });
});
