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

/** Fixture cards of program 1 in every state (issuerCardStatus / cardStatus), plus one of program 3. */
export const fixtureCard = {
  /** virtual, Active, cardholder 10001, limit 250000, ledger 229840 / available 225340 (an authorized hold of 4500) */
  active: 20001,
  /** physical, Not Activated (4), cardholder 10001: see notActivatedDetails */
  notActivated: 20002,
  /** virtual, On Hold (2), cardholder 10002, 10000 / 10000 */
  onHold: 20003,
  /** virtual, Closed (3), cardholder 10002 */
  closed: 20004,
  /** physical, issuance Pending (cardStatus 0, issuerCardStatus 0), cardholder 10011 */
  pending: 20005,
  /** virtual, issuance Declined (cardStatus 2), cardholder 10011 */
  declined: 20006,
  /** virtual, Active, cardholder 10011, 50000 / 50000 */
  activeSecond: 20007,
  /** physical, activated (Active) with PIN 4321, cardholder 10001, 17200 / 17200 */
  activatedPhysical: 20008,
  /** program 3's (no 3-D Secure), Active, cardholder 10013 */
  otherProgram: 20009,
} as const;

export const notActivatedDetails = { cardNumber: '4000000000200024', expMonth: 12, expYear: 2028, cvv: '417' } as const;
export const activatedPhysicalPin = '4321';

/** Fixture wallets: 3001..3003 program 1 (USD), 3004 program 3 (GBP). */
export const fixtureWallet = {
  /** 1,050,000 ledger and available */
  operating: 3001,
  /** 120,000 */
  payroll: 3002,
  /** 0 */
  empty: 3003,
  otherProgram: 3004,
} as const;
