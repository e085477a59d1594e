import type { Request } from 'express';
import type { TLSSocket } from 'node:tls';
import type { Decision, RequestContext } from '../http/context.js';
import { ApiError, errors } from '../http/errors.js';
import type { State } from '../store/state.js';
import { fcrdnsCheck, type FcrdnsResult, type HostResolver } from './fcrdns.js';
import { allowlistEntry, normalizeIp } from '../net/ip.js';
import { peerIdentity } from './peer.js';

export interface GatewayDeps {
  state: () => State;
  /** programId of a client certificate serial, or undefined when the mock never issued it */
  certificateOwner: (serial: string) => number | undefined;
  /** for FCrDNS; the static one reads the DNS table at call time */
  resolver: HostResolver;
}

function refuse(ctx: RequestContext, decision: Decision, error: ApiError): ApiError {
  ctx.gatewayDone();
  ctx.refuse(decision);
  return error;
}

/** `…` and the last 4 characters: enough to tell keys apart in the journal, useless to a reader. */
export function keyHint(apiKey: string): string {
  return `…${apiKey.slice(-4)}`;
}

/**
 * The documented checks after the handshake, in order: allowlist, FCrDNS, X-API-Key (contract
 * section 3). Each one is written to the request's decision chain, with what it compared. Answers
 * the refusal (an ApiError) or null once the caller is identified on the context; synchronous unless
 * FCrDNS asks the system resolver.
 */
export function authenticate(deps: GatewayDeps, req: Request, ctx: RequestContext): ApiError | null | Promise<ApiError | null> {
  const ip = normalizeIp(req.socket.remoteAddress ?? '');
  const identity = peerIdentity(req.socket as TLSSocket);
  const state = deps.state();
  const programId = identity ? deps.certificateOwner(identity.serial) : undefined;
  const program = programId === undefined ? undefined : state.programs.find((p) => p.programId === programId);
  if (!identity || !program) {
    // A certificate of our CA that belongs to no program: nothing is configured for it.
    ctx.record({
      step: 'tls',
      outcome: 'fail',
      detail: identity ? `certificate ${identity.serial} (${identity.domains.join(', ')}) belongs to no program` : 'no client certificate on this connection',
      facts: { serial: identity?.serial ?? null, names: identity?.domains ?? [] },
    });
    return refuse(ctx, 'unknown_certificate', errors.ipNotAuthorized());
  }
  ctx.programId = program.programId;
  ctx.record({
    step: 'tls',
    outcome: 'pass',
    detail: `certificate ${identity.serial} (${identity.domains.join(', ')}) of program ${program.programId}`,
    facts: { serial: identity.serial, names: identity.domains, programId: program.programId },
  });
  const entry = allowlistEntry(program.allowlist, ip);
  ctx.record({
    step: 'allowlist',
    outcome: entry === null ? 'fail' : 'pass',
    detail: entry === null ? `caller ${ip} is in none of ${program.allowlist.join(', ') || '(an empty allowlist)'}` : `caller ${ip} is inside ${entry}`,
    facts: { ip, entry, allowlist: program.allowlist },
  });
  if (entry === null) return refuse(ctx, 'ip_not_allowlisted', errors.ipNotAuthorized());
  const checkKey = () => {
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
    ctx.record({
      step: 'apiKey',
      outcome: keyFailure ? 'fail' : 'pass',
      detail: keyFailure ?? `key ${keyHint(presented!)} of program ${program.programId}`,
      facts: { key: presented ? keyHint(presented) : null, programId: apiKey?.programId ?? null, revoked: apiKey?.revoked ?? null },
    });
    if (keyFailure || !apiKey) return refuse(ctx, 'invalid_api_key', errors.invalidApiKey());
    ctx.gatewayDone();
    ctx.identify({ program, apiKey, ip });
    return null;
  };
  if (!program.fcrdns) return checkKey();
  const afterFcrdns = ({ confirmed, reverse }: FcrdnsResult) => {
    ctx.record({
      step: 'fcrdns',
      outcome: confirmed ? 'pass' : 'fail',
      detail: confirmed
        ? `${ip} reverses to ${confirmed}, which resolves back to ${ip}`
        : `${ip} reverses to ${reverse.join(', ') || 'no name'}; none is a certificate name that resolves back to it`,
      facts: { ip, reverse, confirmed, certificateNames: identity.domains },
    });
    return confirmed ? checkKey() : refuse(ctx, 'fcrdns_failed', errors.ipNotAuthorized());
  };
  const checked = fcrdnsCheck(ip, identity.domains, deps.resolver);
  return checked instanceof Promise ? checked.then(afterFcrdns) : afterFcrdns(checked);
}

