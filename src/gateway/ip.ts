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
  list: net.BlockList;
  /** answers per caller IP: callers are few, and BlockList.check allocates on every call */
  answers: Map<string, boolean>;
}

const cache = new WeakMap<readonly string[], CompiledAllowlist>();
const MAX_REMEMBERED_CALLERS = 1024;

/** Whether the caller IP is inside any CIDR of the list. Lists are compiled once per array instance. */
export function ipAllowed(allowlist: readonly string[], ip: string): boolean {
  let compiled = cache.get(allowlist);
  if (!compiled) {
    const list = new net.BlockList();
    for (const entry of allowlist) {
      const c = parseCidr(entry);
      if (c) list.addSubnet(c.address, c.prefix, c.family);
    }
    compiled = { list, answers: new Map() };
    cache.set(allowlist, compiled);
  }
  let allowed = compiled.answers.get(ip);
  if (allowed === undefined) {
    const address = normalizeIp(ip);
    allowed = compiled.list.check(address, net.isIP(address) === 6 ? 'ipv6' : 'ipv4');
    if (compiled.answers.size >= MAX_REMEMBERED_CALLERS) compiled.answers.clear();
    compiled.answers.set(ip, allowed);
  }
  return allowed;
}
