import type { FieldError } from '../http/errors.js';
import { validate } from '../generated/state-validator.js';
import { checkIntegrity } from './integrity.js';

interface SchemaIssue {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/programs/0/allowlist` -> `programs.0.allowlist`; a missing or unknown property is named in the field. */
function issueField(issue: SchemaIssue): string {
  const base = issue.instancePath.split('/').filter(Boolean).join('.');
  const extra = (issue.params?.missingProperty ?? issue.params?.additionalProperty) as string | undefined;
  return extra === undefined ? base || 'state' : base ? `${base}.${extra}` : extra;
}

/**
 * Everything PUT /_mock/state checks, for a state from anywhere else (a data file at start, a
 * fixtures file): the State schema of openapi/control.yaml, then consistency. Empty when usable.
 */
export function checkState(value: unknown): FieldError[] {
  const problems = checkStateSchema(value);
  return problems.length ? problems : checkIntegrity(value as Parameters<typeof checkIntegrity>[0]);
}

/** The State schema of openapi/control.yaml only: the shape every reader of the state relies on. */
export function checkStateSchema(value: unknown): FieldError[] {
  if (validate(value)) return [];
  const issues = (validate as unknown as { errors: SchemaIssue[] }).errors ?? [];
  return issues.map((i) => ({ field: issueField(i), message: i.message ?? 'invalid' }));
}

/** The first few problems on one line, for a start-up message. */
export function describeProblems(problems: FieldError[], shown = 3): string {
  const listed = problems.slice(0, shown).map((p) => `${p.field} ${p.message}`).join('; ');
  return problems.length > shown ? `${listed}; and ${problems.length - shown} more` : listed;
}

/** Where JSON.parse gave up, without the text around it (the file may be anything, its bytes are not echoed). */
export function jsonErrorPlace(err: unknown): string {
  const message = (err as Error)?.message ?? '';
  const position = /position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return `invalid JSON at byte ${position}`;
  return /end of (JSON )?input/i.test(message) ? 'the JSON ends too early' : 'invalid JSON';
}
