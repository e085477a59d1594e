import https from 'node:https';
import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';

/**
 * undici's Agent, loaded on first use, and alone: the package's index loads all of undici (about 105 ms
 * here, against 31 ms for the Agent's own module, the very class the index exports: both checked by
 * test/lazy-imports.test.ts). undici is pinned to a minor version for this path.
 */
const UndiciAgent = () => createRequire(import.meta.url)('undici/lib/dispatcher/agent.js') as typeof import('undici').Agent;

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
  const Agent = UndiciAgent();
  return new Agent({ connect: { ca: tls.ca, cert: tls.cert, key: tls.key } }) as unknown as FetchDispatcher;
}

/** An `https.Agent` (keep-alive) for node:https, axios, got and friends. */
export function createHttpsAgent(tls: TlsMaterial): https.Agent {
  return new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key });
}
