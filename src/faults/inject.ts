import { STATUS_CODES } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Clock } from '../clock.js';
import { contextOf, type RequestContext } from '../http/context.js';
import { sendError } from '../http/error-handler.js';
import { answer, answerText } from '../http/answer.js';
import { errors, errorTemplate, type ErrorTemplate } from '../http/errors.js';
import type { Store } from '../store/store.js';
import { resetConnection } from './connection.js';
import type { ChosenFault, FaultEngine } from './engine.js';
import { parseFaultHeader } from './header.js';
import { describeFault, HEADER_FAULT_ID } from './rules.js';
import type { FinalFault } from './types.js';

export interface FaultDeps {
  engine: FaultEngine;
  store: Store;
  clock: Clock;
  /** honour the X-Mock-Fault request header (FAULT_HEADER=off turns it off) */
  headerEnabled: boolean;
}

/** The statuses the platform documents, with their messages; any other status gets its reason phrase. */
const STATUS_ERRORS = new Map<number, ErrorTemplate>([errors.tooManyRequests, errors.internal, errors.badGateway, errors.unavailable, errors.gatewayTimeout].map((t) => [t.status, t]));

/** What a malformed answer sends when no operation ran: the start of a success body, cut off. */
const CUT_OFF_SUCCESS = '{"status":"success","';

function cutOff(json: string): string {
  return json.slice(0, Math.max(1, Math.floor(json.length / 2)));
}

/** Answers in place of the platform: a status with the error body, a reset, no answer at all, or a cut-off body. */
function answerInstead(fault: FinalFault, req: Request, res: Response, engine: FaultEngine, operationBody?: unknown): void {
  switch (fault.type) {
    case 'status': {
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) };
      if (fault.body) {
        answer(res, fault.status, fault.body, headers);
      } else {
        const template = STATUS_ERRORS.get(fault.status) ?? errorTemplate(fault.status, `${STATUS_CODES[fault.status] ?? 'Error'}.`);
        sendError(res, template().withHeaders(headers));
      }
      return;
    }
    case 'reset':
      resetConnection(req.socket);
      return;
    case 'timeout':
      req.resume(); // drain the body so the request counts as received; the answer never comes
      engine.hold(res);
      return;
    case 'malformed':
      answerText(res, 200, operationBody === undefined ? CUT_OFF_SUCCESS : cutOff(JSON.stringify(operationBody)));
      return;
    default: {
      const unknown: never = fault;
      throw new Error(`unknown fault type ${(unknown as { type: string }).type}`);
    }
  }
}

function choose(deps: FaultDeps, req: Request): ChosenFault | null {
  const header = deps.headerEnabled ? req.get('x-mock-fault') : undefined;
  if (header !== undefined) return { id: HEADER_FAULT_ID, fault: parseFaultHeader(header), jitter: Math.random };
  const rules = deps.store.state.faults; // read only: a request never writes the state here
  if (!rules?.length) return null;
  const { program, apiKey } = contextOf(req).caller;
  return deps.engine.choose(rules, { method: req.method, path: req.path, programId: program.programId, apiKey: apiKey.apiKey }, deps.clock.now());
}

/**
 * The single point where faults apply: after the gateway (and the rate limit), before validation.
 * Answers in the platform's stead, or calls next() (at once, or after a delay); an after-commit fault
 * lets the operation run and commit, then replaces whatever it answers (see http/answer.ts).
 */
export function faultInjection(deps: FaultDeps): (req: Request, res: Response, ctx: RequestContext, next: NextFunction) => void {
  return (req, res, ctx, next) => {
    let chosen: ChosenFault | null;
    try {
      chosen = choose(deps, req);
    } catch (e) {
      return next(e);
    }
    if (!chosen) return next();
    const { fault } = chosen;
    ctx.fault = chosen.id;
    ctx.reason = describeFault(fault);
    ctx.record({
      step: 'fault',
      outcome: 'fired',
      detail: `${chosen.id === HEADER_FAULT_ID ? 'X-Mock-Fault header' : `rule ${chosen.id}`}: ${ctx.reason}`,
      facts: { rule: chosen.id, type: fault.type },
    });
    res.setHeader('X-Mock-Fault', chosen.id);
    if (fault.type === 'delay') {
      const jitter = fault.jitterMs ? Math.floor(chosen.jitter() * (fault.jitterMs + 1)) : 0;
      deps.engine.later(fault.ms + jitter, () => next());
      return;
    }
    ctx.refuse('fault');
    if (fault.type === 'after-commit') {
      ctx.replaceAnswer = (body) => answerInstead(fault.then, req, res, deps.engine, body);
      return next();
    }
    answerInstead(fault, req, res, deps.engine);
  };
}
