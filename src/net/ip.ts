import ipaddr from 'ipaddr.js';

/**
 * The one place IP addresses and CIDR blocks are read, written and compared (ipaddr.js): the
 * gateway's allowlist and FCrDNS, the journal, certificate SANs, the DNS table and every allowlist
 * write. Addresses compare in one canonical spelling: IPv4 dotted-quad, IPv6 compressed lower-case
 * (RFC 5952), an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) as the IPv4 address.
 */

/** A parsed address (ipaddr.js): `range()`, `kind()`, `toNormalizedString()` and the like. */
export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;
type Address = IpAddress;
export type IpFamily = 'ipv4' | 'ipv6';

export interface ParsedCidr {
  /** the address in canonical spelling */
  address: string;
  prefix: number;
  family: IpFamily;
}

/** Only dotted-quad IPv4 (ipaddr.js alone would take `127.1` or `0x7f.0.0.1`) and any valid IPv6 spelling, no zone. */
function parseAddress(text: string): Address | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return null;
  const v6 = ipaddr.IPv6.parse(text);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

const familyOf = (a: Address): IpFamily => (a.kind() === 'ipv4' ? 'ipv4' : 'ipv6');
const spell = (a: Address): string => (a.kind() === 'ipv4' ? a.toString() : (a as ipaddr.IPv6).toRFC5952String());

/** Parses an address (`[::1]` as in a URL too); an IPv4-mapped IPv6 address as IPv4; null when not an address. */
export function parseIp(text: string): IpAddress | null {
  return parseAddress(text.replace(/^\[(.*)\]$/, '$1'));
}

/** True for a valid IPv4 (dotted quad) or IPv6 address. */
export function isIp(text: string): boolean {
  return parseAddress(text) !== null;
}

/**
 * The canonical spelling of an address: `::ffff:127.0.0.1` -> `127.0.0.1`,
 * `0:0:0:0:0:0:0:1` -> `::1`, `2001:DB8::1` -> `2001:db8::1`. Anything else comes back unchanged.
 */
export function normalizeIp(ip: string): string {
  let spelled = spellings.get(ip);
  if (spelled === undefined) {
    const a = parseAddress(ip);
    spelled = a ? spell(a) : ip;
    if (spellings.size >= SPELLINGS_MAX) spellings.clear();
    spellings.set(ip, spelled);
  }
  return spelled;
}

// Every request spells its caller's address several times (gateway, FCrDNS, journal), and ipaddr.js
// answers `::ffff:127.0.0.1` by throwing inside IPv4.isValid: a bounded memo keeps that off the hot path.
const SPELLINGS_MAX = 4096;
const spellings = new Map<string, string>();

/** Whether two spellings name the same address (false when either is not an address). */
export function sameIp(a: string, b: string): boolean {
  const x = parseAddress(a);
  return x !== null && isIp(b) && spell(x) === normalizeIp(b);
}

/** Parses `10.0.0.0/8`, `::1/128` or a bare address (a single host); null when invalid. */
export function parseCidr(text: string): ParsedCidr | null {
  const [rawAddress, rawPrefix, ...rest] = text.trim().split('/');
  if (rest.length || !rawAddress) return null;
  const parsed = parseAddress(rawAddress);
  if (!parsed) return null;
  if (rawPrefix !== undefined && !/^\d{1,3}$/.test(rawPrefix)) return null;
  // an IPv4-mapped block is read as the IPv4 block it maps (::ffff:10.0.0.0/104 -> 10.0.0.0/8)
  const mapped = parsed.kind() === 'ipv4' && rawAddress.includes(':');
  const max = parsed.kind() === 'ipv4' ? 32 : 128;
  let prefix = rawPrefix === undefined ? max : Number(rawPrefix);
  if (mapped && rawPrefix !== undefined) {
    if (prefix < 96 || prefix > 128) return null;
    prefix -= 96;
  }
  if (prefix > max) return null;
  return { address: spell(parsed), prefix, family: familyOf(parsed) };
}

/** Why an allowlist entry is refused, or null when it is a valid IP address or CIDR block. */
export function cidrProblem(entry: string): string | null {
  return parseCidr(entry) ? null : `"${entry}" is not an IP address or CIDR range (such as 203.0.113.10/32 or 2001:db8::/32)`;
}

/** True when the CIDR names exactly one address (what gets DNS records at onboarding). */
export function singleAddress(text: string): string | null {
  const c = parseCidr(text);
  return c && c.prefix === (c.family === 'ipv4' ? 32 : 128) ? c.address : null;
}

interface CompiledAllowlist {
  entries: Array<{ entry: string; range: [Address, number] }>;
  /** answers per caller IP: callers are few */
  answers: Map<string, string | null>;
}

const cache = new WeakMap<readonly string[], CompiledAllowlist>();
const MAX_REMEMBERED_CALLERS = 1024;

function compileAllowlist(allowlist: readonly string[]): CompiledAllowlist {
  const entries: CompiledAllowlist['entries'] = [];
  for (const entry of allowlist) {
    const c = parseCidr(entry);
    if (c) entries.push({ entry, range: [parseAddress(c.address)!, c.prefix] });
  }
  return { entries, answers: new Map() };
}

function inRange(address: Address, [base, prefix]: [Address, number]): boolean {
  if (address.kind() !== base.kind()) return false;
  return address.kind() === 'ipv4' ? (address as ipaddr.IPv4).match(base as ipaddr.IPv4, prefix) : (address as ipaddr.IPv6).match(base as ipaddr.IPv6, prefix);
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
    const address = parseAddress(ip);
    found = address ? (compiled.entries.find((e) => inRange(address, e.range))?.entry ?? null) : null;
    if (compiled.answers.size >= MAX_REMEMBERED_CALLERS) compiled.answers.clear();
    compiled.answers.set(ip, found);
  }
  return found;
}

/** Whether the caller IP is inside any CIDR of the list. */
export function ipAllowed(allowlist: readonly string[], ip: string): boolean {
  return allowlistEntry(allowlist, ip) !== null;
}
