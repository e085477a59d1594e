import type { components } from '../generated/control.js';
import type { State } from '../store/state.js';

type Schemas = components['schemas'];

/** A fault (contract section 6). */
export type Fault =
  | { type: 'status'; status: number; retryAfter?: number; body?: unknown }
  | { type: 'delay'; ms: number; jitterMs?: number }
  | { type: 'reset' }
  | { type: 'timeout' }
  | { type: 'malformed' }
  | { type: 'after-commit'; then: Extract<Fault, { type: 'status' | 'reset' | 'timeout' }> };

/** A fault rule (contract section 6); `path` is a spec path template or a concrete path. */
export interface FaultRule {
  id?: string;
  match: { method?: string; path?: string; programId?: number; apiKey?: string };
  fault: Fault;
  probability?: number;
  seed?: number;
  times?: number;
  skip?: number;
  ttlSeconds?: number;
}

export type StoredFaultRule = FaultRule & { id: string; [extra: string]: unknown };

/** The mock's clock: `now` in Unix seconds. */
export type ClockReading = Schemas['ClockState'];

export interface JournalFilter {
  method?: string;
  path?: string;
  status?: number;
  programId?: number;
  decision?: Schemas['Decision'];
  limit?: number;
}

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
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${controlUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new ControlError(method, path, res.status, parsed);
    return parsed as T;
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
      import: (state: State) => call<unknown>('PUT', '/_mock/state', state),
    },
    snapshots: {
      create: () => call<{ snapshotId: string }>('POST', '/_mock/snapshots'),
      restore: (snapshotId: string) => call<unknown>('POST', `/_mock/snapshots/${id(snapshotId)}/restore`),
    },
    faults: {
      add: (rule: FaultRule) => call<StoredFaultRule>('POST', '/_mock/faults', rule),
      list: () => call<{ items: StoredFaultRule[] }>('GET', '/_mock/faults'),
      get: (ruleId: string) => call<StoredFaultRule>('GET', `/_mock/faults/${id(ruleId)}`),
      remove: (ruleId: string) => call<unknown>('DELETE', `/_mock/faults/${id(ruleId)}`),
      clear: () => call<unknown>('DELETE', '/_mock/faults'),
    },
    clock: {
      get: () => call<ClockReading>('GET', '/_mock/clock'),
      advance: (seconds: number) => call<ClockReading>('POST', '/_mock/clock/advance', { seconds }),
      set: (now: number) => call<ClockReading>('PUT', '/_mock/clock', { now }),
      /** Back to real time. */
      reset: () => call<ClockReading>('DELETE', '/_mock/clock'),
    },
    programs: {
      create: (program: Schemas['ProgramCreate']) => call<Schemas['ProgramCreated']>('POST', '/_mock/programs', program),
      list: () => call<Schemas['ProgramList']>('GET', '/_mock/programs'),
      get: (programId: number) => call<Schemas['Program']>('GET', `/_mock/programs/${id(programId)}`),
      setAllowlist: (programId: number, ips: string[]) => call<Schemas['Program']>('PUT', `/_mock/programs/${id(programId)}/allowlist`, { ips }),
      issueApiKey: (programId: number) => call<Schemas['ApiKeyIssued']>('POST', `/_mock/programs/${id(programId)}/api-keys`),
      revokeApiKey: (apiKey: string) => call<Schemas['ApiKeyRevoked']>('DELETE', `/_mock/api-keys/${id(apiKey)}`),
    },
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
