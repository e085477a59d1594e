import type { Server } from 'node:https';
import { ApiError, notFound } from './http/errors.js';
import type { State } from './store/state.js';
import { canonicalSerial, issueClientCertificate, Revocations } from './tls/index.js';
import type { CertificateSet, ClientIdentity, IssuedCertificate } from './tls/index.js';

export interface IssueRequest {
  validDays?: number;
  notBefore?: Date;
  csrPem?: string;
}

export interface CertificateListItem {
  serial: string;
  programId: number;
  domains: string[];
  notBefore: string;
  notAfter: string;
  source: 'fixture' | 'issued';
  revoked: boolean;
}

/** Binds the CA on disk to the state: who owns a serial, issuing, revoking (applied to the live server). */
export class CertificateService {
  readonly set: CertificateSet;
  #revocations: Revocations;
  #fixtureOwners = new Map<string, number>();
  #state: () => State;

  constructor(set: CertificateSet, state: () => State) {
    this.set = set;
    this.#state = state;
    this.#revocations = new Revocations(set, state().revokedSerials);
    for (const [programId, files] of set.clients) this.#fixtureOwners.set(files.serial, programId);
  }

  get caPem(): string {
    return this.set.ca.certPem;
  }

  /** Installs the CRL of already revoked serials on the server and tracks its connections. */
  attach(server: Server): Promise<void> {
    return this.#revocations.attach(server);
  }

  /** programId of a serial the mock issued, from the control plane or for a fixture program. */
  owner(serial: string): number | undefined {
    return this.#state().certificates.find((c) => c.serial === serial)?.programId ?? this.#fixtureOwners.get(serial);
  }

  async issue(identity: ClientIdentity, request: IssueRequest): Promise<IssuedCertificate> {
    try {
      return await issueClientCertificate(this.set.ca, identity, request);
    } catch (e) {
      if (request.csrPem !== undefined) {
        throw new ApiError(422, `csrPem is not a usable PKCS#10 certificate request: ${(e as Error).message}`, [{ field: 'csrPem', message: 'not a valid PEM CSR' }]);
      }
      throw e;
    }
  }

  record(state: State, programId: number, domains: string[], issued: IssuedCertificate, now: number): void {
    state.certificates.push({ serial: issued.serial, programId, domains, notBefore: issued.notBefore, notAfter: issued.notAfter, createdAt: now });
  }

  list(state: State): CertificateListItem[] {
    const revoked = new Set(state.revokedSerials);
    const fixtures: CertificateListItem[] = [...this.set.clients].map(([programId, f]) => {
      const program = state.programs.find((p) => p.programId === programId);
      return { serial: f.serial, programId, domains: program?.domains ?? [], notBefore: '', notAfter: '', source: 'fixture', revoked: revoked.has(f.serial) };
    });
    const issued: CertificateListItem[] = state.certificates.map((c) => ({
      serial: c.serial, programId: c.programId, domains: c.domains, notBefore: c.notBefore, notAfter: c.notAfter, source: 'issued', revoked: revoked.has(c.serial),
    }));
    return [...fixtures, ...issued];
  }

  /** Marks a serial revoked in the state; call applyRevocations() after committing. */
  revoke(state: State, rawSerial: string): string {
    const serial = canonicalSerial(rawSerial);
    if (this.owner(serial) === undefined) throw notFound('Certificate', rawSerial);
    if (!state.revokedSerials.includes(serial)) state.revokedSerials.push(serial);
    return serial;
  }

  /** Later handshakes with a revoked certificate are refused and open connections closed, without a restart. */
  applyRevocations(): Promise<void> {
    return this.#revocations.setRevoked(this.#state().revokedSerials);
  }
}
