import { checkFault } from './fault-shape.js';
import { cidrProblem } from '../net/ip.js';
import type { FieldError } from '../http/errors.js';
import type { State } from './state.js';

/** Id-keyed collections: [collection, id field, sequences key or null when ids are not numbered from a sequence]. */
const COLLECTIONS: Array<[keyof State, string, string | null]> = [
  ['programs', 'programId', 'programs'],
  ['apiKeys', 'apiKey', null],
  ['certificates', 'serial', null],
  ['cardholders', 'cardholderId', 'cardholders'],
  ['bankAccounts', 'depositId', 'bankAccounts'],
  ['cards', 'cardId', 'cards'],
  ['wallets', 'walletId', 'wallets'],
  ['deposits', 'depositId', 'deposits'],
  ['transfers', 'transferId', 'transfers'],
  ['transactions', 'transId', null],
  ['fees', 'feeId', 'fees'],
  ['walletTransactions', 'walletTransactionId', 'walletTransactions'],
  ['otpListeners', 'token', null],
  ['faults', 'id', null],
];

/** Collections whose items belong to a program, and those that name a cardholder. */
const OWNED = ['apiKeys', 'certificates', 'cardholders', 'bankAccounts', 'cards', 'wallets', 'deposits', 'transfers', 'transactions', 'fees', 'walletTransactions', 'otpListeners'] as const;
const OF_CARDHOLDER = ['bankAccounts', 'cards', 'transactions', 'fees'] as const;

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
      const highest = items.reduce((max, item) => Math.max(max, item[idField] as number), 0);
      if ((state.sequences[sequence] ?? 0) < highest) {
        errors.push({ field: `sequences.${sequence}`, message: `must be at least the highest ${idField} (${highest}), or new ids would collide` });
      }
    }
  }
  state.programs.forEach((program, i) =>
    (program.allowlist ?? []).forEach((entry, j) => {
      const problem = cidrProblem(entry);
      if (problem) errors.push({ field: `programs.${i}.allowlist.${j}`, message: problem });
    }),
  );
  const programs = new Set(state.programs.map((p) => p.programId));
  const cardholders = new Set(state.cardholders.map((c) => c.cardholderId));
  for (const collection of OWNED) {
    (state[collection] ?? []).forEach((item, i) => {
      if (!programs.has(item.programId)) errors.push({ field: `${collection}.${i}.programId`, message: `no program ${item.programId}` });
    });
  }
  for (const collection of OF_CARDHOLDER) {
    (state[collection] ?? []).forEach((item, i) => {
      if (!cardholders.has(item.cardholderId)) errors.push({ field: `${collection}.${i}.cardholderId`, message: `no cardholder ${item.cardholderId}` });
    });
  }
  const wallets = new Set((state.wallets ?? []).map((w) => w.walletId));
  (state.transfers ?? []).forEach((t, i) => {
    if (!wallets.has(t.sourceWalletId)) errors.push({ field: `transfers.${i}.sourceWalletId`, message: `no wallet ${t.sourceWalletId}` });
  });
  (state.faults ?? []).forEach((rule, i) => checkFault(rule.fault, errors, `faults.${i}.fault`));
  return errors;
}
