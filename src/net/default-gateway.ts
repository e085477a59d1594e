import { readFileSync } from 'node:fs';

const RTF_GATEWAY = 0x2;

/** The IPv4 default gateway in a Linux `/proc/net/route` table (little-endian hex columns), or null. */
export function parseDefaultGateway(routeTable: string): string | null {
  for (const line of routeTable.split('\n').slice(1)) {
    const [, destination, gateway, flags] = line.trim().split(/\s+/);
    if (destination !== '00000000' || !gateway || !(parseInt(flags ?? '0', 16) & RTF_GATEWAY)) continue;
    const n = parseInt(gateway, 16);
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join('.');
  }
  return null;
}

/**
 * This machine's default gateway. In a container on a Docker bridge network it is the address a
 * caller on the host appears with through `-p` port publishing. Null where there is no /proc (macOS).
 */
export function defaultGateway(file = '/proc/net/route'): string | null {
  try {
    return parseDefaultGateway(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}
