import type { NextFunction, Request, Response } from 'express';
import { answer } from './answer.js';
import { ApiError, errors, type FieldError } from './errors.js';
import { closeIfBodyUnread } from './unread-body.js';

interface ValidatorIssue {
  path?: string;
  message?: string;
  errorCode?: string;
}

interface HttpishError extends Error {
  status?: number;
  statusCode?: number;
  type?: string;
  errors?: ValidatorIssue[];
}

/** Constraint keywords: a well-formed value outside the rules is 422, everything else stays 400 (contract 3.6). */
const CONSTRAINT_KEYWORDS = new Set([
  'maxLength', 'minLength', 'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'pattern', 'format', 'multipleOf', 'maxItems', 'minItems', 'uniqueItems',
]);

function fieldName(path: string | undefined): string {
  if (!path) return '';
  const parts = path.split('/').filter(Boolean);
  const [where, ...rest] = parts;
  if (where === 'body') return rest.join('.') || 'body';
  if (where === 'params') return `path.${rest.join('.')}`;
  return [where, ...rest].join('.');
}

const keyword = (i: ValidatorIssue) => (i.errorCode ?? '').split('.')[0]!;

/** The body value an issue's path (`/body/a/b`) points at. */
function bodyValue(req: Request, path: string): unknown {
  const [where, ...keys] = path.split('/').filter(Boolean);
  if (where !== 'body') return undefined;
  return keys.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), req.body);
}

/**
 * A field documented as "integer or digit string" (oneOf, contract 8.7): a string or number that
 * breaks its own branch's rules is a constraint error; the other branch's type complaint and the
 * oneOf summary would only confuse, so they are dropped for that field.
 */
function withoutOneOfNoise(issues: ValidatorIssue[], req: Request): ValidatorIssue[] {
  const oneOfPaths = new Set(issues.filter((i) => keyword(i) === 'oneOf' && i.path).map((i) => i.path!));
  const noise = (i: ValidatorIssue) => keyword(i) === 'oneOf' || keyword(i) === 'type';
  // a value of a branch's type with a complaint of its own (a 12.5 has none: it stays a type error)
  const settled = [...oneOfPaths].filter(
    (p) => ['string', 'number'].includes(typeof bodyValue(req, p)) && issues.some((i) => i.path === p && !noise(i)),
  );
  if (!settled.length) return issues;
  return issues.filter((i) => !(i.path && settled.includes(i.path) && noise(i)));
}

/** eov's 405 names the path's methods; RFC 9110 wants them in Allow. */
function allowOf(err: HttpishError): Record<string, string> {
  const allow = (err as { headers?: { Allow?: string } }).headers?.Allow;
  return allow ? { Allow: allow } : {};
}

function fromValidator(err: HttpishError, req: Request): ApiError {
  const status = err.status ?? 500;
  if (status === 404) return errors.unknownRoute(req.method, req.path);
  if (status === 405) return errors.methodNotAllowed(req.method, req.path).withHeaders(allowOf(err));
  if (status === 415) return errors.unsupportedMediaType();
  const issues = withoutOneOfNoise(err.errors ?? [], req);
  const fieldErrors: FieldError[] = issues.map((i) => ({ field: fieldName(i.path), message: i.message ?? 'invalid' }));
  const constraintOnly = issues.length > 0 && issues.every((i) => CONSTRAINT_KEYWORDS.has(keyword(i)));
  return (constraintOnly ? errors.constraint() : errors.validation()).withErrors(fieldErrors);
}

export function toApiError(err: unknown, req: Request): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as HttpishError;
  if (e && e.type === 'entity.parse.failed') return errors.malformedJson();
  if (e && e.type === 'entity.too.large') return errors.bodyTooLarge();
  const status = e?.status ?? e?.statusCode;
  if (e && Array.isArray(e.errors) && status && status < 500) return fromValidator(e, req);
  if (status && status >= 400 && status < 500) return fromValidator(e, req);
  return errors.internal();
}

export type ErrorLogger = (err: unknown, req: Request) => void;

/** The one error handler: every failure leaves through here with the contract's error body. */
export function errorHandler(log: ErrorLogger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const apiError = toApiError(err, req);
    if (apiError.status >= 500 && !(err instanceof ApiError)) log(err, req);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, apiError);
  };
}

/** Writes the contract's error body; only the error handler and the fault layer (which answers in its stead) call it. */
export function sendError(res: Response, apiError: ApiError): void {
  closeIfBodyUnread(res.req, res);
  answer(res, apiError.status, { status: 'error', message: apiError.message, ...(apiError.errors ? { errors: apiError.errors } : {}) }, apiError.headers);
}
