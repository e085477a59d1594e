import type { Caller } from '../http/context.js';
import type { operations } from '../generated/platform.js';
import type { State } from '../store/state.js';

/** Every operationId of openapi/platform.yaml. */
export type OperationId = keyof operations;

type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** The request body of an operation, as the spec types it (undefined when it takes none). */
export type BodyOf<K extends OperationId> = operations[K] extends { requestBody: infer R } ? JsonOf<R> : operations[K] extends { requestBody?: infer R } ? JsonOf<R> | undefined : undefined;
/** Path parameters, after validation (integers are numbers). */
export type ParamsOf<K extends OperationId> = operations[K]['parameters'] extends { path: infer P } ? P : Record<string, never>;
/** Query parameters, after validation (coerced to their schema types). */
export type QueryOf<K extends OperationId> = NonNullable<operations[K]['parameters']['query']>;
/** The 200 answer's body. */
export type AnswerOf<K extends OperationId> = JsonOf<operations[K]['responses'][200]>;

/** What an operation sees of its request: validated and typed from the spec, the caller the gateway identified, the mock's clock. */
export interface Input<K extends OperationId> {
  params: ParamsOf<K>;
  query: QueryOf<K>;
  body: BodyOf<K>;
  caller: Caller;
  now: number;
}

/** A GET: reads the state, answers 200. */
export interface ReadOperation<K extends OperationId = OperationId> {
  kind: 'read';
  operationId: K;
  run(state: State, input: Input<K>): AnswerOf<K>;
  headers?: Record<string, string>;
}

/**
 * A write: `change` runs synchronously inside the request's transaction (undone if it throws or the
 * commit fails); `answer` builds the 200 body from its result; `after` runs once the change is on
 * disk, before the answer (webhooks).
 */
export interface WriteOperation<K extends OperationId = OperationId, R = unknown> {
  kind: 'write';
  operationId: K;
  change(state: State, input: Input<K>): R;
  answer(result: R, input: Input<K>): AnswerOf<K>;
  after?(result: R, input: Input<K>): void;
  headers?: Record<string, string>;
}

export type Operation = ReadOperation<never> | WriteOperation<never, never>;

export function read<K extends OperationId>(operationId: K, run: ReadOperation<K>['run'], headers?: Record<string, string>): Operation {
  return { kind: 'read', operationId, run, headers } as unknown as Operation;
}

export function write<K extends OperationId, R>(
  operationId: K,
  change: (state: State, input: Input<K>) => R,
  answer: (result: R, input: Input<K>) => AnswerOf<K>,
  options: { after?: (result: R, input: Input<K>) => void; headers?: Record<string, string> } = {},
): Operation {
  return { kind: 'write', operationId, change, answer, after: options.after, headers: options.headers } as unknown as Operation;
}
