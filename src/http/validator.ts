import { createRequire } from 'node:module';
import type { Request, Response } from 'express';
import { loadSpec, Preprocessor, validatorOptions } from './spec-loader.js';
import { rememberSpecDocument } from './spec-document.js';

/**
 * express-openapi-validator (5.6, pinned ~5.6.2) used through its own parts, without its route
 * lookup and its five asynchronous middlewares: the spec is loaded and preprocessed once per process
 * (per spec file and response setting) and shared by every startMock(); the spec dispatcher hands
 * each request with its spec operation to eov's RequestValidator, synchronously. eov compiles an
 * operation's ajv validators on its first request and keeps them for the process.
 * These are eov's semi-internal modules (dist/...): test/spec.test.ts covers every operation, and
 * spec-loader.ts loads and preprocesses the spec with eov's parts (test/spec-loader.test.ts holds it to eov's own).
 */
const require = createRequire(import.meta.url);
const eov = {
  RequestValidator: (require('express-openapi-validator/dist/middlewares/openapi.request.validator.js') as typeof import('express-openapi-validator/dist/middlewares/openapi.request.validator.js')).RequestValidator,
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
  const requests = new eov.RequestValidator(spec.apiDoc as never, oav.ajvOpts.request as never);
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

  return {
    routes,
    methodsOf,
    validateRequest(req, res, route) {
      (req as Request & { openapi?: OpenApiOnRequest }).openapi = openapiOf(req, route);
      requests.validate(req as never, res as never, noop);
    },
    validateResponse(req, route, status, body) {
      if (!responses) return;
      const validators = responses._getOrBuildValidator(req, route.responseSchema?.responses);
      const contentType = 'application/json';
      responses._validate({ validators, body, statusCode: status, path: req.originalUrl, accepts: [contentType] });
    },
  };
}

function noop(): void {}
