import type { Clock } from '../clock.js';
import type { CertificateService } from '../certificates.js';
import type { ErrorLogger } from '../http/error-handler.js';
import type { Journal } from '../journal/journal.js';
import type { Store } from '../store/store.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';

export interface ControlDeps {
  store: Store;
  clock: Clock;
  journal: Journal;
  webhooks: WebhookDispatcher;
  certificates: CertificateService;
  version: string;
  controlToken: string | null;
  validateResponses: boolean;
  logError: ErrorLogger;
  /** store back to the fixtures; faults, journal, clock cleared */
  reset(fixtures?: string): Promise<void>;
}
