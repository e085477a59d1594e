import { createRequire } from 'node:module';
import type { Counter, Histogram, Registry } from 'prom-client';
import type { JournalEntry } from '../journal/journal.js';
import type { Operation } from '../coverage/operations.js';

// prom-client costs about 60 ms to load: it is loaded when the metrics are first read (or once enough
// requests are waiting to be counted), not at start
const promClient = () => createRequire(import.meta.url)('prom-client') as typeof import('prom-client');

/** What one journal entry adds to the metrics. */
interface Observation {
  operation: string;
  status: string;
  decision: string;
  fault: string | null;
  seconds: number | null;
}

/** Observations kept before prom-client is loaded; past this many it is loaded and they are counted. */
const MAX_WAITING = 4096;

interface Instruments {
  registry: Registry;
  requests: Counter<'operation' | 'status' | 'decision'>;
  faults: Counter<'fault'>;
  latency: Histogram<'operation'>;
}

/**
 * Prometheus metrics of one mock (its own registry: several mocks can share a process), fed from the
 * journal after each response, so the request path itself pays nothing. prom-client writes the text format.
 */
export class Metrics {
  #instruments: Instruments | null = null;
  #waiting: Observation[] = [];

  /** `op`: the entry's operation (null when it names none), found once for every listener (mock.ts). */
  record(entry: JournalEntry, op: Operation | null): void {
    const operation = entry.method === null ? 'tls_handshake' : (op?.operationId ?? 'unknown');
    const seen: Observation = {
      operation,
      status: entry.status === null ? 'none' : String(entry.status),
      decision: entry.decision,
      fault: entry.fault,
      seconds: entry.durationMs === null ? null : entry.durationMs / 1000,
    };
    if (this.#instruments) return count(this.#instruments, seen);
    this.#waiting.push(seen);
    if (this.#waiting.length >= MAX_WAITING) this.#load();
  }

  text(): Promise<string> {
    return this.#load().registry.metrics();
  }

  get contentType(): string {
    return this.#load().registry.contentType;
  }

  #load(): Instruments {
    if (!this.#instruments) {
      const { Counter, Histogram, Registry } = promClient();
      const registry = new Registry();
      this.#instruments = {
        registry,
        requests: new Counter({
          name: 'axys_mock_requests_total',
          help: 'Platform API requests (and refused TLS handshakes) by operation, status and gateway decision',
          labelNames: ['operation', 'status', 'decision'] as const,
          registers: [registry],
        }),
        faults: new Counter({ name: 'axys_mock_faults_fired_total', help: 'Fault rules fired, by rule id ("header" for X-Mock-Fault)', labelNames: ['fault'] as const, registers: [registry] }),
        latency: new Histogram({
          name: 'axys_mock_request_duration_seconds',
          help: 'Time from the request to the end of its answer, by operation',
          labelNames: ['operation'] as const,
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [registry],
        }),
      };
      for (const seen of this.#waiting) count(this.#instruments, seen);
      this.#waiting = [];
    }
    return this.#instruments;
  }
}

function count(m: Instruments, seen: Observation): void {
  m.requests.inc({ operation: seen.operation, status: seen.status, decision: seen.decision });
  if (seen.fault) m.faults.inc({ fault: seen.fault });
  if (seen.seconds !== null) m.latency.observe({ operation: seen.operation }, seen.seconds);
}
