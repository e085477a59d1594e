import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledSpec } from '../src/http/spec-bundle.js';
import { loadSpec, Preprocessor, validatorOptions } from '../src/http/spec-loader.js';
import { controlSpecPath, platformSpecPath } from '../src/paths.js';

// The mock loads and preprocesses the specs with eov's parts but skips two costly steps (the meta-schema
// compile, ajv compiles in the preprocessor); eov's own OpenApiSpecLoader and SchemaPreprocessor are the oracle.
const require = createRequire(import.meta.url);
const { OpenApiSpecLoader } = require('express-openapi-validator/dist/framework/openapi.spec.loader.js');
const { SchemaPreprocessor } = require('express-openapi-validator/dist/middlewares/parsers/schema.preprocessor.js');
const { OpenApiValidator } = require('express-openapi-validator/dist/openapi.validator.js');

const strip = (routes: Array<Record<string, unknown>>) => routes.map(({ basePath, expressRoute, openApiRoute, method }) => ({ basePath, expressRoute, openApiRoute, method }));

describe('the validator options', () => {
  it.each([false, true])("are what eov's OpenApiValidator makes of the mock's settings (response checks %s)", (responses) => {
    const settings = {
      apiSpec: platformSpecPath,
      validateRequests: { allErrors: true, allowUnknownQueryParameters: false },
      validateResponses: responses ? { allErrors: true } : false,
      validateSecurity: false,
      validateFormats: true,
      validateApiSpec: false,
    };
    const theirs = new OpenApiValidator(settings);
    const ours = validatorOptions(platformSpecPath, responses);
    expect(ours.options).toEqual(theirs.options);
    for (const kind of ['preprocessor', 'request', 'response'] as const) expect(ours.ajvOpts[kind]).toEqual(theirs.ajvOpts[kind]);
  });
});

describe.each([
  ['platform', platformSpecPath],
  ['control', controlSpecPath],
])('the %s spec', (_name, file) => {
  it("loads to eov's document and routes, in eov's order", async () => {
    const ours = await loadSpec(file);
    const theirs = await new OpenApiSpecLoader({ apiDoc: file, validateApiSpec: false, $refParser: { mode: 'bundle' } }).load();
    expect(strip(ours.routes)).toEqual(strip(theirs.routes));
    expect(ours.routes.length).toBeGreaterThan(10);
    // eov sorts the tags; nothing validates by them
    expect({ ...ours.apiDoc, tags: null }).toEqual({ ...theirs.apiDoc, tags: null });
  });

  it("preprocesses to the very document eov's SchemaPreprocessor makes, responses included", async () => {
    const oav = new OpenApiValidator({ apiSpec: file, validateRequests: { allErrors: true }, validateResponses: { allErrors: true }, validateApiSpec: false });
    expect(oav.ajvOpts.preprocessor.serDesMap).toBeDefined();
    const mine = (await loadSpec(file)).apiDoc;
    const theirs = (await loadSpec(file)).apiDoc;
    const ourResult = new Preprocessor(mine, oav.ajvOpts.preprocessor, oav.options.validateResponses).preProcess() as { apiDocRes: unknown };
    const eovResult = new SchemaPreprocessor(theirs, oav.ajvOpts.preprocessor, oav.options.validateResponses).preProcess();
    expect(mine).toEqual(theirs);
    expect(ourResult.apiDocRes).toEqual(eovResult.apiDocRes);
    expect(ourResult.apiDocRes).not.toBeNull();
  });
});

describe('the generated bundle', () => {
  it('is used only for the YAML it was made from: an edited spec is bundled from its YAML', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'axys-spec-'));
    try {
      const edited = path.join(dir, 'platform.yaml');
      const yaml = readFileSync(platformSpecPath, 'utf8');
      expect(yaml).toMatch(/^  title: .+$/m);
      writeFileSync(edited, yaml.replace(/^  title: .+$/m, '  title: Edited since the bundle was made'));
      const doc = (await bundledSpec(edited)) as { info: { title: string } };
      expect(doc.info.title).toBe('Edited since the bundle was made');
      const original = (await bundledSpec(platformSpecPath)) as { info: { title: string } };
      expect(original.info.title).not.toBe('Edited since the bundle was made');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
