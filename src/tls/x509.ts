import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

// Its own module, outside the public declarations: a consumer's tsc reading dist/*.d.ts never meets
// @peculiar/x509's types (they need the DOM lib).
let x509Module: Promise<typeof X509> | undefined;

/**
 * @peculiar/x509, imported on the first issuance (it costs ~88 ms of import): a start that finds
 * current certificates on disk never loads it; reading certificates is node:crypto's X509Certificate.
 */
export function loadX509(): Promise<typeof X509> {
  return (x509Module ??= import('@peculiar/x509').then((x509) => {
    x509.cryptoProvider.set(webcrypto);
    return x509;
  }));
}
