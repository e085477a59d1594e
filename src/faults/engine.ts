import type { Response } from 'express';
import { compileTemplate } from '../http/routes.js';
import { mulberry32 } from './prng.js';
import type { Fault, FaultRule, RequestFacts } from './types.js';

/** Runtime of a rule: how many requests it saw and fired for, and its random streams. Not persisted. */
interface RuleRuntime {
  rule: FaultRule;
  /** the rule's match.path, compiled once */
  path: (path: string) => boolean;
  matched: number;
  fired: number;
  /** decides fired or passed: one draw per considered request */
  fires: () => number;
  /** delay jitter, a separate stream so jitter never shifts the fired/passed sequence */
  jitter: () => number;
}

export interface ChosenFault {
  id: string;
  fault: Fault;
  jitter: () => number;
}

export interface RuleCounters {
  matched: number;
  fired: number;
  remaining: number | null;
}

function pathMatcher(rulePath: string | undefined): (path: string) => boolean {
  if (rulePath === undefined) return () => true;
  if (!rulePath.includes('{')) return (p) => p === rulePath;
  const regex = compileTemplate(rulePath);
  return (p) => regex.test(p);
}

function matches(rt: RuleRuntime, facts: RequestFacts): boolean {
  const { match } = rt.rule;
  return (
    (match.method === undefined || match.method === facts.method) &&
    (match.programId === undefined || match.programId === facts.programId) &&
    (match.apiKey === undefined || match.apiKey === facts.apiKey) &&
    rt.path(facts.path)
  );
}

/**
 * Chooses the fault for a request and keeps what a fired fault holds open (delay timers, held
 * connections) so that nothing outlives the mock. Counters live here, in memory: they start from zero
 * on a restart, a reset, an import or a restore, and when a rule is deleted.
 */
export class FaultEngine {
  #runtime = new Map<string, RuleRuntime>();
  #timers = new Set<NodeJS.Timeout>();
  #held = new Set<Response>();

  #runtimeOf(rule: FaultRule): RuleRuntime {
    let rt = this.#runtime.get(rule.id);
    // a rule object replaced under the same id (import, restore) starts afresh
    if (!rt || rt.rule !== rule) {
      rt = { rule, path: pathMatcher(rule.match.path), matched: 0, fired: 0, fires: mulberry32(rule.seed), jitter: mulberry32(rule.seed ^ 0x9e3779b9) };
      this.#runtime.set(rule.id, rt);
    }
    return rt;
  }

  /** Rules are checked in order; the first that matches and fires wins, later rules do not see the request. */
  choose(rules: FaultRule[], facts: RequestFacts, now: number): ChosenFault | null {
    for (const rule of rules) {
      if (rule.expiresAt !== null && now >= rule.expiresAt) continue;
      const rt = this.#runtimeOf(rule);
      if (!matches(rt, facts)) continue;
      rt.matched++;
      if (rt.matched <= rule.skip) continue;
      if (rule.times !== null && rt.fired >= rule.times) continue;
      if (rt.fires() >= rule.probability) continue;
      rt.fired++;
      return { id: rule.id, fault: rule.fault, jitter: rt.jitter };
    }
    return null;
  }

  counters(rule: FaultRule): RuleCounters {
    const rt = this.#runtime.get(rule.id);
    const fired = rt?.rule === rule ? rt.fired : 0;
    return { matched: rt?.rule === rule ? rt.matched : 0, fired, remaining: rule.times === null ? null : Math.max(0, rule.times - fired) };
  }

  forget(id: string): void {
    this.#runtime.delete(id);
  }

  clearCounters(): void {
    this.#runtime.clear();
  }

  /** Runs `fn` after `ms`, unless the mock closes first. */
  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  /** Never answers: the connection stays open until the client gives up (or the mock closes). */
  hold(res: Response): void {
    this.#held.add(res);
    res.once('close', () => this.#held.delete(res));
  }

  get heldConnections(): number {
    return this.#held.size;
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const res of this.#held) res.destroy();
    this.#held.clear();
  }
}
