import dns from 'node:dns';
import type { DnsTable } from '../store/state.js';
import { normalizeIp } from './ip.js';

export interface HostResolver {
  reverse(ip: string): Promise<string[]> | string[];
  forward(name: string): Promise<string[]> | string[];
}

/** Lookups in the mock's own DNS table (`/_mock/dns`), read at call time so edits apply at once. */
export function staticResolver(table: () => DnsTable): HostResolver {
  return {
    reverse: (ip) => table().ptr[normalizeIp(ip)] ?? [],
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
 * caller IP, and that name's forward lookup contains the caller IP.
 */
export async function fcrdnsCheck(ip: string, certificateNames: readonly string[], resolver: HostResolver): Promise<FcrdnsResult> {
  const caller = normalizeIp(ip);
  const wanted = new Set(certificateNames.map((n) => n.toLowerCase()));
  const reverse = await resolver.reverse(caller);
  for (const name of reverse) {
    const lower = name.toLowerCase();
    if (!wanted.has(lower)) continue;
    if ((await resolver.forward(lower)).includes(caller)) return { confirmed: lower, reverse };
  }
  return { confirmed: null, reverse };
}

/** The confirmed name (see fcrdnsCheck) or null. */
export async function confirmedName(ip: string, certificateNames: readonly string[], resolver: HostResolver): Promise<string | null> {
  return (await fcrdnsCheck(ip, certificateNames, resolver)).confirmed;
}
