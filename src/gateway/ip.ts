import net from 'node:net';

/** `::ffff:127.0.0.1` -> `127.0.0.1`; everything else unchanged. */
export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip.toLowerCase();
}

export interface ParsedCidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Parses `10.0.0.0/8`, `::1/128` or a bare address; null when invalid. */
export function parseCidr(text: string): ParsedCidr | null {
  const [rawAddress, rawPrefix, ...rest] = text.trim().split('/');
  if (rest.length || !rawAddress) return null;
  const address = normalizeIp(rawAddress);
  const version = net.isIP(address);
  if (!version) return null;
  const max = version === 4 ? 32 : 128;
  if (rawPrefix !== undefined && !/^\d{1,3}$/.test(rawPrefix)) return null;
  const prefix = rawPrefix === undefined ? max : Number(rawPrefix);
  if (prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** True when the CIDR names exactly one address (what gets DNS records at onboarding). */
export function singleAddress(text: string): string | null {
  const c = parseCidr(text);
  return c && c.prefix === (c.family === 'ipv4' ? 32 : 128) ? c.address : null;
}

interface CompiledAllowlist {
  entries: Array<{ entry: string; list: net.BlockList }>;
  /** answers per caller IP: callers are few, and BlockList.check allocates on every call */
  answers: Map<string, string | null>;
}

const cache = new WeakMap<readonly string[], CompiledAllowlist>();
const MAX_REMEMBERED_CALLERS = 1024;

function compileAllowlist(allowlist: readonly string[]): CompiledAllowlist {
  const entries: CompiledAllowlist['entries'] = [];
  for (const entry of allowlist) {
    const c = parseCidr(entry);
    if (!c) continue;
    const list = new net.BlockList();
    list.addSubnet(c.address, c.prefix, c.family);
    entries.push({ entry, list });
  }
  return { entries, answers: new Map() };
}

/** The first allowlist entry (CIDR) the caller IP is inside, or null. Lists are compiled once per array instance. */
export function allowlistEntry(allowlist: readonly string[], ip: string): string | null {
  let compiled = cache.get(allowlist);
  if (!compiled) {
    compiled = compileAllowlist(allowlist);
    cache.set(allowlist, compiled);
  }
  let found = compiled.answers.get(ip);
  if (found === undefined) {
    const address = normalizeIp(ip);
    const family = net.isIP(address) === 6 ? 'ipv6' : 'ipv4';
    found = compiled.entries.find((e) => e.list.check(address, family))?.entry ?? null;
    if (compiled.answers.size >= MAX_REMEMBERED_CALLERS) compiled.answers.clear();
    compiled.answers.set(ip, found);
  }
  return found;
}

/** Whether the caller IP is inside any CIDR of the list. */
export function ipAllowed(allowlist: readonly string[], ip: string): boolean {
  return allowlistEntry(allowlist, ip) !== null;
}
