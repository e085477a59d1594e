import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { TLSSocket } from 'node:tls';
import { ApiError, messages } from '../http/errors.js';
import { recordStep } from '../journal/chain.js';
import type { Decision } from '../journal/journal.js';
import { markGatewayDone } from '../journal/recorder.js';
import type { ApiKeyRecord, Program, State } from '../store/state.js';
import { fcrdnsCheck, type HostResolver } from './fcrdns.js';
import { allowlistEntry, normalizeIp } from './ip.js';
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

/** `…` and the last 4 characters: enough to tell keys apart in the journal, useless to a reader. */
export function keyHint(apiKey: string): string {
  return `…${apiKey.slice(-4)}`;
}

/**
 * The documented checks after the handshake, in order: allowlist, FCrDNS, X-API-Key (contract
 * section 3). Each one is written to the request's decision chain, with what it compared.
 */
export function gateway(deps: GatewayDeps): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const ip = normalizeIp(req.socket.remoteAddress ?? '');
    const identity = peerIdentity(req.socket as TLSSocket);
    const state = deps.state();
    const programId = identity ? deps.certificateOwner(identity.serial) : undefined;
    const program = programId === undefined ? undefined : state.programs.find((p) => p.programId === programId);
    if (!identity || !program) {
      // A certificate of our CA that belongs to no program: nothing is configured for it.
      recordStep(res, {
        step: 'tls',
        outcome: 'fail',
        detail: identity ? `certificate ${identity.serial} (${identity.domains.join(', ')}) belongs to no program` : 'no client certificate on this connection',
        facts: { serial: identity?.serial ?? null, names: identity?.domains ?? [] },
      });
      markGatewayDone(res);
      return next(refuse(res, 'unknown_certificate', new ApiError(403, messages.ipNotAuthorized)));
    }
    res.locals.programId = program.programId;
    recordStep(res, {
      step: 'tls',
      outcome: 'pass',
      detail: `certificate ${identity.serial} (${identity.domains.join(', ')}) of program ${program.programId}`,
      facts: { serial: identity.serial, names: identity.domains, programId: program.programId },
    });
    const entry = allowlistEntry(program.allowlist, ip);
    recordStep(res, {
      step: 'allowlist',
      outcome: entry === null ? 'fail' : 'pass',
      detail: entry === null ? `caller ${ip} is in none of ${program.allowlist.join(', ') || '(an empty allowlist)'}` : `caller ${ip} is inside ${entry}`,
      facts: { ip, entry, allowlist: program.allowlist },
    });
    if (entry === null) {
      markGatewayDone(res);
      return next(refuse(res, 'ip_not_allowlisted', new ApiError(403, messages.ipNotAuthorized)));
    }
    if (program.fcrdns) {
      const { confirmed, reverse } = await fcrdnsCheck(ip, identity.domains, deps.resolver);
      recordStep(res, {
        step: 'fcrdns',
        outcome: confirmed ? 'pass' : 'fail',
        detail: confirmed
          ? `${ip} reverses to ${confirmed}, which resolves back to ${ip}`
          : `${ip} reverses to ${reverse.join(', ') || 'no name'}; none is a certificate name that resolves back to it`,
        facts: { ip, reverse, confirmed, certificateNames: identity.domains },
      });
      if (!confirmed) {
        markGatewayDone(res);
        return next(refuse(res, 'fcrdns_failed', new ApiError(403, messages.ipNotAuthorized)));
      }
    }
    const presented = req.get('x-api-key');
    const apiKey = presented ? state.apiKeys.find((k) => k.apiKey === presented) : undefined;
    const keyFailure = !presented
      ? 'no X-API-Key header'
      : !apiKey
        ? `key ${keyHint(presented)} is unknown`
        : apiKey.revoked
          ? `key ${keyHint(presented)} is revoked`
          : apiKey.programId !== program.programId
            ? `key ${keyHint(presented)} belongs to program ${apiKey.programId}, not ${program.programId}`
            : null;
    recordStep(res, {
      step: 'apiKey',
      outcome: keyFailure ? 'fail' : 'pass',
      detail: keyFailure ?? `key ${keyHint(presented!)} of program ${program.programId}`,
      facts: { key: presented ? keyHint(presented) : null, programId: apiKey?.programId ?? null, revoked: apiKey?.revoked ?? null },
    });
    markGatewayDone(res);
    if (keyFailure || !apiKey) {
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
