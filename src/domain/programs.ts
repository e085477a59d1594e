import { randomBytes } from 'node:crypto';
import { cidrProblem, singleAddress } from '../net/ip.js';
import { errorTemplate, notFound } from '../http/errors.js';
import { nextId, type ApiKeyRecord, type DnsTable, type Environment, type Program, type RateLimit, type State } from '../store/state.js';
import type { components } from '../generated/control.js';

export type ProgramInput = components['schemas']['ProgramCreate'];

export type ProgramSettings = Partial<Pick<Program, 'sumsubEnabled' | 'threeDSEnabled'>>;

const DEFAULT_RATE_LIMIT: RateLimit = { requestsPerSecond: 100, burst: 200 };
const DEFAULT_PROGRAM_LIMIT = 1_000_000;

export const programMessages = {
  invalidCidrs: (field: string) => `${field} must hold IPv4/IPv6 addresses or CIDR ranges such as 203.0.113.10/32`,
  wildcardDomains: 'domains must be DNS names without wildcards (the platform signs no wildcard certificates)',
  keyRevoked: (apiKey: string, programId: number) => `API key ${apiKey} is already revoked. GET /_mock/programs/${programId} lists the program's live keys.`,
  invalidDnsTable: 'The DNS table has invalid entries: see errors[]',
} as const;

/** Each status paired with its message; raised as `throw programErrors.x(...)`. */
const programErrors = {
  invalidCidrs: errorTemplate(422, programMessages.invalidCidrs),
  wildcardDomains: errorTemplate(422, programMessages.wildcardDomains),
  keyRevoked: errorTemplate(404, programMessages.keyRevoked),
  invalidDnsTable: errorTemplate(422, programMessages.invalidDnsTable),
} as const;

export function findProgram(state: State, programId: number): Program {
  const p = state.programs.find((x) => x.programId === programId);
  if (!p) throw notFound('Program', programId);
  return p;
}

/** Rejects anything that is not a CIDR or a single address, naming each bad entry. */
export function checkCidrs(ips: string[], field: string): string[] {
  const bad = ips.flatMap((ip, i) => {
    const problem = cidrProblem(ip);
    return problem ? [{ field: `${field}.${i}`, message: problem }] : [];
  });
  if (bad.length) throw programErrors.invalidCidrs(field).withErrors(bad);
  return ips.map((ip) => ip.trim());
}

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;

export function checkDomains(domains: string[]): string[] {
  const bad = domains.map((d, i) => ({ d, i })).filter(({ d }) => d.includes('*') || !DNS_NAME.test(d));
  if (bad.length) {
    throw programErrors.wildcardDomains().withErrors(bad.map(({ d, i }) => ({ field: `domains.${i}`, message: `"${d}" is not a DNS name without wildcards` })));
  }
  return domains.map((d) => d.toLowerCase());
}

function newApiKey(environment: Environment): string {
  return `axys_${environment === 'staging' ? 'stg' : 'prd'}_${randomBytes(16).toString('hex')}`;
}

export function addApiKey(state: State, program: Program, now: number): ApiKeyRecord {
  const record = { apiKey: newApiKey(program.environment), programId: program.programId, revoked: false, createdAt: now };
  state.apiKeys.push(record);
  return record;
}

function addUnique(map: Record<string, string[]>, key: string, value: string): void {
  const list = map[key] ?? (map[key] = []);
  if (!list.includes(value)) list.push(value);
}

/** A and PTR records for every single-address allowlist entry and every domain. */
export function registerDns(dns: DnsTable, allowlist: string[], domains: string[]): void {
  for (const entry of allowlist) {
    const ip = singleAddress(entry);
    if (!ip) continue;
    for (const name of domains) {
      addUnique(dns.ptr, ip, name);
      addUnique(dns.a, name, ip);
    }
  }
}

export function createProgram(state: State, input: ProgramInput, now: number): { program: Program; apiKey: ApiKeyRecord } {
  const allowlist = checkCidrs(input.allowlist, 'allowlist');
  const domains = checkDomains(input.domains);
  const program: Program = {
    programId: nextId(state, 'programs'),
    tenantName: input.tenantName,
    programName: input.programName,
    environment: input.environment,
    allowlist,
    domains,
    fcrdns: input.fcrdns ?? true,
    currency: input.currency ?? 0,
    transactionLimit: input.transactionLimit ?? DEFAULT_PROGRAM_LIMIT,
    threeDSEnabled: input.threeDSEnabled ?? true,
    sumsubEnabled: input.sumsubEnabled ?? false,
    rateLimit: input.rateLimit ?? { ...DEFAULT_RATE_LIMIT },
    createdAt: now,
  };
  state.programs.push(program);
  if (input.registerDns ?? true) registerDns(state.dns, allowlist, domains);
  return { program, apiKey: addApiKey(state, program, now) };
}

/** The program's first API key that still works, if any. */
export function liveApiKey(state: State, programId: number): ApiKeyRecord | undefined {
  return state.apiKeys.find((k) => k.programId === programId && !k.revoked);
}

/** The onboarding-time features (PATCH /_mock/programs/{id}); cardholders already stored keep theirs. */
export function updateProgramSettings(state: State, programId: number, settings: ProgramSettings): Program {
  const program = findProgram(state, programId);
  for (const key of ['sumsubEnabled', 'threeDSEnabled'] as const) {
    if (settings[key] !== undefined) program[key] = settings[key];
  }
  return program;
}

export function programView(state: State, program: Program) {
  return { ...program, sumsubEnabled: program.sumsubEnabled ?? false, apiKeys: state.apiKeys.filter((k) => k.programId === program.programId && !k.revoked).map((k) => k.apiKey) };
}

export function revokeApiKey(state: State, apiKey: string): ApiKeyRecord {
  const record = state.apiKeys.find((k) => k.apiKey === apiKey);
  if (!record) throw notFound('API key', apiKey);
  // control.yaml: an unknown or already revoked key is a 404
  if (record.revoked) throw programErrors.keyRevoked(apiKey, record.programId);
  record.revoked = true;
  return record;
}

export function checkDnsTable(table: DnsTable): DnsTable {
  const errors: { field: string; message: string }[] = [];
  const ptr: Record<string, string[]> = {};
  const a: Record<string, string[]> = {};
  for (const [ip, names] of Object.entries(table.ptr)) {
    const address = singleAddress(ip);
    if (!address) errors.push({ field: `ptr.${ip}`, message: `"${ip}" is not an IP address` });
    else ptr[address] = names.map((n) => n.toLowerCase());
  }
  for (const [name, ips] of Object.entries(table.a)) {
    if (!DNS_NAME.test(name)) errors.push({ field: `a.${name}`, message: `"${name}" is not a DNS name` });
    ips.forEach((ip, i) => {
      if (!singleAddress(ip)) errors.push({ field: `a.${name}.${i}`, message: `"${ip}" is not an IP address` });
    });
    a[name.toLowerCase()] = ips.map((ip) => singleAddress(ip) ?? ip);
  }
  if (errors.length) throw programErrors.invalidDnsTable().withErrors(errors);
  return { ptr, a };
}
