import type { components } from '../generated/control.js';

/** Fault rules (contract section 6): a closed set of fault types, matched per request. */

export type FinalFault =
  | { type: 'status'; status: number; retryAfter?: number; body?: Record<string, unknown> }
  | { type: 'reset' }
  | { type: 'timeout' }
  | { type: 'malformed' };

export type Fault = FinalFault | { type: 'delay'; ms: number; jitterMs?: number } | { type: 'after-commit'; then: FinalFault };

export interface FaultMatch {
  method?: NonNullable<components['schemas']['FaultMatch']['method']>;
  /** a spec path template (`/v2/cardholders/{cardholderId}`) or a concrete path */
  path?: string;
  programId?: number;
  apiKey?: string;
}

/** A rule as stored (state.faults). Counters are runtime only: see FaultEngine. */
export interface FaultRule {
  id: string;
  match: FaultMatch;
  fault: Fault;
  probability: number;
  /** the PRNG seed; assigned at random when the client gives none, so any run can be replayed */
  seed: number;
  times: number | null;
  skip: number;
  ttlSeconds: number | null;
  /** Unix seconds on the mock's clock */
  createdAt: number;
  expiresAt: number | null;
}

export interface FaultRuleInput {
  id?: string;
  match?: FaultMatch;
  fault: Fault;
  probability?: number;
  seed?: number;
  times?: number;
  skip?: number;
  ttlSeconds?: number;
}

/** The facts of a request a rule can match on. */
export interface RequestFacts {
  method: string;
  path: string;
  programId: number;
  apiKey: string;
}
