/** A valid create-cardholder body with test data (no real people). */
export function cardholderBody(overrides: Record<string, unknown> = {}) {
  return {
    firstName: 'Jordan',
    lastName: 'Reyes',
    emailAdr: 'jordan.reyes@example.com',
    gender: 0,
    dob: '1990-05-14',
    nationality: 'American',
    placeOfBirth: 'USA',
    adrLine1: '123 Market Street',
    city: 'San Francisco',
    state: 'CA',
    country: 'US',
    zipCode: '94105',
    callingCode: '001',
    cellNum: '4155551234',
    countryCallingCode: 'US',
    ...overrides,
  };
}

/** Fixture cardholders of program 1 (staging), one per compliance state. */
export const fixtureCardholder = {
  approved: 10001,
  draft: 10003,
  underReview: 10004,
  complianceDecline: 10005,
  error: 10006,
  adminDecline: 10007,
  pending: 10008,
  deleted: 10009,
  draftSumsub: 10010,
  /** program 3's, another tenant */
  otherProgram: 10013,
} as const;

export const fixtureKeys = {
  staging: 'axys_stg_northwind_4f1c2a9e7b3d5a60',
  production: 'axys_prd_northwind_8e2b7c1d9f4a6e30',
  otherProgram: 'axys_stg_harbor_2d6f0b8a1c9e7f42',
} as const;
