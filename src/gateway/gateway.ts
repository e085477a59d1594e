import type { Request } from 'express';
import type { TLSSocket } from 'node:tls';
import type { Decision, DecisionStep, RequestContext } from '../http/context.js';
import { ApiError, errors } from '../http/errors.js';
import type { State } from '../store/state.js';
import { fcrdnsCheck, type FcrdnsResult, type HostResolver } from './fcrdns.js';
import { allowlistEntry, normalizeIp } from '../net/ip.js';
import { peerIdentity } from './peer.js';
import type { PeerIdentity } from '../tls/index.js';

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
 * The steps a connection's requests pass with, kept per connection (its certificate identity): the
 * same checks passing with the same inputs make the same step, so it is made once and shared by the
 * chain of every later request, which the journal keeps (5,000 entries by default). Frozen, as they
 * are shared. A failing step is made anew each time.
 */
interface PassedSteps {
  tls?: { programId: number; step: DecisionStep };
  allowlist?: { ip: string; entry: string; allowlist: readonly string[]; step: DecisionStep };
  fcrdns?: { ip: string; confirmed: string; reverse: readonly string[]; step: DecisionStep };
  apiKey?: { key: string; programId: number; step: DecisionStep };
}
const passedSteps = new WeakMap<PeerIdentity, PassedSteps>();

function passedStepsOf(identity: PeerIdentity): PassedSteps {
  let steps = passedSteps.get(identity);
  if (!steps) passedSteps.set(identity, (steps = {}));
  return steps;
}

/** A step shared by many chains: frozen, with its facts (not what the facts reference, such as the program's allowlist). */
export function frozen(step: DecisionStep): DecisionStep {
  if (step.facts) Object.freeze(step.facts);
  return Object.freeze(step);
}

function tlsPassed(passed: PassedSteps, identity: PeerIdentity, programId: number): DecisionStep {
  if (passed.tls?.programId === programId) return passed.tls.step;
  const step = frozen({
    step: 'tls',
    outcome: 'pass',
    detail: `certificate ${identity.serial} (${identity.domains.join(', ')}) of program ${programId}`,
    facts: { serial: identity.serial, names: identity.domains, programId },
  });
  passed.tls = { programId, step };
  return step;
}

function allowlistPassed(passed: PassedSteps, ip: string, entry: string, allowlist: string[]): DecisionStep {
  const held = passed.allowlist;
  if (held && held.ip === ip && held.entry === entry && held.allowlist === allowlist) return held.step;
  const step = frozen({ step: 'allowlist', outcome: 'pass', detail: `caller ${ip} is inside ${entry}`, facts: { ip, entry, allowlist } });
  passed.allowlist = { ip, entry, allowlist, step };
  return step;
}

function fcrdnsPassed(passed: PassedSteps, ip: string, confirmed: string, reverse: string[], names: string[]): DecisionStep {
  const held = passed.fcrdns;
  if (held && held.ip === ip && held.confirmed === confirmed && sameNames(held.reverse, reverse)) return held.step;
  const step = frozen({
    step: 'fcrdns',
    outcome: 'pass',
    detail: `${ip} reverses to ${confirmed}, which resolves back to ${ip}`,
    facts: { ip, reverse, confirmed, certificateNames: names },
  });
  passed.fcrdns = { ip, confirmed, reverse, step };
  return step;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((name, i) => name === b[i]));
}

function apiKeyPassed(passed: PassedSteps, key: string, programId: number): DecisionStep {
  const held = passed.apiKey;
  if (held && held.key === key && held.programId === programId) return held.step;
  const step = frozen({ step: 'apiKey', outcome: 'pass', detail: `key ${keyHint(key)} of program ${programId}`, facts: { key: keyHint(key), programId, revoked: false } });
  passed.apiKey = { key, programId, step };
  return step;
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
  const passed = passedStepsOf(identity);
  ctx.record(tlsPassed(passed, identity, program.programId));
  const entry = allowlistEntry(program.allowlist, ip);
  if (entry === null) {
    ctx.record({
      step: 'allowlist',
      outcome: 'fail',
      detail: `caller ${ip} is in none of ${program.allowlist.join(', ') || '(an empty allowlist)'}`,
      facts: { ip, entry, allowlist: program.allowlist },
    });
    return refuse(ctx, 'ip_not_allowlisted', errors.ipNotAuthorized());
  }
  ctx.record(allowlistPassed(passed, ip, entry, program.allowlist));
  const checkKey = () => {
    const presented = req.get('x-api-key');
    const apiKey = presented ? state.apiKeys.find((k) => k.apiKey === presented) : undefined;
    if (apiKey && !apiKey.revoked && apiKey.programId === program.programId) {
      ctx.record(apiKeyPassed(passed, apiKey.apiKey, program.programId));
      ctx.gatewayDone();
      ctx.identify({ program, apiKey, ip });
      return null;
    }
    ctx.record({
      step: 'apiKey',
      outcome: 'fail',
      detail: !presented
        ? 'no X-API-Key header'
        : !apiKey
          ? `key ${keyHint(presented)} is unknown`
          : apiKey.revoked
            ? `key ${keyHint(presented)} is revoked`
            : `key ${keyHint(presented)} belongs to program ${apiKey.programId}, not ${program.programId}`,
      facts: { key: presented ? keyHint(presented) : null, programId: apiKey?.programId ?? null, revoked: apiKey?.revoked ?? null },
    });
    return refuse(ctx, 'invalid_api_key', errors.invalidApiKey());
  };
  if (!program.fcrdns) return checkKey();
  const afterFcrdns = ({ confirmed, reverse }: FcrdnsResult) => {
    if (confirmed) {
      ctx.record(fcrdnsPassed(passed, ip, confirmed, reverse, identity.domains));
      return checkKey();
    }
    ctx.record({
      step: 'fcrdns',
      outcome: 'fail',
      detail: `${ip} reverses to ${reverse.join(', ') || 'no name'}; none is a certificate name that resolves back to it`,
      facts: { ip, reverse, confirmed, certificateNames: identity.domains },
    });
    return refuse(ctx, 'fcrdns_failed', errors.ipNotAuthorized());
  };
  const checked = fcrdnsCheck(ip, identity.domains, deps.resolver);
  return checked instanceof Promise ? checked.then(afterFcrdns) : afterFcrdns(checked);
}

