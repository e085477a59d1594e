import type { State } from '../store/state.js';

/** The collections whose records belong to one program (every record has `programId`), with their id sequence. */
const PROGRAM_COLLECTIONS = [
  ['cardholders', (r: { cardholderId: number }) => r.cardholderId],
  ['bankAccounts', (r: { depositId: number }) => r.depositId],
  ['cards', (r: { cardId: number }) => r.cardId],
  ['wallets', (r: { walletId: number }) => r.walletId],
  ['deposits', (r: { depositId: number }) => r.depositId],
  ['transfers', (r: { transferId: number }) => r.transferId],
  ['transactions', (r: { transId: string }) => Number(/^txn_(\d+)$/.exec(r.transId)?.[1] ?? 0)],
  ['fees', (r: { feeId: number }) => r.feeId],
  ['walletTransactions', (r: { walletTransactionId: number }) => r.walletTransactionId],
  ['otpListeners', null],
  ['idempotency', null],
] as const;

type ProgramCollection = (typeof PROGRAM_COLLECTIONS)[number][0];

/** One program's records: what a per-program snapshot holds and a per-program reset or restore puts back. */
export type ProgramData = { [K in ProgramCollection]: State[K] };

/** A deep copy of the program's records (its settings, keys, certificates and DNS records are not data: they stay). */
export function programData(state: State, programId: number): ProgramData {
  const data = {} as Record<ProgramCollection, unknown[]>;
  for (const [name] of PROGRAM_COLLECTIONS) data[name] = structuredClone(((state[name] ?? []) as { programId: number }[]).filter((r) => r.programId === programId));
  return data as ProgramData;
}

export function emptyProgramData(): ProgramData {
  return Object.fromEntries(PROGRAM_COLLECTIONS.map(([name]) => [name, []])) as unknown as ProgramData;
}

/** New collections and sequences that put `data` in place of the program's records; `state` is not changed. */
export interface ProgramDataPatch {
  collections: Partial<Record<ProgramCollection, unknown[]>>;
  sequences: Record<string, number>;
}

/**
 * What replacing the program's records with `data` changes, every other program's records left as
 * they are. Id sequences only move up (to the highest id restored), so ids handed out meanwhile, to
 * this program or to another, are never handed out again. Read it from the plain state (not a
 * tracked draft: the new collections must hold plain records), then assign it in one change.
 */
export function programDataPatch(state: State, programId: number, data: ProgramData): ProgramDataPatch {
  const patch: ProgramDataPatch = { collections: {}, sequences: {} };
  for (const [name, idOf] of PROGRAM_COLLECTIONS) {
    const current = (state[name] ?? []) as { programId: number }[];
    const incoming = ((data[name] ?? []) as { programId: number }[]).map((r) => ({ ...r, programId }));
    const kept = current.filter((r) => r.programId !== programId);
    if (kept.length === current.length && !incoming.length) continue;
    patch.collections[name] = kept.concat(incoming);
    if (!idOf) continue;
    let highest = 0;
    for (const r of incoming) highest = Math.max(highest, (idOf as (r: unknown) => number)(r));
    if ((state.sequences[name] ?? 0) < highest) patch.sequences[name] = highest;
  }
  return patch;
}

export function applyProgramDataPatch(draft: State, patch: ProgramDataPatch): void {
  for (const [name, records] of Object.entries(patch.collections)) (draft as unknown as Record<string, unknown[]>)[name] = records;
  for (const [name, value] of Object.entries(patch.sequences)) draft.sequences[name] = value;
}
