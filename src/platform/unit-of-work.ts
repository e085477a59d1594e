import type { Request, Response } from 'express';
import type { Clock } from '../clock.js';
import { DueWatch, settleDue } from '../domain/due.js';
import { answer } from '../http/answer.js';
import type { RequestContext } from '../http/context.js';
import type { IdempotencyKeys } from '../idempotency/keys.js';
import type { Store } from '../store/store.js';
import type { Input, Operation, OperationId, ReadOperation, WriteOperation } from './operation.js';

export interface UnitOfWorkDeps {
  store: Store;
  clock: Clock;
  keys: IdempotencyKeys;
}

type AnyInput = Input<OperationId>;

/**
 * One request's work, in one place and in this order, once the request is validated: settle what the
 * clock made due, look up the Idempotency-Key, run the synchronous domain change, commit (on disk
 * before the answer), send webhooks, then answer once (an after-commit fault replaces that answer in
 * http/answer.ts). A change that throws, or whose commit fails, leaves the state as it was.
 */
export class UnitOfWork {
  readonly #due = new DueWatch();

  constructor(private readonly deps: UnitOfWorkDeps) {}

  run(op: Operation, req: Request, res: Response, ctx: RequestContext): void | Promise<void> {
    const now = this.deps.clock.now();
    const input: AnyInput = { params: req.params as never, query: req.query as never, body: req.body as never, caller: ctx.caller, now };
    if (op.headers) for (const name in op.headers) res.setHeader(name, op.headers[name]!);
    return op.kind === 'read' ? this.#read(op as unknown as ReadOperation<OperationId>, input, res, now) : this.#write(op as unknown as WriteOperation<OperationId>, input, req, res, ctx, now);
  }

  #read(op: ReadOperation<OperationId>, input: AnyInput, res: Response, now: number): void | Promise<void> {
    const { store } = this.deps;
    // a read writes only when the clock made something due: then the settlement is stored first
    if (this.#due.isDue(store.state, now)) {
      return store.transact((state) => settleDue(state, now)).then(() => {
        this.#due.settled();
        answer(res, 200, op.run(store.state, input));
      });
    }
    answer(res, 200, op.run(store.state, input));
  }

  async #write(op: WriteOperation<OperationId>, input: AnyInput, req: Request, res: Response, ctx: RequestContext, now: number): Promise<void> {
    const { store, keys } = this.deps;
    const due = this.#due.isDue(store.state, now);
    // the key's own refusals and replays are not the operation's answers: not checked against its responses
    const check = ctx.checkAnswer;
    ctx.checkAnswer = null;
    const found = keys.lookup(req, store.state, input.caller.program.programId, now);
    if (found && 'replay' in found) {
      res.setHeader('Idempotent-Replayed', 'true');
      answer(res, found.replay.status, found.replay.body);
      return;
    }
    ctx.checkAnswer = check;
    const claim = found?.claim;
    const tx = store.begin();
    let result: unknown;
    let body: unknown;
    try {
      if (due) {
        tx.run((state) => settleDue(state, now));
        this.#due.settled();
      }
      try {
        result = tx.run((state) => op.change(state, input));
        body = op.answer(result, input);
        if (claim) tx.run((state) => claim.store(state, 200, body));
      } catch (e) {
        // the change was undone; what the clock made due is still stored
        if (tx.changed) await tx.commit();
        throw e;
      }
      await tx.commit();
    } finally {
      claim?.release();
    }
    op.after?.(result, input);
    answer(res, 200, body);
  }
}
