/**
 * Named steps of a durable write, where a test stops the store as a SIGKILL would (nothing written
 * after that point) or shortens a write as a nearly full disk does. Production code passes no hooks.
 */
export type DurableStep =
  /** the new snapshot is in its temporary file, fsync'ed, not yet renamed over the data file */
  | 'snapshot:written'
  /** the new snapshot replaced the data file; the change log is still the old generation's */
  | 'snapshot:renamed'
  /** the new (empty) change log is in its temporary file, not yet renamed over the old log */
  | 'log:written'
  /** the new change log replaced the old one */
  | 'log:renamed'
  /** an append: a crash here leaves half of the batch in the file (a torn tail) */
  | 'append:torn'
  /** an append is written, not yet fdatasync'ed */
  | 'append:written'
  /** an append is on disk, not yet acknowledged */
  | 'append:synced';

export interface DurabilityHooks {
  /** Called at every step; answering 'crash' stops every file operation of the store from there on. */
  at?(step: DurableStep): 'crash' | void;
  /** The most bytes one write() call may write (a short write, as on a nearly full disk); 0 fails it with ENOSPC. */
  writeLimit?(requested: number): number;
}

/** Thrown at a step where a test crashed the store: nothing after it runs, nothing is answered. */
export class Crashed extends Error {
  constructor(readonly step: DurableStep) {
    super(`crashed at ${step}`);
  }
}

export function step(hooks: DurabilityHooks | undefined, at: DurableStep): void {
  if (hooks?.at?.(at) === 'crash') throw new Crashed(at);
}
