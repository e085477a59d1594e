import { isIP } from 'node:net';
import os from 'node:os';
import type { NextFunction, Request, Response } from 'express';
import { errorTemplate } from '../http/errors.js';

export interface HostPolicy {
  /** the address the control listener binds (HOST) */
  bindHost: string;
  /** CONTROL_HOSTS: extra names it answers to; `*` = any */
  controlHosts: readonly string[];
  /** with CONTROL_TOKEN set, any Host is served: the token, not the name, keeps a rebound page out */
  controlToken: string | null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const browserGuardMessages = {
  hostNotServed: (host: string | undefined) =>
    `The control plane does not serve the host "${host ?? ''}". Call it as localhost, by an IP address or by its bind address, ` +
    'or add the name to CONTROL_HOSTS (--control-hosts, comma-separated; "*" = any), or set CONTROL_TOKEN.',
  crossOrigin: (origin: string, host: string | undefined) =>
    `Cross-origin request refused: Origin ${origin} is not this control plane (http://${host}). ` +
    'Web pages of other origins cannot call /_mock; call it from its own dashboard, a script or a test.',
  notPreflighted: (method: string, path: string) =>
    `${method} ${path} changes the mock's state: send it with Content-Type: application/json (also when it has no body) ` +
    'or with an X-Requested-With header. A web page cannot send either cross-site, so no page you visit can change the mock.',
  selfDelivery: "A webhook of the mock itself cannot call the mock's control plane: only its webhook sink (/_mock/webhook-sink/<name>).",
} as const;

/** Each status paired with its message; raised as `next(browserGuardErrors.x(...))`. */
const browserGuardErrors = {
  hostNotServed: errorTemplate(403, browserGuardMessages.hostNotServed),
  crossOrigin: errorTemplate(403, browserGuardMessages.crossOrigin),
  notPreflighted: errorTemplate(415, browserGuardMessages.notPreflighted),
  selfDelivery: errorTemplate(403, browserGuardMessages.selfDelivery),
} as const;

/** `Host` without its port, lower-case, IPv6 without brackets; null when it has none. */
export function hostName(host: string | undefined): string | null {
  if (!host) return null;
  const bracketed = /^\[([^\]]+)\](?::\d*)?$/.exec(host);
  const name = bracketed ? bracketed[1]! : host.replace(/:\d*$/, '');
  return name.toLowerCase().replace(/\.$/, '') || null;
}

/**
 * The names a browser reaches this listener by that no other site can point at it (DNS rebinding):
 * localhost and *.localhost, any IP literal (a page can only rebind a name, and a page at an IP
 * literal is that address's own), names without a dot (compose service names, container hostnames:
 * no public DNS answers for them), the bind address, and the names in CONTROL_HOSTS.
 */
export function hostAllowed(name: string, policy: HostPolicy): boolean {
  if (policy.controlToken !== null || policy.controlHosts.includes('*')) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) !== 0 || !name.includes('.')) return true;
  if (name === policy.bindHost.toLowerCase() || name === os.hostname().toLowerCase()) return true;
  return policy.controlHosts.some((h) => h.toLowerCase() === name);
}

/**
 * Keeps web pages out of the control plane (issue 12, items 11 and 12): a Host it does not serve is
 * refused (a DNS-rebound page), an Origin other than its own is refused (a cross-site page), and a
 * state-changing request needs a JSON content type or an X-Requested-With header, which no page can
 * send cross-site without a CORS preflight (that the mock never answers).
 */
export function browserGuard(policy: HostPolicy) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const name = hostName(req.headers.host);
    if (name === null || !hostAllowed(name, policy)) {
      return next(browserGuardErrors.hostNotServed(req.headers.host));
    }
    const origin = req.headers.origin;
    if (origin !== undefined && originHost(origin) !== req.headers.host?.toLowerCase()) {
      return next(browserGuardErrors.crossOrigin(origin, req.headers.host));
    }
    next();
  };
}

/** `host:port` of an Origin header (`null` and garbage give null). */
function originHost(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : null;
  } catch {
    return null;
  }
}

/** Whether the request carries something a cross-site page cannot send without a preflight. */
function preflighted(req: Request): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[^/]+\+json$/.test(type) || req.headers['x-requested-with'] !== undefined;
}

/** Every state-changing control request: `Content-Type: application/json` (a body-less one too) or `X-Requested-With`. */
export function writeGuard(req: Request, _res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method) || preflighted(req)) return next();
  next(browserGuardErrors.notPreflighted(req.method, req.path));
}

/**
 * A webhook POST of the mock itself (it carries the per-process delivery header) reaches the control
 * plane only at the webhook sink: whatever a tenant's URL resolved to, the mock never calls its own
 * control routes on a tenant's behalf.
 */
export function selfDeliveryGuard(header: { name: string; value: string }) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.headers[header.name] !== header.value || /^\/_mock\/webhook-sink\/./.test(req.path)) return next();
    next(browserGuardErrors.selfDelivery());
  };
}
