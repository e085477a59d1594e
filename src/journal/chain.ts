import type { Response } from 'express';

/** One check of the gateway (or the fault engine) and how it came out, in the order they ran. */
export interface DecisionStep {
  step: 'tls' | 'allowlist' | 'fcrdns' | 'apiKey' | 'rateLimit' | 'fault';
  outcome: 'pass' | 'fail' | 'fired';
  /** one line a person reads */
  detail: string;
  /** the facts behind it, for tests and the dashboard */
  facts?: Record<string, string | number | boolean | null | string[]>;
}

/** Appends a step to the request's decision chain (kept on res.locals until the journal records it). */
export function recordStep(res: Response, step: DecisionStep): void {
  const chain = res.locals.chain as DecisionStep[] | undefined;
  if (chain) chain.push(step);
  else res.locals.chain = [step];
}

export function chainOf(res: Response): DecisionStep[] {
  return (res.locals.chain as DecisionStep[] | undefined) ?? [];
}
