import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import os from 'node:os';
import { parseIp as parse, type IpAddress } from '../net/ip.js';

/** WEBHOOK_URLS: `any` = http(s) anywhere but the mock itself; `public-https` = the platform's rule. */
export type WebhookUrlMode = 'any' | 'public-https';

export interface Listener {
  /** the address it binds (0.0.0.0 / :: = every local address) */
  host: string;
  port: number;
}

/** The built-in sink is the one path on the mock's own listeners a webhook may go to. */
const SINK_PATH = /^\/_mock\/webhook-sink\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;

/** Addresses that reach this machine: loopback, unspecified (0.0.0.0 connects to the local host) and every interface's. */
function isThisMachine(address: IpAddress): boolean {
  const range = address.range();
  if (range === 'loopback' || range === 'unspecified') return true;
  const text = address.toNormalizedString();
  return Object.values(os.networkInterfaces()).some((list) => (list ?? []).some((i) => parse(i.address)?.toNormalizedString() === text));
}

/**
 * Which URLs the mock POSTs webhooks to (OTP listeners, certificate reminders): http and https only,
 * never the mock's own listeners (a tenant could otherwise make the mock call its own control plane,
 * say to revoke another tenant's certificate), only the built-in sink there; with `public-https`,
 * the platform's rule: https to public addresses only. `refusal` judges the URL as written (a 422 at
 * subscription); `refusalOnDelivery` also resolves the name, just before each POST. Every POST also
 * carries `deliveryHeader` with a per-process secret, which the control plane refuses outside the
 * sink: a name that resolves differently at delivery still cannot reach it.
 */
export class WebhookUrlPolicy {
  readonly deliveryHeader = { name: 'x-axys-mock-delivery', value: randomBytes(16).toString('hex') };

  constructor(
    readonly mode: WebhookUrlMode,
    private readonly listeners: () => readonly Listener[],
  ) {}

  /** Why `text` is refused as written, or null. */
  refusal(text: string): string | null {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return `"${text}" is not an absolute URL.`;
    }
    if (this.mode === 'public-https' && url.protocol !== 'https:') {
      return `Webhook URLs must be public HTTPS (WEBHOOK_URLS=public-https, the platform's rule), got ${url.protocol}`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `Webhook URLs must be http or https, got ${url.protocol}`;
    if (url.username || url.password) return 'Webhook URLs carry no user name or password.';
    const host = url.hostname.toLowerCase();
    const literal = parse(host);
    if (this.mode === 'public-https' && (host === 'localhost' || host.endsWith('.localhost') || (literal && literal.range() !== 'unicast'))) {
      return `Webhook URLs must be public HTTPS (WEBHOOK_URLS=public-https): ${host} is not a public address.`;
    }
    const local = host === 'localhost' || host.endsWith('.localhost') || (literal !== null && isThisMachine(literal));
    return local ? this.#ownListener(url, [literal ?? parse('127.0.0.1')!]) : null;
  }

  /** The same, with the name resolved as the POST will resolve it. */
  async refusalOnDelivery(text: string): Promise<string | null> {
    const written = this.refusal(text);
    if (written !== null) return written;
    const url = new URL(text);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (parse(host)) return null;
    let addresses: IpAddress[];
    try {
      addresses = (await lookup(host, { all: true })).flatMap((a) => parse(a.address) ?? []);
    } catch {
      return null; // the POST itself reports the name that does not resolve
    }
    if (this.mode === 'public-https') {
      const private_ = addresses.find((a) => a.range() !== 'unicast');
      if (private_) return `Webhook URLs must be public HTTPS (WEBHOOK_URLS=public-https): ${host} resolves to ${private_.toString()}, not a public address.`;
    }
    const local = addresses.filter(isThisMachine);
    return local.length ? this.#ownListener(url, local) : null;
  }

  #ownListener(url: URL, addresses: IpAddress[]): string | null {
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const hit = this.listeners().find((l) => l.port === port && addresses.some((a) => reaches(l.host, a)));
    if (!hit || SINK_PATH.test(url.pathname)) return null;
    return `Webhook URLs cannot point at the mock's own listeners (${url.host} is the mock on port ${port}); only its webhook sink (/_mock/webhook-sink/<name>) is allowed there.`;
  }
}

/** Whether a listener bound to `bound` may accept a connection to `address` (an address of this machine); in doubt, yes. */
function reaches(bound: string, address: IpAddress): boolean {
  const b = parse(bound === 'localhost' ? '127.0.0.1' : bound);
  if (b === null || b.range() === 'unspecified' || address.range() === 'unspecified') return true;
  if (b.range() === 'loopback' && address.range() === 'loopback') return true;
  return b.kind() === address.kind() && b.toNormalizedString() === address.toNormalizedString();
}
