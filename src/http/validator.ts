import { createRequire } from 'node:module';
import type { Request, Response } from 'express';
import { bundledSpec } from './spec-bundle.js';
import { rememberSpecDocument } from './spec-document.js';

/**
 * express-openapi-validator (5.6, pinned ~5.6.2) used through its own parts, without its route
 * lookup and its five asynchronous middlewares: the spec is loaded and preprocessed once per process
 * (per spec file and response setting) and shared by every startMock(); the spec dispatcher hands
 * each request with its spec operation to eov's RequestValidator, synchronously. eov compiles an
 * operation's ajv validators on its first request and keeps them for the process.
 * These are eov's semi-internal modules (dist/...): test/spec.test.ts covers every operation, and
 * test/spec-loader.test.ts holds the loading and preprocessing to eov's own.
 */
const require = createRequire(import.meta.url);
const eov = {
  AjvOptions: (require('express-openapi-validator/dist/framework/ajv/options.js') as typeof import('express-openapi-validator/dist/framework/ajv/options.js')).AjvOptions,
  defaultSerDes: (require('express-openapi-validator/dist/framework/base.serdes.js') as { defaultSerDes: unknown[] }).defaultSerDes,
  specLoader: require('express-openapi-validator/dist/framework/openapi.spec.loader.js') as typeof import('express-openapi-validator/dist/framework/openapi.spec.loader.js'),
  OpenAPIFramework: (require('express-openapi-validator/dist/framework/index.js') as typeof import('express-openapi-validator/dist/framework/index.js')).OpenAPIFramework,
  SchemaPreprocessor: (require('express-openapi-validator/dist/middlewares/parsers/schema.preprocessor.js') as typeof import('express-openapi-validator/dist/middlewares/parsers/schema.preprocessor.js')).SchemaPreprocessor,
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

/**
 * The options the mock validates with, normalised as eov's OpenApiValidator constructor does (its
 * defaults filled in), and eov's ajv options built from them: requiring OpenApiValidator itself would
 * load all of eov's middlewares (multer, security, ...) that the mock does not use.
 * test/spec-loader.test.ts holds both to what OpenApiValidator makes of the same settings.
 */
export function validatorOptions(apiSpec: string, validateResponses: boolean): { options: { validateResponses: unknown }; ajvOpts: { preprocessor: object; request: object; response: object } } {
  const options = {
    apiSpec,
    validateRequests: { allErrors: true, allowUnknownQueryParameters: false },
    validateResponses: validateResponses ? { allErrors: true } : false,
    validateSecurity: false as const,
    validateFormats: true,
    // checking the spec against the OpenAPI meta-schema costs most of the load; test/spec.test.ts does it once
    validateApiSpec: false,
    fileUploader: {},
    $refParser: { mode: 'bundle' as const },
    formats: {},
    useRequestUrl: false,
    operationHandlers: false as const,
    serDes: eov.defaultSerDes,
    ajvFormats: { mode: 'fast' as const },
  };
  return { options, ajvOpts: new eov.AjvOptions(options as never) as unknown as { preprocessor: object; request: object; response: object } };
}

type ApiDoc = { paths: Record<string, Record<string, Schema>>; servers?: unknown[] };
interface LoadedSpec {
  apiDoc: ApiDoc;
  routes: Array<{ basePath: string; expressRoute: string; openApiRoute: string; method: string }>;
  serial: number;
}

let serial = 0;

/**
 * What eov's OpenApiSpecLoader gives (the document bundled by eov's ref parser, see spec-bundle.ts,
 * and its routes sorted by eov's sortRoutes), without the step that loader cannot skip: compiling the
 * OpenAPI meta-schema (about 200 ms) even when the spec is not checked against it (validateApiSpec: false).
 */
async function loadSpec(file: string): Promise<LoadedSpec> {
  const apiDoc = (await bundledSpec(file)) as ApiDoc;
  // eov's own helpers, which read nothing of `this`
  const basePaths = (eov.OpenAPIFramework.prototype as unknown as { getBasePathsFromServers(servers: unknown): Array<{ all(): string[] }> }).getBasePathsFromServers(apiDoc.servers);
  const toExpressParams = (eov.specLoader.OpenApiSpecLoader.prototype as unknown as { toExpressParams(part: string): string }).toExpressParams;
  const routes: LoadedSpec['routes'] = [];
  for (const bpa of new Set(basePaths.flatMap((b) => b.all()))) {
    const bp = bpa.replace(/\/$/, '');
    for (const [path, methods] of Object.entries(apiDoc.paths ?? {})) {
      for (const method of Object.keys(methods)) {
        if (method.startsWith('x-') || ['parameters', 'summary', 'description'].includes(method)) continue;
        const openApiRoute = `${bp}${path}`;
        routes.push({ basePath: bp, expressRoute: openApiRoute.split(':').map(toExpressParams).join('\\:'), openApiRoute, method: method.toUpperCase() });
      }
    }
  }
  routes.sort(eov.specLoader.sortRoutes as never);
  return { apiDoc, routes, serial: ++serial };
}

/** A JSON pointer (`#/components/schemas/Card`) into the document. */
function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let at: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (at === null || typeof at !== 'object' || !Object.prototype.hasOwnProperty.call(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

type PreprocessorBase = new (apiDoc: unknown, ajvOptions: unknown, responseOpts: unknown) => { preProcess(): unknown; apiDoc: unknown };

/**
 * eov's SchemaPreprocessor, but a `$ref` is looked up in the document instead of through ajv's
 * getSchema, which compiled every referenced schema (about 230 ms) only to hand back the object it was
 * given; the validators that run are compiled by the RequestValidator, per operation, as before.
 */
class Preprocessor extends (eov.SchemaPreprocessor as unknown as PreprocessorBase) {
  readonly #resolved = new Map<string, unknown>();

  resolveSchema(schema: { $ref?: string } | null | undefined): unknown {
    if (!schema) return null;
    const ref = schema.$ref;
    if (!ref) return schema;
    if (!this.#resolved.has(ref)) this.#resolved.set(ref, resolvePointer(this.apiDoc, ref));
    return this.#resolved.get(ref);
  }
}

/** For test/spec-loader.test.ts, which holds these to eov's own loader and preprocessor. */
export const specLoadingInternals = { loadSpec, Preprocessor };
