import { X509Certificate } from 'node:crypto';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { PemPair } from './types.js';
import { canonicalSerial } from './serial.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
/** OpenSSL reports only its LAST verification error, and the validity check comes last: these may hide an earlier one. */
const TIME_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

export type GateRefusal =
  | 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE'
  | 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
  | 'CERT_HAS_EXPIRED'
  | 'CERT_NOT_YET_VALID'
  | 'CERT_REVOKED';

interface Validity {
  notBefore: number;
  notAfter: number;
}

/**
 * The mock's verdict on a client certificate, taken on `secureConnection` (the handshake is done,
 * no HTTP byte has been read yet). OpenSSL has verified the chain against the mock CA; this adds
 * what OpenSSL cannot do here: the validity window on the mock's clock (`now`), and revocation as a
 * set lookup, so 100,000 revoked serials cost what one costs and a revocation is O(1).
 *
 * A refused socket is destroyed and `tlsClientError` is emitted with the reason as `code`, so the
 * journal records it like any other refusal. Resumed TLS sessions carry the peer certificate and go
 * through the same check. Open connections are tracked by serial: a revocation, or a clock move
 * that puts a certificate outside its window, closes them.
 */
export class ClientCertificateGate {
  readonly #ca: X509Certificate;
  readonly #now: () => number;
  readonly #revoked = new Set<string>();
  readonly #open = new Map<string, { validity: Validity; sockets: Set<TLSSocket> }>();

  constructor(ca: Pick<PemPair, 'certPem'>, now: () => number, revoked: Iterable<string> = []) {
    this.#ca = new X509Certificate(ca.certPem);
    this.#now = now;
    this.setRevoked(revoked);
  }

  attach(server: TlsServer): void {
    server.prependListener('secureConnection', (socket: TLSSocket) => this.#onSecureConnection(server, socket));
  }

  isRevoked(serial: string): boolean {
    return this.#revoked.has(canonicalSerial(serial));
  }

  /** Adds a revoked serial and closes its open connections. */
  revoke(serial: string): void {
    const canonical = canonicalSerial(serial);
    this.#revoked.add(canonical);
    this.#closeSerial(canonical);
  }

  /** Replaces the revoked list (state reset, import, restore). */
  setRevoked(serials: Iterable<string>): void {
    this.#revoked.clear();
    for (const serial of serials) {
      if (typeof serial === 'string') this.#revoked.add(canonicalSerial(serial));
    }
    for (const serial of this.#revoked) this.#closeSerial(serial);
  }

  /** The clock moved: connections whose certificate is now outside its validity are closed. */
  clockChanged(): void {
    const now = this.#now();
    for (const [serial, entry] of this.#open) {
      if (now < entry.validity.notBefore || now > entry.validity.notAfter) this.#closeSerial(serial);
    }
  }

  /** Why this socket's certificate is refused, or null when it is accepted. */
  verdict(socket: TLSSocket): { refusal: GateRefusal | null; serial: string; validity: Validity } | { refusal: GateRefusal; serial: null; validity: null } {
    const cert = socket.getPeerX509Certificate?.();
    if (cert === undefined) return { refusal: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE', serial: null, validity: null };
    const serial = canonicalSerial(cert.serialNumber);
    const validity = { notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
    if (!socket.authorized && !(TIME_ERRORS.has(String(socket.authorizationError)) && this.#issuedByCa(cert))) {
      return { refusal: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', serial, validity };
    }
    const now = this.#now();
    if (!(now >= validity.notBefore)) return { refusal: 'CERT_NOT_YET_VALID', serial, validity };
    if (!(now <= validity.notAfter)) return { refusal: 'CERT_HAS_EXPIRED', serial, validity };
    if (this.#revoked.has(serial)) return { refusal: 'CERT_REVOKED', serial, validity };
    return { refusal: null, serial, validity };
  }

  #issuedByCa(cert: X509Certificate): boolean {
    const usage = cert.keyUsage;
    if (Array.isArray(usage) && !usage.includes(CLIENT_AUTH)) return false;
    return !cert.ca && cert.checkIssued(this.#ca) && cert.verify(this.#ca.publicKey);
  }

  #onSecureConnection(server: TlsServer, socket: TLSSocket): void {
    const { refusal, serial, validity } = this.verdict(socket);
    if (refusal !== null) {
      socket.destroy();
      server.emit('tlsClientError', Object.assign(new Error(`client certificate refused: ${refusal}`), { code: refusal }), socket);
      return;
    }
    let entry = this.#open.get(serial);
    if (entry === undefined) {
      entry = { validity, sockets: new Set() };
      this.#open.set(serial, entry);
    }
    const { sockets } = entry;
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && this.#open.get(serial)?.sockets === sockets) this.#open.delete(serial);
    });
  }

  #closeSerial(serial: string): void {
    for (const socket of this.#open.get(serial)?.sockets ?? []) socket.destroy();
  }
}
