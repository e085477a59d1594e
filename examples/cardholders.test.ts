// How an app's test suite embeds the mock: one mock per file, a reset before every test,
// the app's own client pointed at it, and assertions on what the mock saw (its journal).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMock, type RunningMock } from 'axys-mock';
import { exampleCardholder, platformClient, PlatformError } from './platform-client.js';

let mock: RunningMock;
let platform: ReturnType<typeof platformClient>;

beforeAll(async () => {
  mock = await startMock(); // free ports, in-memory store, default fixtures
  platform = platformClient({ apiUrl: mock.apiUrl, apiKey: mock.apiKey, dispatcher: mock.dispatcher });
});
beforeEach(() => mock.control.reset());
afterAll(() => mock.close());

describe('onboarding a cardholder', () => {
  it('creates a cardholder who starts as a Draft (compliance status 4; 3 is Under Review, after kyc-submit)', async () => {
    const { cardholderId } = await platform.createCardholder(exampleCardholder);
    const { items } = await platform.listCardholders();
    expect(items.find((c) => c.cardholderId === cardholderId)).toMatchObject({ lastName: 'Example', status: 4 });
  });

  it('starts from the fixtures again: the previous test\'s cardholder is gone', async () => {
    const { items } = await platform.listCardholders();
    expect(items.some((c) => c.lastName === 'Example')).toBe(false);
  });

  it('sent exactly one POST, with the staging program\'s credentials (journal)', async () => {
    await platform.createCardholder(exampleCardholder);
    const { items } = await mock.control.journal.list({ method: 'POST', path: '/v2/cardholders' });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 200, programId: mock.programId, decision: 'ok' });
  });

  it('surfaces validation errors with the platform\'s message', async () => {
    const error = await platform.createCardholder({ ...exampleCardholder, country: 'United Kingdom' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ status: 422 });
    expect((await mock.control.journal.list({ status: 422 })).total).toBe(1);
  });
});

describe('the gateway, as the platform enforces it', () => {
  it('a revoked API key gets 401', async () => {
    await mock.control.programs.revokeApiKey(mock.apiKey);
    await expect(platform.listCardholders()).rejects.toMatchObject({ status: 401 });
    expect((await mock.control.journal.list({ decision: 'invalid_api_key' })).total).toBe(1);
  });

  it('a caller outside the allowlist gets 403', async () => {
    await mock.control.programs.setAllowlist(mock.programId, ['203.0.113.10/32']);
    await expect(platform.listCardholders()).rejects.toMatchObject({ status: 403, message: 'platform answered 403: No authorized IPs configured' });
  });
});
