import type { PeerCertificate } from 'node:tls';
import { normalizeIp } from '../net/ip.js';
import type { PeerIdentity } from './types.js';
import { canonicalSerial } from './serial.js';

/** Splits Node's `subjectaltname` ("DNS:a, IP Address:1.2.3.4, DNS:\"x,y\"") honouring JSON quoting. */
export function parseSubjectAltName(san: string | undefined): Array<{ type: string; value: string }> {
  const out: Array<{ type: string; value: string }> = [];
  if (!san) return out;
  const re = /\s*([^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)\s*(?:,|$)/gy;
  for (let m = re.exec(san); m !== null && m[0] !== ''; m = re.exec(san)) {
    const type = (m[1] ?? '').trim();
    let value = (m[2] ?? '').trim();
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        value = value.slice(1, -1);
      }
    }
    out.push({ type, value });
  }
  return out;
}

function firstValue(value: string | string[] | undefined): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v === '' ? null : v;
}

/**
 * The caller identity from a peer certificate (`socket.getPeerCertificate()`): O = tenant,
 * OU = program, domains = CN + SAN DNS names (deduplicated, case-insensitive, first spelling
 * kept), ips = SAN IP addresses, serial in canonical form. An empty object (no certificate)
 * gives serial "" and empty lists.
 */
export function readPeerIdentity(cert: PeerCertificate): PeerIdentity {
  const subject = (cert.subject ?? {}) as unknown as Record<string, string | string[] | undefined>;
  const domains: string[] = [];
  const seen = new Set<string>();
  const addDomain = (name: string | null): void => {
    if (name === null || name === '' || seen.has(name.toLowerCase())) return;
    seen.add(name.toLowerCase());
    domains.push(name);
  };
  const cn = subject['CN'];
  for (const name of Array.isArray(cn) ? cn : [cn]) addDomain(name ?? null);
  const ips: string[] = [];
  for (const { type, value } of parseSubjectAltName(cert.subjectaltname)) {
    if (type === 'DNS') addDomain(value);
    else if (type === 'IP Address') {
      const ip = normalizeIp(value);
      if (!ips.includes(ip)) ips.push(ip);
    }
  }
  return {
    serial: cert.serialNumber ? canonicalSerial(cert.serialNumber) : '',
    tenantName: firstValue(subject['O']),
    programName: firstValue(subject['OU']),
    domains,
    ips,
  };
}
