import type { Clock } from '../clock.js';
import type { components } from '../generated/control.js';
import type { HostPolicy } from './browser-guard.js';
import type { CertificateService } from '../certificates.js';
import type { ErrorLogger } from '../http/error-handler.js';
import type { FaultEngine } from '../faults/engine.js';
import type { Journal } from '../journal/journal.js';
import type { Coverage } from '../coverage/coverage.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ProgramSnapshots } from '../state/program-snapshots.js';
import type { Snapshots } from '../state/snapshots.js';
import type { RateLimit, State } from '../store/state.js';
import type { Store } from '../store/store.js';
import type { Timeline } from '../timeline/scheduler.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import type { WebhookSink } from '../webhooks/sink.js';
import type { WebhookUrlPolicy } from '../webhooks/url-policy.js';

export interface ControlDeps {
  store: Store;
  clock: Clock;
  journal: Journal;
  webhooks: WebhookDispatcher;
  /** which webhook URLs the mock calls (reminder URLs are checked as OTP webhook URLs are) */
  webhookUrls: WebhookUrlPolicy;
  /** the built-in receiver at /_mock/webhook-sink/... */
  webhookSink: WebhookSink;
  certificates: CertificateService;
  version: string;
  /** a fixture program's client certificate and key (PEM), for calls the mock makes on its behalf */
  clientCertificate: (programId: number) => { certPem: string; keyPem: string } | undefined;
  /** the platform listener's origin (`https://127.0.0.1:8443`), once it listens */
  platformUrl: () => string;
  controlToken: string | null;
  /** the Host names the control listener answers to (browser-guard.ts) */
  hostPolicy: HostPolicy;
  validateResponses: boolean;
  logError: ErrorLogger;
  faults: FaultEngine;
  snapshots: Snapshots;
  programSnapshots: ProgramSnapshots;
  coverage: Coverage;
  metrics: Metrics;
  /** the configured fixtures, read anew (a per-program reset takes that program's records from them) */
  fixtures(): Promise<State>;
  /** timed events on the mock's clock (deposits, emulated outcomes, certificate reminders) */
  timeline: Timeline;
  /** store back to the fixtures; faults, journal, clock, rate buckets cleared */
  reset(fixtures?: string): Promise<void>;
  /** an API key's rate bucket as it stands now (read only) */
  rateBucket(apiKey: string, limit: RateLimit): Omit<components['schemas']['RateBucket'], 'apiKey'>;
  /** the next request of each of these API keys starts a full rate bucket */
  restartRateBuckets(apiKeys: Iterable<string>): void;
  /** swap in a whole state (import, restore): persisted, revocations applied, fault counters and rate buckets restarted */
  replaceState(next: State): Promise<void>;
}
