/** The mock's clock: real time plus an offset. Every expiry and timestamp reads it, so tests advance time instead of sleeping. */
export class Clock {
  #offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Unix seconds */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(seconds: number): void {
    this.#offsetMs += seconds * 1000;
  }

  /** Jump to a Unix time (seconds); time keeps running from there. */
  set(unixSeconds: number): void {
    this.#offsetMs = unixSeconds * 1000 - Date.now();
  }

  reset(): void {
    this.#offsetMs = 0;
  }

  describe(): { now: number; iso: string; offsetSeconds: number } {
    const nowMs = this.nowMs();
    return { now: Math.floor(nowMs / 1000), iso: new Date(nowMs).toISOString(), offsetSeconds: Math.round(this.#offsetMs / 1000) };
  }
}
