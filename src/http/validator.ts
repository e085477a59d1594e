import { createRequire } from 'node:module';
import * as OpenApiValidator from 'express-openapi-validator';
import type { RequestHandler } from 'express';
import { finiteQueryNumbers } from './finite-query.js';

type PathToRegexp = (path: unknown, options?: Record<string, unknown>) => { regexp: RegExp; keys: unknown[] };

/**
 * express-openapi-validator (5.6) compiles every route of the spec with path-to-regexp on every
 * request to find the operation (openapi.metadata.js, lookupRoute): about a third of the CPU of a
 * read. The route patterns are the spec's, a fixed set, and the compiled regexps are stateless (no
 * `g` flag), so one compilation per pattern and options gives the same matches.
 */
function memoisePathToRegexp(): void {
  const fromValidator = createRequire(createRequire(import.meta.url).resolve('express-openapi-validator'));
  const pathToRegexpModule = fromValidator('path-to-regexp') as { pathToRegexp: PathToRegexp & { memoised?: true } };
  const original = pathToRegexpModule.pathToRegexp;
  if (original.memoised) return;
  const cache = new Map<string, ReturnType<PathToRegexp>>();
  const memoised: PathToRegexp & { memoised?: true } = (path, options = {}) => {
    if (typeof path !== 'string') return original(path, options);
    // lookupRoute passes only {sensitive, strict}: a cheap key for those, the full options otherwise
    const plain = Object.keys(options).every((k) => k === 'sensitive' || k === 'strict');
    const key = `${plain ? `${options.sensitive ? 's' : '-'}${options.strict ? 't' : '-'}` : JSON.stringify(options)} ${path}`;
    let compiled = cache.get(key);
    if (!compiled) {
      compiled = original(path, options);
      cache.set(key, compiled);
    }
    return compiled;
  };
  memoised.memoised = true;
  pathToRegexpModule.pathToRegexp = memoised;
}

/** Request (and optionally response) validation against a spec file, compiled on the first request. */
export function specValidator(apiSpec: string, validateResponses: boolean): RequestHandler[] {
  memoisePathToRegexp();
  const validator = OpenApiValidator.middleware({
    apiSpec,
    validateRequests: { allErrors: true, allowUnknownQueryParameters: false },
    validateResponses: validateResponses ? { allErrors: true } : false,
    validateSecurity: false,
    validateFormats: true,
    // checking the spec against the OpenAPI meta-schema costs most of the first request;
    // test/spec.test.ts does it once instead of every start
    validateApiSpec: false,
  }) as unknown as RequestHandler[];
  return [...validator, finiteQueryNumbers];
}
