import type { Request } from 'express';
import type { components } from '../generated/control.js';
import type { ApiKeyRecord, Program } from '../store/state.js';

type Schemas = components['schemas'];

/** What the gateway decided about a request, or why a handshake was refused (openapi/control.yaml `Decision`). */
export type Decision = Schemas['Decision'];

/** One check of the gateway (or the fault engine) and how it came out, with the facts behind it (`DecisionStep`). */
export type DecisionStep = Schemas['DecisionStep'];

/** The program and key a request was authenticated as (set by the gateway). */
export interface Caller {
  program: Program;
  apiKey: ApiKeyRecord;
  ip: string;
}

/**
 * What the layers of one request learn about it, typed: the front door creates it, the gateway fills
 * in the caller, faults and the rate limit add their decision, the operation reads it, and the
 * journal records it once the response is finished.
 */
export class RequestContext {
  readonly requestId: string;
  /** performance.now() when the request reached the mock */
  readonly startedAt = performance.now();
  /** performance.now() when the gateway's checks ended */
  gatewayDoneAt: number | undefined;
  /** the gateway's checks and the fault engine, in order */
  readonly chain: DecisionStep[] = [];
  decision: Decision = 'ok';
  /** the program of the client certificate, once known (also on a refused API key) */
  programId: number | null = null;
  #caller: Caller | null = null;
  /** the id of the fault that fired (a rule id, or the header's) */
  fault: string | null = null;
  /** why the answer is not the operation's own (fault, rate limit) */
  reason: string | null = null;
  /** bytes of the request body as read, and its text (JSON bodies), for the journal */
  bodyBytes: number | undefined;
  bodyText: string | undefined;
  /** the JSON text the answer wrote (http/answer.ts) and its bytes, for the journal */
  answerText: string | undefined;
  answerBytes = 0;
  /** set where answers are checked against the spec (validateResponses): throws on a mismatch */
  checkAnswer: ((status: number, body: unknown) => void) | null = null;
  /** set by an after-commit fault: whatever the request answers is replaced by the fault's answer */
  replaceAnswer: ((body: unknown) => void) | null = null;

  constructor(requestId: string) {
    this.requestId = requestId;
  }

  record(step: DecisionStep): void {
    this.chain.push(step);
  }

  gatewayDone(): void {
    this.gatewayDoneAt = performance.now();
  }

  refuse(decision: Decision): void {
    this.decision = decision;
  }

  identify(caller: Caller): void {
    this.#caller = caller;
  }

  /** The authenticated caller; only layers after the gateway ask. */
  get caller(): Caller {
    if (!this.#caller) throw new Error('RequestContext.caller: the gateway did not run for this request');
    return this.#caller;
  }

  get identified(): boolean {
    return this.#caller !== null;
  }
}

const CONTEXT = Symbol('axys-mock.request-context');

type WithContext = { [CONTEXT]?: RequestContext };

export function attachContext(req: Request, context: RequestContext): RequestContext {
  (req as WithContext)[CONTEXT] = context;
  return context;
}

/** The request's context; every request past the front door has one. */
export function contextOf(req: Request | { req: Request }): RequestContext {
  const request = ('req' in req && req.req ? req.req : req) as Request & WithContext;
  const context = request[CONTEXT];
  if (!context) throw new Error('contextOf: the front door did not run for this request');
  return context;
}

/** The context if the request has one (the error handler runs for requests refused before it). */
export function maybeContextOf(req: Request): RequestContext | undefined {
  return (req as WithContext)[CONTEXT];
}
