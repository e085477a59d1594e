import type { ServerOptions } from 'node:https';
import type { TlsRefusalReason } from './types.js';
import type { CertificateSet } from './types.js';

/**
 * TLS options for the partner API server: a client certificate is requested and OpenSSL verifies
 * its chain against the mock CA, but the verdict is taken by `ClientCertificateGate` right after
 * the handshake, before any HTTP byte is read: the validity window is judged on the MOCK's clock
 * (OpenSSL would judge it on the wall clock) and revocation is a set lookup (no CRL to rebuild).
 */
export function apiServerTlsOptions(set: Pick<CertificateSet, 'ca' | 'server'>): ServerOptions {
  return {
    ca: set.ca.certPem,
    cert: set.server.certPem,
    key: set.server.keyPem,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  };
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
  'INVALID_PURPOSE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED']);
const NOT_YET_VALID = new Set(['CERT_NOT_YET_VALID']);
const REVOKED = new Set(['CERT_REVOKED', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED']);
const NO_CERT = new Set([
  'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
]);

/**
 * Maps a server `tlsClientError` to a journal reason. The gate emits its refusals with the
 * OpenSSL-style code (ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE, UNABLE_TO_VERIFY_LEAF_SIGNATURE,
 * CERT_HAS_EXPIRED, CERT_NOT_YET_VALID, CERT_REVOKED); a socket's `authorizationError` is read too.
 * Anything else (plain client disconnects, protocol version mismatches, ...) is handshake_failed.
 */
export function classifyTlsRefusal(
  err: Error & { code?: string; reason?: string },
  socket?: { authorizationError?: unknown } | null,
): TlsRefusalReason {
  const candidates = [err.code, socket?.authorizationError]
    .filter((c): c is string => typeof c === 'string' && c !== '');
  for (const code of candidates) {
    if (NO_CERT.has(code)) return 'no_client_certificate';
    if (REVOKED.has(code)) return 'certificate_revoked';
    if (NOT_YET_VALID.has(code)) return 'certificate_not_yet_valid';
    if (EXPIRED.has(code)) return 'certificate_expired';
    if (UNKNOWN_CA.has(code)) return 'unknown_ca';
  }
  const text = `${err.reason ?? ''} ${err.message}`.toLowerCase();
  if (text.includes('did not return a certificate') || text.includes('certificate required')) return 'no_client_certificate';
  if (text.includes('revoked')) return 'certificate_revoked';
  if (text.includes('not yet valid')) return 'certificate_not_yet_valid';
  if (text.includes('expired')) return 'certificate_expired';
  if (text.includes('unknown ca')) return 'unknown_ca';
  return 'handshake_failed';
}
