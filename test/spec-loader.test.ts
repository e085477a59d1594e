import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { specLoadingInternals } from '../src/http/validator.js';
import { controlSpecPath, platformSpecPath } from '../src/paths.js';

// The mock loads and preprocesses the specs with eov's parts but skips two costly steps (the meta-schema
// compile, ajv compiles in the preprocessor); eov's own OpenApiSpecLoader and SchemaPreprocessor are the oracle.
const require = createRequire(import.meta.url);
const { OpenApiSpecLoader } = require('express-openapi-validator/dist/framework/openapi.spec.loader.js');
const { SchemaPreprocessor } = require('express-openapi-validator/dist/middlewares/parsers/schema.preprocessor.js');
const { OpenApiValidator } = require('express-openapi-validator/dist/openapi.validator.js');

const strip = (routes: Array<Record<string, unknown>>) => routes.map(({ basePath, expressRoute, openApiRoute, method }) => ({ basePath, expressRoute, openApiRoute, method }));

describe.each([
  ['platform', platformSpecPath],
  ['control', controlSpecPath],
])('the %s spec', (_name, file) => {
  it("loads to eov's document and routes, in eov's order", async () => {
    const ours = await specLoadingInternals.loadSpec(file);
    const theirs = await new OpenApiSpecLoader({ apiDoc: file, validateApiSpec: false, $refParser: { mode: 'bundle' } }).load();
    expect(strip(ours.routes)).toEqual(strip(theirs.routes));
    expect(ours.routes.length).toBeGreaterThan(10);
    // eov sorts the tags; nothing validates by them
    expect({ ...ours.apiDoc, tags: null }).toEqual({ ...theirs.apiDoc, tags: null });
  });

  it("preprocesses to the very document eov's SchemaPreprocessor makes, responses included", async () => {
    const oav = new OpenApiValidator({ apiSpec: file, validateRequests: { allErrors: true }, validateResponses: { allErrors: true }, validateApiSpec: false });
    const mine = (await specLoadingInternals.loadSpec(file)).apiDoc;
    const theirs = (await specLoadingInternals.loadSpec(file)).apiDoc;
    const ourResult = new specLoadingInternals.Preprocessor(mine, oav.ajvOpts.preprocessor, oav.options.validateResponses).preProcess() as { apiDocRes: unknown };
    const eovResult = new SchemaPreprocessor(theirs, oav.ajvOpts.preprocessor, oav.options.validateResponses).preProcess();
    expect(mine).toEqual(theirs);
    expect(ourResult.apiDocRes).toEqual(eovResult.apiDocRes);
    expect(ourResult.apiDocRes).not.toBeNull();
  });
});
