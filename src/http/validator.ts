import { createRequire } from 'node:module';
import type { Request, Response } from 'express';
import { loadSpec, Preprocessor, resolvePointer, validatorOptions } from './spec-loader.js';
import { rememberSpecDocument } from './spec-document.js';

/**
 * express-openapi-validator (5.6, pinned ~5.6.2) used through its own parts, without its route
 * lookup and its five asynchronous middlewares: the spec is loaded and preprocessed once per process
 * (per spec file and response setting) and shared by every startMock(); the spec dispatcher hands
 * each request with its spec operation to eov's RequestValidator, synchronously. eov compiles an
 * operation's ajv validators on its first request and keeps them for the process; from then on a
 * request eov would not reshape calls them directly (compiledValidators below).
 * These are eov's semi-internal modules (dist/...): test/spec.test.ts covers every operation,
 * spec-loader.ts loads and preprocesses the spec with eov's parts (test/spec-loader.test.ts holds it to
 * eov's own), and test/validator-direct.test.ts holds the whole to eov's own middleware.
 */
const require = createRequire(import.meta.url);
const eov = {
  RequestValidator: (require('express-openapi-validator/dist/middlewares/openapi.request.validator.js') as typeof import('express-openapi-validator/dist/middlewares/openapi.request.validator.js')).RequestValidator,
  ContentType: (require('express-openapi-validator/dist/middlewares/util.js') as { ContentType: { from(req: Request): { normalize(): string | null } } }).ContentType,
  ResponseValidator: (require('express-openapi-validator/dist/middlewares/openapi.response.validator.js') as typeof import('express-openapi-validator/dist/middlewares/openapi.response.validator.js')).ResponseValidator,
};

type Schema = Record<string, unknown>;

/** One operation of the spec, as Express routes it. */
export interface SpecRoute {
  method: string;
  /** `/v2/cardholders/:cardholderId` */
  expressRoute: string;
  /** `/v2/cardholders/{cardholderId}` */
  openApiRoute: string;
  operationId: string | undefined;
  schema: Schema;
  responseSchema: Schema | undefined;
}

export interface SpecValidator {
  /** every operation, most specific path first (static segments before parameters), as eov orders them */
  routes: SpecRoute[];
  /** the methods of each Express path, for a 405's Allow header */
  methodsOf: Map<string, string[]>;
  /** Validates (and coerces) params, query, headers and body in place; throws eov's error on a mismatch. */
  validateRequest(req: Request, res: Response, route: SpecRoute): void;
  /** Throws when the answer breaks the operation's response schema (only when loaded with validateResponses). */
  validateResponse(req: Request, route: SpecRoute, status: number, body: unknown): void;
}

interface OpenApiOnRequest {
  expressRoute: string;
  openApiRoute: string;
  pathParams: Record<string, string>;
  schema: Schema;
  serial: number;
  _responseSchema?: Schema;
}

const loaded = new Map<string, Promise<SpecValidator>>();

/** The validator of a spec file, loaded once per process (per response setting); later calls share it. */
export function loadSpecValidator(apiSpec: string, validateResponses: boolean): Promise<SpecValidator> {
  const key = `${validateResponses ? 'r' : '-'} ${apiSpec}`;
  let validator = loaded.get(key);
  if (!validator) {
    validator = build(apiSpec, validateResponses);
    loaded.set(key, validator);
    validator.catch(() => loaded.delete(key));
  }
  return validator;
}

async function build(apiSpec: string, validateResponses: boolean): Promise<SpecValidator> {
  const oav = validatorOptions(apiSpec, validateResponses);
  const spec = await loadSpec(apiSpec);
  // the lookups that read the spec's paths (coverage, journal, fault templates) use this document
  rememberSpecDocument(apiSpec, spec.apiDoc);
  const preprocessed = new Preprocessor(spec.apiDoc, oav.ajvOpts.preprocessor, oav.options.validateResponses).preProcess() as {
    apiDocRes: { paths: Record<string, Record<string, Schema>> } | null;
  };
  const requests = new eov.RequestValidator(spec.apiDoc as never, oav.ajvOpts.request as never) as unknown as EovRequestValidator;
  const responses = preprocessed.apiDocRes
    ? (new eov.ResponseValidator(preprocessed.apiDocRes as never, oav.ajvOpts.response as never, oav.options.validateResponses as never, spec.serial) as unknown as {
        _getOrBuildValidator(req: Request, responses: unknown): unknown;
        _validate(args: { validators: unknown; body: unknown; statusCode: number; path: string; accepts: string[] }): void;
      })
    : null;

  const routes: SpecRoute[] = spec.routes.map((r) => {
    const pathKey = r.openApiRoute.substring(r.basePath.length);
    const method = r.method.toLowerCase();
    const schema = spec.apiDoc.paths[pathKey]![method]!;
    return {
      method: r.method,
      expressRoute: r.expressRoute,
      openApiRoute: r.openApiRoute,
      operationId: schema.operationId as string | undefined,
      schema,
      responseSchema: preprocessed.apiDocRes?.paths[pathKey]?.[method],
    };
  });
  const methodsOf = new Map<string, string[]>();
  for (const r of routes) methodsOf.set(r.expressRoute, [...(methodsOf.get(r.expressRoute) ?? []), r.method]);

  const openapiOf = (req: Request, route: SpecRoute): OpenApiOnRequest => ({
    expressRoute: route.expressRoute,
    openApiRoute: route.openApiRoute,
    pathParams: req.params as Record<string, string>,
    schema: route.schema,
    serial: spec.serial,
    _responseSchema: route.responseSchema,
  });

  const compiled = compiledValidators(requests, spec.apiDoc, routes);

  return {
    routes,
    methodsOf,
    validateRequest(req, res, route) {
      if (compiled.validate(req, route)) return;
      (req as Request & { openapi?: OpenApiOnRequest }).openapi = openapiOf(req, route);
      requests.validate(req as never, res as never, noop);
      compiled.remember(req, route);
    },
    validateResponse(req, route, status, body) {
      if (!responses) return;
      // eov's response validator reads the operation from the request (a directly validated one has none yet)
      (req as Request & { openapi?: OpenApiOnRequest }).openapi ??= openapiOf(req, route);
      const validators = responses._getOrBuildValidator(req, route.responseSchema?.responses);
      const contentType = 'application/json';
      responses._validate({ validators, body, statusCode: status, path: req.originalUrl, accepts: [contentType] });
    },
  };
}

function noop(): void {}

type AjvValidate = ((data: unknown) => boolean) & { errors?: unknown };

/** The parts of eov's RequestValidator read here: its two ajv instances hold each operation's compiled validators. */
interface EovRequestValidator {
  validate(req: never, res: never, next: () => void): void;
  ajv: { getSchema(key: string): AjvValidate | undefined };
  ajvBody: { getSchema(key: string): AjvValidate | undefined };
}

/**
 * eov's per-request work around its two compiled validators (a content-type parse, a cache key, a
 * parameter mutator that re-parses the URL, two redefinitions of req.query) changes nothing for an
 * operation whose parameters are all scalars in the path or headers, when the request has no query
 * string: what is left is the validators themselves. For those requests, once eov has built the
 * operation's middleware (its first request), its validators are called directly with the data eov
 * would give them. A mismatch still goes through eov, for eov's own error. test/validator-direct.test.ts
 * holds both ways to eov's own middleware over every operation.
 */
function compiledValidators(requests: EovRequestValidator, apiDoc: object, routes: SpecRoute[]) {
  const direct = new Map<SpecRoute, Map<string, { general: AjvValidate; body: AjvValidate }>>();
  // a discriminator makes eov pick the body's validator per request
  const eligible = JSON.stringify(apiDoc).includes('"discriminator"') ? new Set<SpecRoute>() : new Set(routes.filter((r) => scalarPathAndHeaderParams(apiDoc, r)));
  // eov's key for a Content-Type, by the header as sent (a handful of spellings in practice; bounded all the same)
  const contentKeys = new Map<string, string>();
  const contentKey = (req: Request) => {
    const header = req.headers['content-type'];
    if (header === undefined) return 'not_provided';
    let key = contentKeys.get(header);
    if (key === undefined) {
      key = eov.ContentType.from(req).normalize() ?? 'not_provided';
      if (contentKeys.size < 256) contentKeys.set(header, key);
    }
    return key;
  };
  const usable = (req: Request, route: SpecRoute) => eligible.has(route) && !req.url.includes('?');
  return {
    /** true when the request was validated (and coerced) here; false to leave it to eov */
    validate(req: Request, route: SpecRoute): boolean {
      if (!usable(req, route)) return false;
      const v = direct.get(route)?.get(contentKey(req));
      if (!v) return false;
      const data = { query: {}, headers: req.headers, params: req.params, cookies: undefined, body: req.body as unknown };
      if (!(v.general(data) && v.body(data))) return false;
      // as eov leaves it: the query an own property (Express's getter parses the URL at every read)
      Object.defineProperty(req, 'query', { value: data.query, writable: true });
      return true;
    },
    /** After eov validated the request: keep the operation's validators for the next ones. */
    remember(req: Request, route: SpecRoute): void {
      if (!usable(req, route)) return;
      const ct = contentKey(req);
      const key = `${req.method}-${route.expressRoute}-${ct}`;
      const general = requests.ajv.getSchema(key);
      const body = requests.ajvBody.getSchema(key);
      if (!general || !body) return;
      let byContent = direct.get(route);
      if (!byContent) direct.set(route, (byContent = new Map()));
      byContent.set(ct, { general, body });
    },
  };
}

/** Every parameter in the path or headers, a scalar, without `content` or a form style: eov's parameter mutator leaves such requests as they are. */
function scalarPathAndHeaderParams(apiDoc: object, route: SpecRoute): boolean {
  const deref = (x: unknown): Record<string, unknown> | undefined => {
    const o = x as Record<string, unknown> | undefined;
    return o && typeof o.$ref === 'string' ? (resolvePointer(apiDoc, o.$ref) as Record<string, unknown> | undefined) : o;
  };
  const params = (route.schema.parameters ?? []) as unknown[];
  return params.every((p) => {
    const param = deref(p);
    if (!param || (param.in !== 'path' && param.in !== 'header') || param.content !== undefined || param.style === 'form') return false;
    const schema = deref(param.schema);
    return !!schema && schema.type !== 'array' && schema.type !== 'object' && !schema.oneOf && !schema.anyOf && !schema.allOf;
  }) && !route.expressRoute.endsWith('*');
}
