/** The mock's clock: real time plus an offset. Every expiry and timestamp reads it, so tests advance time instead of sleeping. */
export class Clock {
  #offsetMs = 0;
  readonly #listeners = new Set<() => void>();

  /** Called after every advance, set or reset (not as real time passes). Returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Unix seconds */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(seconds: number): void {
    this.#offsetMs += seconds * 1000;
    this.#changed();
  }

  /** Jump to a Unix time (seconds); time keeps running from there. */
  set(unixSeconds: number): void {
    this.#offsetMs = unixSeconds * 1000 - Date.now();
    this.#changed();
  }

  reset(): void {
    this.#offsetMs = 0;
    this.#changed();
  }

  describe(): { now: number; iso: string; offsetSeconds: number } {
    const nowMs = this.nowMs();
    return { now: Math.floor(nowMs / 1000), iso: new Date(nowMs).toISOString(), offsetSeconds: Math.round(this.#offsetMs / 1000) };
  }
}
