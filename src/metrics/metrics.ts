import { Counter, Histogram, Registry } from 'prom-client';
import type { JournalEntry } from '../journal/journal.js';
import type { OperationMatcher } from '../coverage/operations.js';

/**
 * Prometheus metrics of one mock (its own registry: several mocks can share a process), fed from the
 * journal after each response, so the request path itself pays nothing. prom-client writes the text format.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #requests = new Counter({
    name: 'axys_mock_requests_total',
    help: 'Platform API requests (and refused TLS handshakes) by operation, status and gateway decision',
    labelNames: ['operation', 'status', 'decision'] as const,
    registers: [this.registry],
  });
  readonly #faults = new Counter({ name: 'axys_mock_faults_fired_total', help: 'Fault rules fired, by rule id ("header" for X-Mock-Fault)', labelNames: ['fault'] as const, registers: [this.registry] });
  readonly #latency = new Histogram({
    name: 'axys_mock_request_duration_seconds',
    help: 'Time from the request to the end of its answer, by operation',
    labelNames: ['operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(private readonly matcher: OperationMatcher) {}

  record(entry: JournalEntry): void {
    const operation = entry.method === null ? 'tls_handshake' : entry.path ? (this.matcher.match(entry.method, entry.path)?.operationId ?? 'unknown') : 'unknown';
    this.#requests.inc({ operation, status: entry.status === null ? 'none' : String(entry.status), decision: entry.decision });
    if (entry.fault) this.#faults.inc({ fault: entry.fault });
    if (entry.durationMs !== null) this.#latency.observe({ operation }, entry.durationMs / 1000);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
