import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { TLSSocket } from 'node:tls';
import { ApiError, messages } from '../http/errors.js';
import type { Decision } from '../journal/journal.js';
import type { ApiKeyRecord, Program, State } from '../store/state.js';
import { confirmedName, type HostResolver } from './fcrdns.js';
import { ipAllowed, normalizeIp } from './ip.js';
import { peerIdentity } from './peer.js';

export interface GatewayDeps {
  state: () => State;
  /** programId of a client certificate serial, or undefined when the mock never issued it */
  certificateOwner: (serial: string) => number | undefined;
  /** for FCrDNS; the static one reads the DNS table at call time */
  resolver: HostResolver;
}

export interface Caller {
  program: Program;
  apiKey: ApiKeyRecord;
  ip: string;
}

function refuse(res: Response, decision: Decision, error: ApiError): ApiError {
  res.locals.decision = decision;
  return error;
}

/** The documented checks after the handshake, in order: allowlist, FCrDNS, X-API-Key (contract section 3). */
export function gateway(deps: GatewayDeps): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const ip = normalizeIp(req.socket.remoteAddress ?? '');
    const identity = peerIdentity(req.socket as TLSSocket);
    const state = deps.state();
    const programId = identity ? deps.certificateOwner(identity.serial) : undefined;
    const program = programId === undefined ? undefined : state.programs.find((p) => p.programId === programId);
    if (!identity || !program) {
      // A certificate of our CA that belongs to no program: nothing is configured for it.
      return next(refuse(res, 'unknown_certificate', new ApiError(403, messages.ipNotAuthorized)));
    }
    res.locals.programId = program.programId;
    if (!ipAllowed(program.allowlist, ip)) {
      return next(refuse(res, 'ip_not_allowlisted', new ApiError(403, messages.ipNotAuthorized)));
    }
    if (program.fcrdns && !(await confirmedName(ip, identity.domains, deps.resolver))) {
      return next(refuse(res, 'fcrdns_failed', new ApiError(403, messages.ipNotAuthorized)));
    }
    const presented = req.get('x-api-key');
    const apiKey = presented ? state.apiKeys.find((k) => k.apiKey === presented) : undefined;
    if (!apiKey || apiKey.revoked || apiKey.programId !== program.programId) {
      return next(refuse(res, 'invalid_api_key', new ApiError(401, messages.invalidApiKey)));
    }
    res.locals.decision = 'ok';
    res.locals.caller = { program, apiKey, ip } satisfies Caller;
    next();
  };
}

export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new Error('callerOf: the gateway did not run for this request');
  return caller;
}
