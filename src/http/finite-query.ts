import type { Request } from 'express';
import { errors as httpErrors, type ApiError, type FieldError } from './errors.js';

/**
 * After validation: a query number that came out infinite is refused. The validator (ajv with
 * coerceTypes) turns `limit=1e309` or `limit=Infinity` into Infinity and then skips the type and
 * range checks for it (they only run on finite numbers), so the handler would see Infinity.
 */
export function infiniteQueryNumbers(req: Request): ApiError | null {
  const errors: FieldError[] = [];
  const query = req.query as Record<string, unknown>;
  for (const name of Object.keys(query)) {
    const values = Array.isArray(query[name]) ? (query[name] as unknown[]) : [query[name]];
    if (values.some((v) => typeof v === 'number' && !Number.isFinite(v))) {
      errors.push({ field: `query.${name}`, message: 'must be a finite number written in digits (e.g. 50)' });
    }
  }
  if (errors.length) {
    return httpErrors.infiniteQueryNumber(errors.map((e) => e.field).join(', ')).withErrors(errors);
  }
  return null;
}
