import https from 'node:https';
import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';

/** Loaded on first use: importing undici costs ~66 ms of every start, and a dispatcher is made only on demand. */
const undici = () => createRequire(import.meta.url)('undici') as typeof import('undici');

/** Client TLS material, PEM strings: the mock's CA, and a program's client certificate and key. */
export interface TlsMaterial {
  ca: string;
  cert: string;
  key: string;
}

/**
 * The dispatcher type of the global fetch's `RequestInit` (from @types/node), so that
 * `fetch(url, { dispatcher })` type-checks without a cast whatever undici version @types/node describes.
 * (With the DOM lib, RequestInit has no dispatcher: then undici's own type.)
 */
export type FetchDispatcher = RequestInit extends { dispatcher?: infer D } ? NonNullable<D> : Dispatcher;

/** An undici Agent for Node's fetch: `fetch(url, { dispatcher })` presents the client certificate and trusts the mock's CA. */
export function createDispatcher(tls: TlsMaterial): FetchDispatcher {
  // The undici package's types and the copy @types/node bundles differ in details the runtime does not
  // use; Node's built-in fetch accepts this Agent on Node 20, 22 and 24 (tested on 20 and in the image on 24).
  return new (undici().Agent)({ connect: { ca: tls.ca, cert: tls.cert, key: tls.key } }) as unknown as FetchDispatcher;
}

/** An `https.Agent` (keep-alive) for node:https, axios, got and friends. */
export function createHttpsAgent(tls: TlsMaterial): https.Agent {
  return new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key });
}
