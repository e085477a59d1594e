/** A certificate and its private key, both PEM encoded. */
export interface PemPair {
  certPem: string;
  keyPem: string;
}

/**
 * Who a client certificate is issued to.
 * Subject: CN = domains[0], O = tenantName, OU = programName; SAN DNS = every domain.
 */
export interface ClientIdentity {
  tenantName: string;
  programName: string;
  domains: string[];
}

export interface IssuedCertificate {
  /** Canonical serial: see `canonicalSerial` in serial.ts (lowercase hex, no colons, no leading zero bytes). */
  serial: string;
  certPem: string;
  /** Absent when the certificate was issued for a CSR (the caller holds the key). */
  keyPem?: string;
  /** ISO 8601 */
  notBefore: string;
  /** ISO 8601 */
  notAfter: string;
}

/** What the gateway learns about the caller from its (verified) certificate. */
export interface PeerIdentity {
  /** Canonical serial (same form as IssuedCertificate.serial). */
  serial: string;
  tenantName: string | null;
  programName: string | null;
  /** CN followed by the SAN DNS names, deduplicated. */
  domains: string[];
  /** SAN IP addresses. */
  ips: string[];
}

export interface ClientCertificateFiles {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
  p12Path: string;
  serial: string;
}

export interface CertificateSet {
  dir: string;
  ca: PemPair;
  server: PemPair;
  clients: Map<number, ClientCertificateFiles>;
}

export type ProgramCertificateRequest = ClientIdentity & { programId: number };

export type TlsRefusalReason =
  | 'no_client_certificate'
  | 'unknown_ca'
  | 'certificate_expired'
  | 'certificate_not_yet_valid'
  | 'certificate_revoked'
  | 'handshake_failed';
