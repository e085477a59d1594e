import dns from 'node:dns';
import type { DnsTable } from '../store/state.js';
import { ipAllowed, normalizeIp } from '../net/ip.js';

export interface HostResolver {
  reverse(ip: string): Promise<string[]> | string[];
  forward(name: string): Promise<string[]> | string[];
  /** A and PTR records for a whole range (ALLOW_CALLERS ranges): true when `name` stands for `ip` both ways. */
  covers?(ip: string, name: string): boolean;
}

/**
 * The base resolver plus ranges whose every address has PTR records for `names` and is in their A
 * records (a compose network from ALLOW_CALLERS, whose containers get addresses at run time).
 */
export function withCallerRanges(base: HostResolver, ranges: readonly string[], names: readonly string[]): HostResolver {
  if (!ranges.length) return base;
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const covers = (ip: string, name: string) => wanted.has(name.toLowerCase()) && ipAllowed(ranges, ip);
  const withRange = (ip: string, found: string[]) => (ipAllowed(ranges, ip) ? [...found, ...[...wanted].filter((n) => !found.includes(n))] : found);
  return {
    reverse: (ip) => {
      const found = base.reverse(ip);
      return found instanceof Promise ? found.then((f) => withRange(ip, f)) : withRange(ip, found);
    },
    forward: base.forward,
    covers,
  };
}

/** PTR records of an address, whichever spelling of it the table uses (`0:0:0:0:0:0:0:1` for `::1`). */
function ptrRecords(table: DnsTable, ip: string): string[] {
  const exact = table.ptr[ip];
  if (exact) return exact;
  for (const [key, names] of Object.entries(table.ptr)) if (normalizeIp(key) === ip) return names;
  return [];
}

/** Lookups in the mock's own DNS table (`/_mock/dns`), read at call time so edits apply at once. */
export function staticResolver(table: () => DnsTable): HostResolver {
  return {
    reverse: (ip) => ptrRecords(table(), normalizeIp(ip)),
    forward: (name) => (table().a[name.toLowerCase()] ?? []).map(normalizeIp),
  };
}

export const systemResolver: HostResolver = {
  reverse: (ip) => dns.promises.reverse(normalizeIp(ip)).catch(() => []),
  forward: (name) =>
    dns.promises
      .lookup(name, { all: true })
      .then((all) => all.map((a) => normalizeIp(a.address)))
      .catch(() => []),
};

export interface FcrdnsResult {
  /** the certificate name confirmed both ways, or null */
  confirmed: string | null;
  /** what the reverse lookup of the caller IP gave */
  reverse: string[];
}

/**
 * Forward-confirmed reverse DNS: some name of the certificate is in the reverse lookup of the
 * caller IP, and that name's forward lookup contains the caller IP. Synchronous when the resolver
 * answers synchronously (the mock's own DNS table): no promise on the request's path.
 */
export function fcrdnsCheck(ip: string, certificateNames: readonly string[], resolver: HostResolver): FcrdnsResult | Promise<FcrdnsResult> {
  const caller = normalizeIp(ip);
  const wanted = new Set(certificateNames.map((n) => n.toLowerCase()));
  const reverse = resolver.reverse(caller);
  return reverse instanceof Promise ? reverse.then((r) => confirm(r, 0, caller, wanted, resolver)) : confirm(reverse, 0, caller, wanted, resolver);
}

/** The first of `reverse[from..]` that is a wanted name and resolves back to the caller. */
function confirm(reverse: string[], from: number, caller: string, wanted: Set<string>, resolver: HostResolver): FcrdnsResult | Promise<FcrdnsResult> {
  for (let i = from; i < reverse.length; i++) {
    const lower = reverse[i]!.toLowerCase();
    if (!wanted.has(lower)) continue;
    if (resolver.covers?.(caller, lower)) return { confirmed: lower, reverse };
    const forward = resolver.forward(lower);
    if (forward instanceof Promise) return forward.then((f) => (f.includes(caller) ? { confirmed: lower, reverse } : confirm(reverse, i + 1, caller, wanted, resolver)));
    if (forward.includes(caller)) return { confirmed: lower, reverse };
  }
  return { confirmed: null, reverse };
}

/** The confirmed name (see fcrdnsCheck) or null. */
export async function confirmedName(ip: string, certificateNames: readonly string[], resolver: HostResolver): Promise<string | null> {
  return (await fcrdnsCheck(ip, certificateNames, resolver)).confirmed;
}
