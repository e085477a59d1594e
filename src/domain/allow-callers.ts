import { parseCidr } from '../net/ip.js';
import type { State } from '../store/state.js';
import { registerDns } from './programs.js';

/** The address as the gateway reads it (an IPv4-mapped one as IPv4), as a single-host CIDR. */
const hostCidr = (ip: string): string => {
  const { address, prefix } = parseCidr(ip)!;
  return `${address}/${prefix}`;
};

/**
 * Lets extra caller addresses through every program's gateway (ALLOW_CALLERS): each address gets an
 * allowlist entry and A/PTR records for the program's domains, as onboarding with registerDns does.
 * Applied to fixtures, so a reset keeps it.
 */
export function allowCallers(state: State, ips: readonly string[]): State {
  const cidrs = ips.map(hostCidr);
  for (const program of state.programs) {
    program.allowlist.push(...cidrs.filter((cidr) => !program.allowlist.includes(cidr)));
    registerDns(state.dns, cidrs, program.domains);
  }
  return state;
}
