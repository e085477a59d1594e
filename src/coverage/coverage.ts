import type { components } from '../generated/control.js';
import type { JournalEntry } from '../journal/journal.js';
import type { Operation } from './operations.js';

/** The scenarios of the platform's errors page, and how a journal entry shows one was exercised. */
export const SCENARIOS: readonly { id: string; title: string; test: (e: JournalEntry, op: Operation | null) => boolean }[] = [
  { id: 'tls-refused', title: 'TLS handshake refused (no, foreign, expired or revoked client certificate)', test: (e) => e.decision === 'tls_refused' },
  { id: '401-api-key', title: '401: X-API-Key missing, invalid or revoked', test: (e) => e.decision === 'invalid_api_key' },
  { id: '403-ip-allowlist', title: '403 "No authorized IPs configured": caller IP not allowlisted', test: (e) => e.decision === 'ip_not_allowlisted' },
  { id: '403-fcrdns', title: '403 "No authorized IPs configured": FCrDNS check failed', test: (e) => e.decision === 'fcrdns_failed' },
  { id: '403-compliance', title: '403: operation forbidden by the compliance state', test: (e) => e.decision === 'ok' && e.status === 403 },
  { id: '404-otp-expired', title: '404: OTP token expired or invalid (GET/DELETE /v2/otp/{token})', test: (e, op) => e.status === 404 && (op?.operationId === 'getOtp' || op?.operationId === 'unsubscribeOtp') },
  { id: '409-compliance-lock', title: '409: edit of compliance-locked cardholder fields', test: (e, op) => e.status === 409 && (op?.operationId === 'editCardholder' || op?.operationId === 'updateCardholderLimited') },
  { id: '422-validation', title: '422: field constraints (length, pattern, enum, range)', test: (e) => e.status === 422 && e.decision === 'ok' },
  { id: '429-rate-limit', title: '429: rate limit exceeded (Retry-After)', test: (e) => e.decision === 'rate_limited' },
  { id: '5xx-fault', title: '5xx from a fault (retry with backoff)', test: (e) => e.fault !== null && ((e.status ?? 0) >= 500 || /status 5\d\d/.test(e.reason ?? '')) },
  { id: 'after-commit', title: 'a write that succeeded although the caller saw an error (after-commit fault)', test: (e) => e.fault !== null && (e.reason ?? '').startsWith('after-commit') },
];

/** What GET /_mock/coverage answers (openapi/control.yaml `CoverageReport`). */
export type CoverageReport = components['schemas']['CoverageReport'];
/** Calls of one operation; its statuses by code, "none" when no answer was sent (reset, timeout, dropped). */
export type OperationCoverage = CoverageReport['items'][number];
export type ScenarioCoverage = CoverageReport['scenarios'][number];

const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : 100);

/** Which platform operations a test run called, with which status codes, and which error scenarios it exercised. */
export class Coverage {
  readonly #operations: readonly Operation[];
  #calls = new Map<string, Map<string, number>>();
  #scenarios = new Map<string, number>();
  #unmatched = 0;
  #since = new Date();

  constructor(operations: readonly Operation[]) {
    this.#operations = operations;
  }

  /** `op`: the entry's operation (null when it names none), found once for every listener (mock.ts). */
  record(entry: JournalEntry, op: Operation | null): void {
    if (op) {
      const statuses = this.#calls.get(op.operationId) ?? new Map<string, number>();
      const status = entry.status === null ? 'none' : String(entry.status);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      this.#calls.set(op.operationId, statuses);
    } else if (entry.method) this.#unmatched++;
    for (const s of SCENARIOS) if (s.test(entry, op)) this.#scenarios.set(s.id, (this.#scenarios.get(s.id) ?? 0) + 1);
  }

  clear(): void {
    this.#calls = new Map();
    this.#scenarios = new Map();
    this.#unmatched = 0;
    this.#since = new Date();
  }

  report(): CoverageReport {
    const items = this.#operations.map((op) => {
      const statuses = Object.fromEntries([...(this.#calls.get(op.operationId) ?? new Map<string, number>())].sort(([a], [b]) => a.localeCompare(b)));
      return { operationId: op.operationId, method: op.method, path: op.path, deprecated: op.deprecated, calls: Object.values(statuses).reduce((a, b) => a + b, 0), statuses };
    });
    const called = items.filter((i) => i.calls > 0).length;
    return {
      since: this.#since.toISOString(),
      operations: { total: items.length, called, percent: percent(called, items.length) },
      items,
      scenarios: SCENARIOS.map((s) => ({ id: s.id, title: s.title, exercised: (this.#scenarios.get(s.id) ?? 0) > 0, count: this.#scenarios.get(s.id) ?? 0 })),
      unmatched: this.#unmatched,
    };
  }
}
