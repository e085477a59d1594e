import type { RunningMock } from '../../src/mock.js';
import { apiClient, controlClient } from '../helpers/client.js';

/**
 * The client the platform's recipes write (recipe-zero-to-funded-card, client.js): mTLS with the
 * program's certificate, the X-API-Key header, JSON, and an error thrown when the answer is not ok or
 * says `"status":"error"`. Paths are written as the guides write them, relative to the /v2 base URL.
 */
export function guideClient(mock: RunningMock, programId = 1) {
  const client = apiClient(mock, { programId });
  async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await client.request(method, `/v2${path}`, { body });
    if (res.status < 200 || res.status >= 300 || res.body?.status === 'error') {
      throw Object.assign(new Error(`${method} ${path}: HTTP ${res.status} ${res.body?.message ?? res.text}`), { status: res.status, body: res.body });
    }
    return res.body as T;
  }
  /** the HTTP status of a request the guide says fails */
  const statusOf = async (method: string, path: string, body?: unknown) => (await client.request(method, `/v2${path}`, { body })).status;
  return { api, statusOf };
}

/** Test-side help the platform's sandbox offers through its simulations, plus the mock's clock. */
export function sandbox(mock: RunningMock) {
  const control = controlClient(mock);
  return {
    advanceDays: async (days: number) => {
      const res = await control.post('/_mock/clock/advance', { seconds: days * 86_400 });
      if (res.status !== 200) throw new Error(`clock advance: ${res.status}`);
    },
    control,
  };
}

/** The cardholder of the Quickstart (quickstart-first-api-call, Step 2), field for field. */
export const quickstartCardholder = {
  firstName: 'Jordan',
  lastName: 'Reyes',
  emailAdr: 'jordan.reyes@example.com',
  gender: 0,
  nationality: 'American',
  placeOfBirth: 'USA',
  dob: '1990-05-14',
  adrLine1: '123 Market Street',
  city: 'San Francisco',
  state: 'CA',
  country: 'US',
  zipCode: '94105',
  callingCode: '001',
  cellNum: '4155551234',
  countryCallingCode: 'US',
  phoneNum: '4155551234',
};

/** An Approved cardholder of the staging fixtures (Jordan Reyes), for the guides that start from one. */
export const APPROVED_CARDHOLDER = 10001;
