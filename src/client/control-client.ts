import type { components, operations } from '../generated/control.js';
import type { FaultRuleInput } from '../faults/types.js';
import type { State } from '../store/state.js';

type Schemas = components['schemas'];

/** A fault (contract section 6) and a rule to add; `match.path` is a spec path template or a concrete path. */
export type { Fault, FaultRuleInput as FaultRule } from '../faults/types.js';

/** A rule as stored, with its counters (`matched`, `fired`, `remaining`). */
export type StoredFaultRule = Schemas['FaultRuleView'];

export type Snapshot = Schemas['Snapshot'];

/** The mock's clock: `now` in Unix seconds. */
export type ClockReading = Schemas['ClockState'];

/** The filters of `GET /_mock/requests` (openapi/control.yaml `listRequests`). */
export type JournalFilter = NonNullable<operations['listRequests']['parameters']['query']>;

/** A control call answered with a non-2xx status; `body` is the mock's error body. */
export class ControlError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    const message = (body as { message?: unknown } | null)?.message;
    super(`${method} ${path} answered ${status}${typeof message === 'string' ? `: ${message}` : ''}`);
    this.name = 'ControlError';
  }
}

/** A typed client over the control plane (`/_mock`, contract section 5). Every call rejects with ControlError on a non-2xx answer. */
export function createControlClient(controlUrl: string, token: string | null = null) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    // the control plane refuses writes a web page could send cross-site: this header says it is no page
    const headers: Record<string, string> = { 'x-requested-with': 'axys-mock-client' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${controlUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new ControlError(method, path, res.status, parsed);
    return parsed as T;
  }
  async function text(path: string): Promise<string> {
    const res = await fetch(`${controlUrl}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    const body = await res.text();
    if (!res.ok) throw new ControlError('GET', path, res.status, body);
    return body;
  }
  const query = (filter: object): string => {
    const entries = Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]);
    return entries.length ? `?${new URLSearchParams(entries)}` : '';
  };
  const id = (value: string | number): string => encodeURIComponent(String(value));

  return {
    /** The raw call, for endpoints this client does not wrap. */
    call,
    health: () => call<Schemas['Health']>('GET', '/_mock/health'),
    /** Store back to the fixtures (the configured ones, or `fixtures`); faults, journal, clock and rate buckets cleared. */
    reset: (fixtures?: string) => call<Schemas['ResetDone']>('POST', '/_mock/reset', fixtures === undefined ? {} : { fixtures }),
    state: {
      export: () => call<State>('GET', '/_mock/state'),
      /** Validated; a bad state changes nothing. */
      import: (state: State) => call<Schemas['Ok']>('PUT', '/_mock/state', state),
    },
    snapshots: {
      create: (name?: string) => call<Snapshot>('POST', '/_mock/snapshots', name === undefined ? {} : { name }),
      list: () => call<Schemas['SnapshotList']>('GET', '/_mock/snapshots'),
      restore: (snapshotId: number) => call<Schemas['Restored']>('POST', `/_mock/snapshots/${id(snapshotId)}/restore`),
      remove: (snapshotId: number) => call<Schemas['Ok']>('DELETE', `/_mock/snapshots/${id(snapshotId)}`),
    },
    faults: {
      add: (rule: FaultRuleInput) => call<StoredFaultRule>('POST', '/_mock/faults', rule),
      list: () => call<Schemas['FaultRuleList']>('GET', '/_mock/faults'),
      get: (ruleId: string) => call<StoredFaultRule>('GET', `/_mock/faults/${id(ruleId)}`),
      remove: (ruleId: string) => call<Schemas['Ok']>('DELETE', `/_mock/faults/${id(ruleId)}`),
      clear: () => call<Schemas['Deleted']>('DELETE', '/_mock/faults'),
    },
    clock: {
      get: () => call<ClockReading>('GET', '/_mock/clock'),
      advance: (seconds: number) => call<ClockReading>('POST', '/_mock/clock/advance', { seconds }),
      set: (now: number) => call<ClockReading>('PUT', '/_mock/clock', { now }),
      /** Stop the clock (at `now` if given): timestamps, expiries and rate buckets stand still. */
      freeze: (now?: number) => call<ClockReading>('PUT', '/_mock/clock', now === undefined ? { frozen: true } : { now, frozen: true }),
      /** Let a frozen clock run again from where it stands. */
      unfreeze: () => call<ClockReading>('PUT', '/_mock/clock', { frozen: false }),
      /** Back to real time. */
      reset: () => call<ClockReading>('DELETE', '/_mock/clock'),
    },
    programs: {
      create: (program: Schemas['ProgramCreate']) => call<Schemas['ProgramCreated']>('POST', '/_mock/programs', program),
      list: () => call<Schemas['ProgramList']>('GET', '/_mock/programs'),
      get: (programId: number) => call<Schemas['Program']>('GET', `/_mock/programs/${id(programId)}`),
      setAllowlist: (programId: number, ips: string[]) => call<Schemas['Program']>('PUT', `/_mock/programs/${id(programId)}/allowlist`, { ips }),
      issueApiKey: (programId: number) => call<Schemas['ApiKeyIssued']>('POST', `/_mock/programs/${id(programId)}/api-keys`),
      setRateLimit: (programId: number, rateLimit: Schemas['RateLimit']) => call<Schemas['Program']>('PUT', `/_mock/programs/${id(programId)}/rate-limit`, rateLimit),
      revokeApiKey: (apiKey: string) => call<Schemas['ApiKeyRevoked']>('DELETE', `/_mock/api-keys/${id(apiKey)}`),
      /** This program's records back to the fixtures (none for an onboarded program); other programs untouched. */
      reset: (programId: number) => call<Schemas['ProgramDone']>('POST', `/_mock/programs/${id(programId)}/reset`),
      snapshots: {
        create: (programId: number, name?: string) => call<Schemas['ProgramSnapshot']>('POST', `/_mock/programs/${id(programId)}/snapshots`, name === undefined ? {} : { name }),
        list: (programId: number) => call<Schemas['ProgramSnapshotList']>('GET', `/_mock/programs/${id(programId)}/snapshots`),
        /** Only this program's records change. */
        restore: (programId: number, snapshotId: number) => call<Schemas['ProgramRestored']>('POST', `/_mock/programs/${id(programId)}/snapshots/${id(snapshotId)}/restore`),
        remove: (programId: number, snapshotId: number) => call<Schemas['Ok']>('DELETE', `/_mock/programs/${id(programId)}/snapshots/${id(snapshotId)}`),
      },
    },
    coverage: {
      get: () => call<Schemas['CoverageReport']>('GET', '/_mock/coverage'),
      /** `junit` (XML) or `markdown`, as text. */
      report: (format: 'junit' | 'markdown') => text(`/_mock/coverage?format=${format}`),
      clear: () => call<Schemas['Ok']>('DELETE', '/_mock/coverage'),
    },
    /** Prometheus text format. */
    metrics: () => text('/_mock/metrics'),
    certificates: {
      issue: (request: Schemas['CertificateCreate']) => call<Schemas['CertificateIssued']>('POST', '/_mock/certificates', request),
      list: () => call<Schemas['CertificateList']>('GET', '/_mock/certificates'),
      revoke: (serial: string) => call<Schemas['CertificateRevoked']>('POST', `/_mock/certificates/${id(serial)}/revoke`),
    },
    dns: {
      get: () => call<Schemas['DnsTable']>('GET', '/_mock/dns'),
      /** Replaces the whole table. */
      set: (table: Schemas['DnsTable']) => call<Schemas['DnsTable']>('PUT', '/_mock/dns', table),
    },
    journal: {
      /** Newest first. */
      list: (filter: JournalFilter = {}) => call<Schemas['JournalPage']>('GET', `/_mock/requests${query(filter)}`),
      clear: () => call<Schemas['Ok']>('DELETE', '/_mock/requests'),
    },
    webhooks: {
      /** Deliveries the mock attempted, newest first, with their outcome. */
      list: () => call<Schemas['WebhookDeliveryPage']>('GET', '/_mock/webhooks'),
      clear: () => call<Schemas['Ok']>('DELETE', '/_mock/webhooks'),
    },
  };
}

export type ControlClient = ReturnType<typeof createControlClient>;
export type JournalEntry = Schemas['JournalEntry'];
export type CoverageReport = Schemas['CoverageReport'];
export type ProgramSnapshot = Schemas['ProgramSnapshot'];
