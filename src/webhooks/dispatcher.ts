import type { Clock } from '../clock.js';
import type { components } from '../generated/control.js';
import type { WebhookUrlPolicy } from './url-policy.js';

type Schemas = components['schemas'];

/** One POST the mock attempted and its outcome (openapi/control.yaml `WebhookDelivery`). */
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type DeliveryOutcome = WebhookDelivery['outcome'];
/** 3-D Secure OTP delivery `{cardId}`, or a certificate expiry reminder (contract 8.14). */
export type WebhookPayload = WebhookDelivery['payload'];
/** What to POST where: a delivery before its attempt. */
export type WebhookTarget = Pick<WebhookDelivery, 'programId' | 'event' | 'token' | 'url' | 'payload'>;

/** How many POSTs are in flight at once; the rest wait their turn (each one holds a descriptor). */
export const MAX_IN_FLIGHT = 32;
/** How much of a receiver's answer is read: its status is what counts, the body only fills memory. */
export const MAX_ANSWER_BYTES = 4096;

/**
 * Fire-and-forget POSTs to integrators' webhook URLs (3DS: `{cardId}`), each with a short timeout and
 * never awaited by the API request that caused it. Every attempt and its outcome is kept, bounded,
 * newest first, for GET /_mock/webhooks. One attempt per event: the platform documents no retries.
 * At most MAX_IN_FLIGHT POSTs run at once (a fan-out of thousands queues instead of taking every file
 * descriptor), at most MAX_ANSWER_BYTES of an answer are read, and the timeout covers the answer's
 * body too: a body still arriving at the timeout is a `timeout`, not a delivery.
 */
export class WebhookDispatcher {
  #deliveries: WebhookDelivery[] = [];
  #inFlight = new Set<AbortController>();
  #waiting: Array<() => void> = [];
  #running = 0;
  #seq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    readonly capacity = 500,
    private readonly urls: WebhookUrlPolicy | null = null,
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
      outcome: 'queued',
      statusCode: null,
      error: null,
      durationMs: null,
    };
    this.#deliveries.push(delivery);
    if (this.#deliveries.length > this.capacity) this.#deliveries.splice(0, this.#deliveries.length - this.capacity);
    return delivery;
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next(); // the slot passes on as it is
    else this.#running--;
  }

  async #post(delivery: WebhookDelivery): Promise<void> {
    // a free slot is taken at once (the delivery is pending when send returns); otherwise wait for one
    if (this.#running < MAX_IN_FLIGHT) this.#running++;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    const controller = new AbortController();
    this.#inFlight.add(controller);
    delivery.outcome = 'pending';
    const timer = setTimeout(() => controller.abort(new Error('timeout')), this.timeoutMs);
    const started = performance.now();
    try {
      const refused = await this.urls?.refusalOnDelivery(delivery.url);
      if (refused) {
        delivery.outcome = 'failed';
        delivery.error = `not sent: ${refused}`;
        return;
      }
      const { name, value } = this.urls?.deliveryHeader ?? { name: 'x-axys-mock-delivery', value: '' };
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'axys-mock-webhooks', ...(value ? { [name]: value } : {}) },
        body: JSON.stringify(delivery.payload),
        signal: controller.signal,
        redirect: 'manual',
      });
      delivery.statusCode = res.status;
      await readAtMost(res, MAX_ANSWER_BYTES);
      delivery.outcome = res.ok ? 'delivered' : 'failed';
      if (!res.ok) delivery.error = `the receiver answered HTTP ${res.status}`;
    } catch (e) {
      const timedOut = controller.signal.aborted && (controller.signal.reason as Error | undefined)?.message === 'timeout';
      delivery.outcome = timedOut ? 'timeout' : 'failed';
      delivery.error = !timedOut
        ? describeError(e)
        : delivery.statusCode === null
          ? `no answer within ${this.timeoutMs} ms`
          : `the answer's body was still arriving after ${this.timeoutMs} ms`;
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(controller);
      delivery.durationMs = Math.round(performance.now() - started);
      this.#release();
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

/**
 * Reads an answer's body up to `limit` bytes, then lets the rest go (the connection is dropped).
 * Throws when the body fails or the delivery's signal aborts while it is still arriving.
 */
async function readAtMost(res: Response, limit: number): Promise<void> {
  if (!res.body) return;
  const reader = res.body.getReader();
  let read = 0;
  try {
    while (read < limit) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
  } finally {
    if (read >= limit) await reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
}

function describeError(e: unknown): string {
  const err = e as Error & { cause?: Error & { code?: string } };
  const cause = err.cause ? `: ${err.cause.code ?? ''} ${err.cause.message}`.trimEnd() : '';
  return `${err.message}${cause}`;
}
