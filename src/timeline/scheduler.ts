import type { CertificateService } from '../certificates.js';
import type { Clock } from '../clock.js';
import type { components } from '../generated/control.js';
import { settleDue } from '../domain/due.js';
import { earliestClearing } from '../domain/ledger.js';
import { applyDueOutcomes } from '../staging/emulation.js';
import type { CertificateReminder, State } from '../store/state.js';
import type { Store } from '../store/store.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import { dueReminders, pendingEvents, type PendingEvent } from './events.js';

/** How often the clock is checked while time simply passes (an advance or jump applies at once). */
const TICK_MS = 1000;

interface ReminderToSend {
  programId: number;
  url: string;
  payload: components['schemas']['CertificateExpiringPayload'];
}

/**
 * Applies the timed events that became due on the mock's clock, whether it got there by waiting
 * (checked every second) or by a jump (`Clock.onChange`): deposits clear, emulated KYC outcomes
 * land, certificate expiry reminders are recorded in the state (so never twice, also across a
 * restart) and then POSTed in due order. OTP codes, listeners and fault rules need nothing applied:
 * they read the clock when used.
 */
export class Timeline {
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly certificates: CertificateService,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  start(): void {
    this.#timer = setInterval(() => void this.run().catch(() => undefined), TICK_MS);
    this.#timer.unref();
    this.#unsubscribe = this.clock.onChange(() => void this.run().catch(() => undefined));
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#unsubscribe?.();
  }

  /** What is still ahead, earliest first. */
  pending(): PendingEvent[] {
    const state = this.store.state;
    return pendingEvents(state, this.certificates.clientCertificates(state), this.clock.now());
  }

  /** Applies whatever is due now; concurrent calls share one pass (and one more if the clock moved meanwhile). */
  run(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#applyDue();
        } while (this.#again);
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  async #applyDue(): Promise<void> {
    const now = this.clock.now();
    const state = this.store.state;
    const reminders = dueReminders(state, this.certificates.clientCertificates(state), now);
    const outcomesDue = state.emulationOutcomes.some((o) => o.dueAt <= now);
    if (reminders.length === 0 && !outcomesDue && earliestClearing(state.deposits) > now) return;
    const toSend = await this.store.transact((draft: State) => {
      settleDue(draft, now);
      applyDueOutcomes(draft, now);
      const out: ReminderToSend[] = [];
      for (const r of reminders) {
        const url = draft.programs.find((p) => p.programId === r.programId)?.reminderUrl ?? null;
        const record: CertificateReminder = { serial: r.serial, programId: r.programId, daysLeft: r.daysLeft, dueAt: r.dueAt, sentAt: now, url };
        draft.certificateReminders.push(record);
        if (url !== null) {
          out.push({ programId: r.programId, url, payload: { event: 'certificate.expiring', serial: r.serial, programId: r.programId, notAfter: new Date(r.notAfter * 1000).toISOString(), daysLeft: r.daysLeft } });
        }
      }
      return out;
    });
    // after the commit, in due order: recorded first, so a crash never sends one twice
    if (toSend.length > 0) void this.webhooks.sendInOrder(toSend.map((r) => ({ programId: r.programId, event: 'certificate.expiring' as const, token: null, url: r.url, payload: r.payload })));
  }
}
