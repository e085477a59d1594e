import type { Clock } from '../clock.js';

export type DeliveryOutcome = 'pending' | 'delivered' | 'failed' | 'timeout';

/** 3-D Secure OTP delivery `{cardId}`, or a certificate expiry reminder (contract 8.14). */
export type WebhookPayload =
  | { cardId: number }
  | { event: 'certificate.expiring'; serial: string; programId: number; notAfter: string; daysLeft: number };

export interface WebhookDelivery {
  deliveryId: number;
  programId: number;
  /** absent: 3ds.otp */
  event?: '3ds.otp' | 'certificate.expiring';
  /** the OTP listener that asked for it; null for a reminder */
  token: string | null;
  url: string;
  payload: WebhookPayload;
  /** Unix seconds on the mock's clock */
  attemptedAt: number;
  outcome: DeliveryOutcome;
  statusCode: number | null;
  error: string | null;
  durationMs: number | null;
  /** the delivery this one repeats (POST /_mock/webhooks/{deliveryId}/redeliver), or null */
  redeliveryOf: number | null;
}

export interface WebhookTarget {
  programId: number;
  event?: '3ds.otp' | 'certificate.expiring';
  token: string | null;
  url: string;
  payload: WebhookPayload;
}

/**
 * Fire-and-forget POSTs to integrators' webhook URLs (3DS: `{cardId}`), each with a short timeout and
 * never awaited by the API request that caused it. Every attempt and its outcome is kept, bounded,
 * newest first, for GET /_mock/webhooks. One attempt per event: the platform documents no retries.
 */
export class WebhookDispatcher {
  #deliveries: WebhookDelivery[] = [];
  #inFlight = new Set<AbortController>();
  #seq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    readonly capacity = 500,
  ) {}

  send(target: WebhookTarget, redeliveryOf: number | null = null): WebhookDelivery {
    const delivery = this.#record(target, redeliveryOf);
    void this.#post(delivery);
    return delivery;
  }

  /** One after the other: each POST starts once the previous one has its outcome (reminders arrive in due order). */
  async sendInOrder(targets: WebhookTarget[]): Promise<void> {
    for (const target of targets) await this.#post(this.#record(target));
  }

  #record(target: WebhookTarget, redeliveryOf: number | null = null): WebhookDelivery {
    const delivery: WebhookDelivery = {
      deliveryId: ++this.#seq,
      ...target,
      redeliveryOf,
      attemptedAt: this.clock.now(),
      outcome: 'pending',
      statusCode: null,
      error: null,
      durationMs: null,
    };
    this.#deliveries.push(delivery);
    if (this.#deliveries.length > this.capacity) this.#deliveries.splice(0, this.#deliveries.length - this.capacity);
    return delivery;
  }

  async #post(delivery: WebhookDelivery): Promise<void> {
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new Error('timeout')), this.timeoutMs);
    const started = performance.now();
    try {
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'axys-mock-webhooks' },
        body: JSON.stringify(delivery.payload),
        signal: controller.signal,
        redirect: 'manual',
      });
      await res.arrayBuffer().catch(() => undefined);
      delivery.statusCode = res.status;
      delivery.outcome = res.ok ? 'delivered' : 'failed';
      if (!res.ok) delivery.error = `the receiver answered HTTP ${res.status}`;
    } catch (e) {
      const timedOut = controller.signal.aborted && (controller.signal.reason as Error | undefined)?.message === 'timeout';
      delivery.outcome = timedOut ? 'timeout' : 'failed';
      delivery.error = timedOut ? `no answer within ${this.timeoutMs} ms` : describeError(e);
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(controller);
      delivery.durationMs = Math.round(performance.now() - started);
    }
  }

  /** The same POST again, as a new delivery; undefined when the delivery is unknown (or no longer kept). */
  redeliver(deliveryId: number): WebhookDelivery | undefined {
    const original = this.#deliveries.find((d) => d.deliveryId === deliveryId);
    if (!original) return undefined;
    const { programId, event, token, url, payload } = original;
    return this.send({ programId, ...(event ? { event } : {}), token, url, payload }, deliveryId);
  }

  list(): { items: WebhookDelivery[]; total: number } {
    const items = [...this.#deliveries].reverse();
    return { items, total: items.length };
  }

  clear(): void {
    this.#deliveries = [];
  }

  /** Abandons deliveries still in flight (on close). */
  abortAll(): void {
    for (const c of this.#inFlight) c.abort(new Error('mock closing'));
  }
}

function describeError(e: unknown): string {
  const err = e as Error & { cause?: Error & { code?: string } };
  const cause = err.cause ? `: ${err.cause.code ?? ''} ${err.cause.message}`.trimEnd() : '';
  return `${err.message}${cause}`;
}
