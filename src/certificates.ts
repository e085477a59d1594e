import { X509Certificate } from 'node:crypto';
import type { Server } from 'node:https';
import type { Clock } from './clock.js';
import type { components } from './generated/control.js';
import { errorTemplate, notFound } from './http/errors.js';
import type { State } from './store/state.js';
import { canonicalSerial, ClientCertificateGate, issueClientCertificate } from './tls/index.js';
import type { CertificateSet, ClientIdentity, IssuedCertificate } from './tls/index.js';

export interface IssueRequest {
  validDays?: number;
  notBefore?: Date;
  csrPem?: string;
}

/** A client certificate the clock cares about (its expiry and reminders); times in Unix seconds. */
export interface ClientCertificateTimes {
  serial: string;
  programId: number;
  notAfter: number;
  /** when it came into existence: reminders whose time had already passed then are not sent */
  issuedAt: number;
}

/** A certificate as GET /_mock/certificates lists it (openapi/control.yaml `Certificate`). */
export type CertificateListItem = components['schemas']['Certificate'];

/** Backdated a little so a client whose clock is slightly behind the mock's does not see a fresh certificate as not yet valid. */
const CLOCK_SKEW_MS = 5 * 60_000;

export const certificateMessages = {
  csrUnusable: (reason: string) => `csrPem is not a usable PKCS#10 certificate request: ${reason}`,
} as const;

/** Each status paired with its message; raised as `throw certificateErrors.x(...)`. */
const certificateErrors = {
  csrUnusable: errorTemplate(422, certificateMessages.csrUnusable),
} as const;

/** Binds the CA on disk to the state: who owns a serial, issuing (dated on the mock's clock), revoking (applied to the live server). */
export class CertificateService {
  readonly set: CertificateSet;
  readonly gate: ClientCertificateGate;
  #fixtureOwners = new Map<string, number>();
  #fixtureTimes: ClientCertificateTimes[] = [];
  #state: () => State;
  #clock: Clock;

  constructor(set: CertificateSet, state: () => State, clock: Clock) {
    this.set = set;
    this.#state = state;
    this.#clock = clock;
    this.gate = new ClientCertificateGate(set.ca, () => clock.nowMs(), state().revokedSerials);
    clock.onChange(() => this.gate.clockChanged());
    for (const [programId, files] of set.clients) {
      this.#fixtureOwners.set(files.serial, programId);
      const x = new X509Certificate(files.certPem);
      const notBefore = Math.floor(Date.parse(x.validFrom) / 1000);
      this.#fixtureTimes.push({ serial: files.serial, programId, notAfter: Math.floor(Date.parse(x.validTo) / 1000), issuedAt: notBefore });
    }
  }

  /** Every client certificate not revoked: the fixture programs' and those issued through the control plane. */
  clientCertificates(state: State): ClientCertificateTimes[] {
    const out = this.#fixtureTimes.filter((c) => !this.gate.isRevoked(c.serial) && state.programs.some((p) => p.programId === c.programId));
    for (const c of state.certificates) {
      if (this.gate.isRevoked(c.serial)) continue;
      out.push({ serial: c.serial, programId: c.programId, notAfter: Math.floor(Date.parse(c.notAfter) / 1000), issuedAt: Math.max(c.createdAt, Math.floor(Date.parse(c.notBefore) / 1000)) });
    }
    return out;
  }

  get caPem(): string {
    return this.set.ca.certPem;
  }

  /** Judges every client certificate of `server` on the mock's clock and the revoked list, right after the handshake. */
  attach(server: Server): Promise<void> {
    this.gate.attach(server);
    return Promise.resolve();
  }

  /** programId of a serial the mock issued, from the control plane or for a fixture program. */
  owner(serial: string): number | undefined {
    return this.#issuedOwners().get(serial) ?? this.#fixtureOwners.get(serial);
  }

  #owners = { list: null as State['certificates'] | null, length: 0, map: new Map<string, number>() };

  /** Issued certificates are only ever appended: the index catches up with new records, and starts over for a new list. */
  #issuedOwners(): Map<string, number> {
    const list = this.#state().certificates;
    const index = this.#owners;
    if (index.list !== list || list.length < index.length) {
      index.list = list;
      index.length = 0;
      index.map = new Map();
    }
    for (; index.length < list.length; index.length += 1) {
      const record = list[index.length]!;
      index.map.set(record.serial, record.programId);
    }
    return index.map;
  }

  async issue(identity: ClientIdentity, request: IssueRequest): Promise<IssuedCertificate> {
    try {
      const notBefore = request.notBefore ?? new Date(this.#clock.nowMs() - CLOCK_SKEW_MS);
      return await issueClientCertificate(this.set.ca, identity, { ...request, notBefore });
    } catch (e) {
      if (request.csrPem !== undefined) {
        throw certificateErrors.csrUnusable((e as Error).message).withErrors([{ field: 'csrPem', message: 'not a valid PEM CSR' }]);
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

  /** Marks a serial revoked in the state; call applyRevocation(serial) after committing. */
  revoke(state: State, rawSerial: string): string {
    const serial = canonicalSerial(rawSerial);
    if (this.owner(serial) === undefined) throw notFound('Certificate', rawSerial);
    // the gate mirrors the committed list (updated after each commit, replaced with the state): an O(1) duplicate check
    if (!this.gate.isRevoked(serial)) state.revokedSerials.push(serial);
    return serial;
  }

  /** Later handshakes with this certificate are refused and its open connections closed, without a restart. */
  applyRevocation(serial: string): void {
    this.gate.revoke(serial);
  }

  /** After the whole state changed (reset, import, restore): the revoked list is the state's again. */
  applyRevocations(): Promise<void> {
    this.gate.setRevoked(this.#state().revokedSerials);
    return Promise.resolve();
  }
}
