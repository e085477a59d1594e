import { checkFault } from '../faults/rules.js';
import type { FieldError } from '../http/errors.js';
import type { State } from './state.js';

/** Id-keyed collections: [collection, id field, sequences key or null when ids are not numbered]. */
const COLLECTIONS: Array<[keyof State, string, string | null]> = [
  ['programs', 'programId', 'programs'],
  ['apiKeys', 'apiKey', null],
  ['certificates', 'serial', null],
  ['cardholders', 'cardholderId', 'cardholders'],
  ['bankAccounts', 'depositId', 'bankAccounts'],
  ['faults', 'id', null],
];

/**
 * What the schema cannot say about an imported state: unique ids, references that resolve,
 * sequences that will not hand out a taken id, fault rules that are complete. One entry per problem.
 */
export function checkIntegrity(state: State): FieldError[] {
  const errors: FieldError[] = [];
  for (const [collection, idField, sequence] of COLLECTIONS) {
    const items = (state[collection] ?? []) as unknown as Array<Record<string, unknown>>;
    const seen = new Set<unknown>();
    items.forEach((item, i) => {
      if (seen.has(item[idField])) errors.push({ field: `${collection}.${i}.${idField}`, message: `duplicate ${idField} ${String(item[idField])}` });
      seen.add(item[idField]);
    });
    if (sequence) {
      const highest = Math.max(0, ...items.map((item) => item[idField] as number));
      if ((state.sequences[sequence] ?? 0) < highest) {
        errors.push({ field: `sequences.${sequence}`, message: `must be at least the highest ${idField} (${highest}), or new ids would collide` });
      }
    }
  }
  const programs = new Set(state.programs.map((p) => p.programId));
  const cardholders = new Set(state.cardholders.map((c) => c.cardholderId));
  for (const collection of ['apiKeys', 'certificates', 'cardholders', 'bankAccounts'] as const) {
    state[collection].forEach((item, i) => {
      if (!programs.has(item.programId)) errors.push({ field: `${collection}.${i}.programId`, message: `no program ${item.programId}` });
    });
  }
  state.bankAccounts.forEach((b, i) => {
    if (!cardholders.has(b.cardholderId)) errors.push({ field: `bankAccounts.${i}.cardholderId`, message: `no cardholder ${b.cardholderId}` });
  });
  (state.faults ?? []).forEach((rule, i) => checkFault(rule.fault, errors, `faults.${i}.fault`));
  return errors;
}
