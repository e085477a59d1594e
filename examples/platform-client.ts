// The code under test in these examples: a minimal client for the platform API, as an app would have.
// It takes the base URL, the API key and a fetch dispatcher (in production an undici Agent with the
// real certificate; in tests the one startMock returns).


export interface PlatformConfig {
  apiUrl: string;
  apiKey: string;
  dispatcher: RequestInit['dispatcher'];
}

export interface NewCardholder {
  firstName: string;
  lastName: string;
  emailAdr: string;
  gender: number;
  dob: string;
  nationality: string;
  placeOfBirth: string;
  adrLine1: string;
  city: string;
  state: string;
  country: string;
  zipCode: string;
  callingCode: string;
  cellNum: string;
  countryCallingCode: string;
}

export class PlatformError extends Error {
  constructor(readonly status: number, message: string) {
    super(`platform answered ${status}: ${message}`);
  }
}

export function platformClient({ apiUrl, apiKey, dispatcher }: PlatformConfig) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${apiUrl}/v2${path}`, {
      method,
      dispatcher,
      headers: { 'X-API-Key': apiKey, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { message?: string };
    if (!res.ok) throw new PlatformError(res.status, json.message ?? '');
    return json;
  }
  return {
    listCardholders: () => call<{ items: Array<{ cardholderId: number; lastName: string; status: number }>; total: number }>('GET', '/cardholders?limit=100'),
    createCardholder: (cardholder: NewCardholder) => call<{ cardholderId: number }>('POST', '/cardholders', cardholder),
  };
}

export const exampleCardholder: NewCardholder = {
  firstName: 'Robin',
  lastName: 'Example',
  emailAdr: 'robin.example@example.com',
  gender: 0,
  dob: '1988-02-29',
  nationality: 'British',
  placeOfBirth: 'GBR',
  adrLine1: '1 Example Street',
  city: 'London',
  state: 'LDN',
  country: 'GB',
  zipCode: 'EC1A1BB',
  callingCode: '044',
  cellNum: '7700900123',
  countryCallingCode: 'GB',
};
