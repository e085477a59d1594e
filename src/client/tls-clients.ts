import https from 'node:https';
import { Agent as UndiciAgent } from 'undici';

/** Client TLS material, PEM strings: the mock's CA, and a program's client certificate and key. */
export interface TlsMaterial {
  ca: string;
  cert: string;
  key: string;
}

/** An undici dispatcher for Node's fetch: `fetch(url, { dispatcher })` presents the client certificate and trusts the mock's CA. */
export function createDispatcher(tls: TlsMaterial): UndiciAgent {
  return new UndiciAgent({ connect: { ca: tls.ca, cert: tls.cert, key: tls.key } });
}

/** An `https.Agent` (keep-alive) for node:https, axios, got and friends. */
export function createHttpsAgent(tls: TlsMaterial): https.Agent {
  return new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key });
}
