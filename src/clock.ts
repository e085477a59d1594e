import type { components } from './generated/control.js';

/** Where real time comes from; tests inject fake sources to drive the clock exactly. */
export interface TimeSources {
  /** wall-clock milliseconds since the epoch (default Date.now) */
  wallMs: () => number;
  /** monotonic milliseconds (default performance.now) */
  monotonicMs: () => number;
}

const realTime: TimeSources = { wallMs: () => Date.now(), monotonicMs: () => performance.now() };

export type ClockReading = components['schemas']['ClockState'];

/**
 * The mock's clock: real time plus an offset, or frozen at an instant. Every expiry and timestamp
 * reads it, so tests advance time instead of sleeping; a frozen clock stands still until it is
 * advanced, set, unfrozen or reset, so tests can assert exact times.
 */
export class Clock {
  readonly #sources: TimeSources;
  #offsetMs = 0;
  /** the mock's time while frozen */
  #frozenAtMs: number | undefined;
  /** monotonic time at the moment of freezing, and the total of earlier frozen spells */
  #frozenSinceMonotonic = 0;
  #standstillMs = 0;
  readonly #listeners = new Set<() => void>();

  constructor(sources: Partial<TimeSources> = {}) {
    this.#sources = { ...realTime, ...sources };
  }

  /** Called after every advance, set, freeze, unfreeze or reset (not as real time passes). Returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  get frozen(): boolean {
    return this.#frozenAtMs !== undefined;
  }

  nowMs(): number {
    return this.#frozenAtMs ?? this.#sources.wallMs() + this.#offsetMs;
  }

  /** Unix seconds */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /**
   * Monotonic milliseconds of running time: real time passing, minus the spells the clock stood
   * frozen; advance and set do not move it. The rate limiter refills on it, so a client that really
   * waits Retry-After gets through, a jump refills nothing, and a frozen clock refills nothing.
   */
  elapsedMs(): number {
    const at = this.frozen ? this.#frozenSinceMonotonic : this.#sources.monotonicMs();
    return at - this.#standstillMs;
  }

  advance(seconds: number): void {
    if (this.#frozenAtMs !== undefined) this.#frozenAtMs += seconds * 1000;
    else this.#offsetMs += seconds * 1000;
    this.#changed();
  }

  /** Jump to a Unix time (seconds); a running clock keeps running from there, a frozen one stands there. */
  set(unixSeconds: number): void {
    if (this.#frozenAtMs !== undefined) this.#frozenAtMs = unixSeconds * 1000;
    else this.#offsetMs = unixSeconds * 1000 - this.#sources.wallMs();
    this.#changed();
  }

  /** Stop time where it is now; freezing a frozen clock changes nothing. */
  freeze(): void {
    if (this.#frozenAtMs !== undefined) return;
    this.#frozenAtMs = this.nowMs();
    this.#frozenSinceMonotonic = this.#sources.monotonicMs();
    this.#changed();
  }

  /** Let time run again from where it stands. */
  unfreeze(): void {
    if (this.#thaw()) this.#changed();
  }

  #thaw(): boolean {
    if (this.#frozenAtMs === undefined) return false;
    this.#offsetMs = this.#frozenAtMs - this.#sources.wallMs();
    this.#standstillMs += this.#sources.monotonicMs() - this.#frozenSinceMonotonic;
    this.#frozenAtMs = undefined;
    return true;
  }

  /** Unix seconds of real time: where reset() puts the clock. */
  realNow(): number {
    return Math.floor(this.#sources.wallMs() / 1000);
  }

  /** Back to real time, running. */
  reset(): void {
    this.#thaw();
    this.#offsetMs = 0;
    this.#changed();
  }

  describe(): ClockReading {
    const nowMs = this.nowMs();
    return {
      now: Math.floor(nowMs / 1000),
      iso: new Date(nowMs).toISOString(),
      offsetSeconds: Math.round((nowMs - this.#sources.wallMs()) / 1000),
      frozen: this.frozen,
    };
  }
}
