import { randomBytes } from 'node:crypto';
import type { ServerOptions } from 'node:https';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { CertificateSet, TlsRefusalReason } from './types.js';
import { canonicalSerial } from './serial.js';
import { createCrl } from './crl.js';

/**
 * TLS options for the partner API server: client certificate required and verified against the
 * mock CA, TLS >= 1.2, optional CRL. Node verifies the client chain at the end of the handshake
 * and destroys the socket before any HTTP byte when it fails (no cert: OpenSSL aborts the
 * handshake itself with a certificate_required / handshake_failure alert).
 */
export function apiServerTlsOptions(set: Pick<CertificateSet, 'ca' | 'server'>, crlPem?: string): ServerOptions {
  const options: ServerOptions = {
    ca: set.ca.certPem,
    cert: set.server.certPem,
    key: set.server.keyPem,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
  };
  if (crlPem !== undefined) options.crl = crlPem;
  return options;
}

const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED']);
const REVOKED = new Set(['CERT_REVOKED', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED']);
const NO_CERT = new Set([
  'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
]);

/**
 * Maps a server `tlsClientError` to a journal reason. Observed on Node 20 / OpenSSL 3 (TLS 1.3
 * and 1.2 alike):
 * - no client certificate: err.code ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE.
 * - bad certificate: err.code ECONNRESET, message "socket hang up" (Node destroys the socket after
 *   its post-handshake verification); the cause is only on the socket, `socket.authorizationError`
 *   = UNABLE_TO_VERIFY_LEAF_SIGNATURE (foreign CA) | CERT_HAS_EXPIRED | CERT_REVOKED.
 * So pass the socket from the event: `server.on('tlsClientError', (err, s) => classifyTlsRefusal(err, s))`.
 * CERT_NOT_YET_VALID counts as certificate_expired (outside its validity period). Anything else
 * (plain client disconnects, protocol version mismatches, …) is handshake_failed.
 */
export function classifyTlsRefusal(
  err: Error & { code?: string; reason?: string },
  socket?: { authorizationError?: unknown } | null,
): TlsRefusalReason {
  const candidates = [socket?.authorizationError, err.code]
    .filter((c): c is string => typeof c === 'string' && c !== '');
  for (const code of candidates) {
    if (NO_CERT.has(code)) return 'no_client_certificate';
    if (REVOKED.has(code)) return 'certificate_revoked';
    if (EXPIRED.has(code)) return 'certificate_expired';
    if (UNKNOWN_CA.has(code)) return 'unknown_ca';
  }
  const text = `${err.reason ?? ''} ${err.message}`.toLowerCase();
  if (text.includes('did not return a certificate') || text.includes('certificate required')) return 'no_client_certificate';
  if (text.includes('revoked')) return 'certificate_revoked';
  if (text.includes('expired')) return 'certificate_expired';
  if (text.includes('unknown ca')) return 'unknown_ca';
  return 'handshake_failed';
}

/**
 * Certificate revocation without restart.
 *
 * `revoke(serial)` regenerates a CA-signed CRL (@peculiar/x509 X509CrlGenerator) and installs it
 * on every attached server with `server.setSecureContext(apiServerTlsOptions(set, crl))`, so new
 * handshakes with that certificate are refused by OpenSSL's CRL check (authorizationError
 * CERT_REVOKED). In addition:
 * - TLS session ticket keys are rotated (and the new secure context starts with an empty session
 *   cache), so a client cannot skip certificate verification by resuming an earlier session;
 * - as a backstop, `secureConnection` checks the peer serial against the revoked list and destroys
 *   the socket before the HTTP layer reads anything (emitting `tlsClientError` with code
 *   CERT_REVOKED, so the journal sees it like any other refusal);
 * - established connections (keep-alive) are tracked by peer serial and destroyed on revocation.
 */
export class Revocations {
  private readonly revoked = new Set<string>();
  private readonly servers = new Set<TlsServer>();
  private readonly socketsBySerial = new Map<string, Set<TLSSocket>>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly set: Pick<CertificateSet, 'ca' | 'server'>,
    initiallyRevoked: Iterable<string> = [],
  ) {
    for (const serial of initiallyRevoked) this.revoked.add(canonicalSerial(serial));
  }

  isRevoked(serial: string): boolean {
    return this.revoked.has(canonicalSerial(serial));
  }

  /** Starts tracking a server; if serials are already revoked, installs their CRL. */
  async attach(server: TlsServer): Promise<void> {
    this.servers.add(server);
    server.prependListener('secureConnection', (socket: TLSSocket) => this.onSecureConnection(server, socket));
    server.once('close', () => this.servers.delete(server));
    if (this.revoked.size > 0) await this.apply();
  }

  revoke(serial: string): Promise<void> {
    this.revoked.add(canonicalSerial(serial));
    return this.apply();
  }

  /** Replaces the revoked list (e.g. on a state reset); the same list again changes nothing and costs nothing. */
  setRevoked(serials: Iterable<string>): Promise<void> {
    const next = new Set([...serials].map(canonicalSerial));
    if (next.size === this.revoked.size && [...next].every((s) => this.revoked.has(s))) return this.queue;
    this.revoked.clear();
    for (const serial of next) this.revoked.add(serial);
    return this.apply();
  }

  private onSecureConnection(server: TlsServer, socket: TLSSocket): void {
    const serialNumber = socket.getPeerCertificate().serialNumber;
    if (!serialNumber) return;
    const serial = canonicalSerial(serialNumber);
    if (this.revoked.has(serial)) {
      const err = Object.assign(new Error('certificate revoked'), { code: 'CERT_REVOKED' });
      socket.destroy();
      server.emit('tlsClientError', err, socket);
      return;
    }
    let sockets = this.socketsBySerial.get(serial);
    if (sockets === undefined) {
      sockets = new Set();
      this.socketsBySerial.set(serial, sockets);
    }
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && this.socketsBySerial.get(serial) === sockets) this.socketsBySerial.delete(serial);
    });
  }

  /** Serialised so that the last installed CRL always reflects every revocation. */
  private apply(): Promise<void> {
    const run = async (): Promise<void> => {
      const crl = await createCrl(this.set.ca, this.revoked);
      for (const server of this.servers) {
        server.setSecureContext(apiServerTlsOptions(this.set, crl));
        server.setTicketKeys(randomBytes(48));
      }
      for (const serial of this.revoked) {
        for (const socket of this.socketsBySerial.get(serial) ?? []) socket.destroy();
      }
    };
    this.queue = this.queue.then(run, run);
    return this.queue;
  }
}
