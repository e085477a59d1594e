import type { Clock } from '../clock.js';
import type { LedgerSettings } from '../domain/ledger.js';
import type { OtpSettings } from '../domain/otp.js';
import type { Store } from '../store/store.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';

export type PlatformSettings = LedgerSettings & OtpSettings;

/** What the operations are built with. */
export interface PlatformDeps {
  store: Store;
  clock: Clock;
  settings: PlatformSettings;
  webhooks: WebhookDispatcher;
}
