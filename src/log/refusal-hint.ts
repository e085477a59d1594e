import type { JournalEntry } from '../journal/journal.js';
import type { State } from '../store/state.js';

const program = (state: State, id: number | null) => (id === null ? undefined : state.programs.find((p) => p.programId === id));

/** A /24 (IPv4) around the caller: what a container network's range usually looks like, for the example. */
function rangeAround(ip: string): string {
  const v4 = /^(\d+\.\d+\.\d+)\.\d+$/.exec(ip);
  return v4 ? `${v4[1]}.0/24` : `${ip}/64`;
}

/**
 * Why the gateway refused a caller and what to change so it passes, read from the state the refusal
 * was decided on (the allowlist, the static DNS table). Null for requests that were not refused.
 */
export function refusalHint(entry: JournalEntry, state: State, dnsResolver: 'static' | 'system'): string | null {
  const ip = entry.remoteAddress ?? '?';
  const p = program(state, entry.programId);
  switch (entry.decision) {
    case 'tls_refused':
      return entry.reason === 'no_client_certificate'
        ? `the caller ${ip} sent no client certificate: present a program's certificate and key (certs/clients/<programId>.pem, -key.pem) and trust certs/ca.pem`
        : `the handshake from ${ip} failed (${entry.reason ?? 'unknown'}): use a client certificate this mock's CA issued (certs/ca.pem), not expired or revoked`;
    case 'unknown_certificate':
      return `the client certificate from ${ip} belongs to no program of this mock (another certs dir or a removed program?): use certs/clients/<programId>.pem or onboard one with POST /_mock/programs`;
    case 'ip_not_allowlisted':
      return `${ip} is not in program ${entry.programId}'s allowlist (${p?.allowlist.join(', ') || 'empty'}): start the mock with ALLOW_CALLERS=${ip} (or the network's range, ALLOW_CALLERS=${rangeAround(ip)}), or PUT /_mock/programs/${entry.programId}/allowlist`;
    case 'fcrdns_failed': {
      const domains = p?.domains ?? [];
      if (dnsResolver === 'system') return `FCrDNS failed for ${ip} with the system resolver: its PTR record must name one of ${domains.join(', ')} and that name must resolve back to ${ip}`;
      const named = (state.dns.ptr[ip] ?? []).filter((n) => domains.includes(n));
      if (!named.length) {
        return `no PTR record for ${ip} names one of the certificate's domains (${domains.join(', ')}): add "ptr": {"${ip}": ["${domains[0] ?? 'name'}"]} and the A record with PUT /_mock/dns, or start the mock with ALLOW_CALLERS=${ip}`;
      }
      return `the PTR record of ${ip} names ${named[0]}, but its A records (${(state.dns.a[named[0]!] ?? []).join(', ') || 'none'}) lack ${ip}: add it to "a": {"${named[0]}": [...]} with PUT /_mock/dns`;
    }
    case 'invalid_api_key':
      return `X-API-Key missing, unknown, revoked or of another program: send one of program ${entry.programId}'s keys (GET /_mock/programs/${entry.programId} lists them)`;
    default:
      return null;
  }
}
