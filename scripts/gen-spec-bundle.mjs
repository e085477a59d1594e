#!/usr/bin/env node
// node scripts/gen-spec-bundle.mjs <openapi/x.yaml> <out.json>: the spec as express-openapi-validator
// loads it (bundled by its own ref parser), with the SHA-256 of the YAML it came from. The mock loads
// this instead of parsing and bundling the YAML at start (about 200 ms for the platform spec), and
// falls back to the YAML whenever the hash does not match (src/http/spec-bundle.ts).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [source, out] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const RefParser = createRequire(require.resolve('express-openapi-validator'))('@apidevtools/json-schema-ref-parser');
const document = await RefParser.bundle(source);
const sha256 = createHash('sha256').update(readFileSync(source)).digest('hex');
writeFileSync(out, `${JSON.stringify({ sha256, document })}\n`);
