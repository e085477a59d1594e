export type {
  CertificateSet,
  ClientCertificateFiles,
  ClientIdentity,
  IssuedCertificate,
  PeerIdentity,
  PemPair,
  ProgramCertificateRequest,
  TlsRefusalReason,
} from './types.js';
export { canonicalSerial, randomSerial } from './serial.js';
export { getTlsStats } from './keys.js';
export {
  createCertificateAuthority,
  createServerCertificate,
  issueClientCertificate,
  SERVER_DEFAULT_NAMES,
  type IssueOptions,
} from './issue.js';
export { pkcs12HoldsCertificate, toPkcs12 } from './pkcs12.js';
export { loadOrCreateCertificates, clearCertificateCache } from './store.js';
export { apiServerTlsOptions, classifyTlsRefusal } from './handshake.js';
export { ClientCertificateGate, type GateRefusal } from './gate.js';
export { readPeerIdentity } from './peer.js';
