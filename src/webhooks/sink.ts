import type { components } from '../generated/control.js';
import { captureHeaders, cut, LIMITS, type HeaderList } from '../journal/capture.js';

/** A request the built-in receiver got (openapi/control.yaml `SinkDelivery`). */
export type SinkDelivery = components['schemas']['SinkDelivery'];
export type SinkMethod = SinkDelivery['method'];

/** The built-in webhook receiver: what was POSTed to it, newest first, bounded in count and per body. */
export class WebhookSink {
  #received: SinkDelivery[] = [];
  #seq = 0;

  constructor(readonly capacity = 200) {}

  receive(name: string, method: SinkMethod, headers: Record<string, string | string[] | undefined>, body: Buffer, now: number): SinkDelivery {
    const { text, truncated } = cut(body.toString('utf8'), LIMITS.body);
    const delivery: SinkDelivery = { receivedId: ++this.#seq, name, method, receivedAt: now, headers: captureHeaders(headers), size: body.length, text, truncated };
    this.#received.push(delivery);
    if (this.#received.length > this.capacity) this.#received.splice(0, this.#received.length - this.capacity);
    return delivery;
  }

  list(name?: string): { items: SinkDelivery[]; total: number } {
    const items = this.#received.filter((d) => name === undefined || d.name === name).reverse();
    return { items, total: items.length };
  }

  clear(): void {
    this.#received = [];
  }
}
