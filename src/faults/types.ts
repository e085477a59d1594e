import type { components } from '../generated/control.js';
import type { Fault } from '../store/state.js';

/** Fault rules (contract section 6): a closed set of fault types, matched per request. */

export type { Fault, FaultRule, FinalFault } from '../store/state.js';

export type FaultMatch = components['schemas']['FaultMatch'];

/** A rule as the control plane receives it, its fault narrowed per type like a stored one. */
export type FaultRuleInput = Omit<components['schemas']['FaultRuleCreate'], 'fault'> & { fault: Fault };

/** The facts of a request a rule can match on. */
export interface RequestFacts {
  method: string;
  path: string;
  programId: number;
  apiKey: string;
}
