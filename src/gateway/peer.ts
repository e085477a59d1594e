import type { TLSSocket } from 'node:tls';
import { readPeerIdentity } from '../tls/index.js';
import type { PeerIdentity } from '../tls/index.js';

const cache = new WeakMap<TLSSocket, PeerIdentity>();

/** The client certificate's identity, parsed once per connection (parsing per request costs ~20% throughput). */
export function peerIdentity(socket: TLSSocket): PeerIdentity | null {
  let identity = cache.get(socket);
  if (!identity) {
    const cert = socket.getPeerCertificate?.();
    if (!cert || !Object.keys(cert).length) return null;
    identity = readPeerIdentity(cert);
    cache.set(socket, identity);
  }
  return identity;
}
