import { createRequire } from 'node:module';
import { bundledSpec } from './spec-bundle.js';

/**
 * A spec loaded and preprocessed as express-openapi-validator (pinned ~5.6.2) does it, with its own
 * parts (its dist/ modules), without two steps that only cost time at start. test/spec-loader.test.ts
 * holds each piece to eov's own: the options, the document and routes, the preprocessed documents.
 */
const require = createRequire(import.meta.url);
const eov = {
  AjvOptions: (require('express-openapi-validator/dist/framework/ajv/options.js') as typeof import('express-openapi-validator/dist/framework/ajv/options.js')).AjvOptions,
  defaultSerDes: (require('express-openapi-validator/dist/framework/base.serdes.js') as { defaultSerDes: unknown[] }).defaultSerDes,
  specLoader: require('express-openapi-validator/dist/framework/openapi.spec.loader.js') as typeof import('express-openapi-validator/dist/framework/openapi.spec.loader.js'),
  OpenAPIFramework: (require('express-openapi-validator/dist/framework/index.js') as typeof import('express-openapi-validator/dist/framework/index.js')).OpenAPIFramework,
  SchemaPreprocessor: (require('express-openapi-validator/dist/middlewares/parsers/schema.preprocessor.js') as typeof import('express-openapi-validator/dist/middlewares/parsers/schema.preprocessor.js')).SchemaPreprocessor,
};

type Schema = Record<string, unknown>;

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

export type ApiDoc = { paths: Record<string, Record<string, Schema>>; servers?: unknown[] };
export interface LoadedSpec {
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
export async function loadSpec(file: string): Promise<LoadedSpec> {
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
export function resolvePointer(doc: unknown, ref: string): unknown {
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
export class Preprocessor extends (eov.SchemaPreprocessor as unknown as PreprocessorBase) {
  readonly #resolved = new Map<string, unknown>();

  resolveSchema(schema: { $ref?: string } | null | undefined): unknown {
    if (!schema) return null;
    const ref = schema.$ref;
    if (!ref) return schema;
    if (!this.#resolved.has(ref)) this.#resolved.set(ref, resolvePointer(this.apiDoc, ref));
    return this.#resolved.get(ref);
  }
}
