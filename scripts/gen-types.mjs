// Generates src/generated/* (types, the state validator, the bundled specs) from openapi/*.yaml (`npm run gen:types`), or, with --check, generates
// them into a temporary folder and fails naming every file that differs from the committed one
// (`npm run gen:check`, run by .ci/run): the committed types and validator never drift from the specs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const out = check ? mkdtempSync(path.join(os.tmpdir(), 'axys-gen-')) : path.join(root, 'src', 'generated');
const openapiTs = path.join(root, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');

const bundle = (spec) => (to) => execFileSync(process.execPath, [path.join(root, 'scripts', 'gen-spec-bundle.mjs'), path.join(root, 'openapi', spec), to], { stdio: 'pipe' });
const generated = [
  ['platform.ts', (to) => execFileSync(process.execPath, [openapiTs, path.join(root, 'openapi', 'platform.yaml'), '-o', to], { stdio: 'pipe' })],
  ['control.ts', (to) => execFileSync(process.execPath, [openapiTs, path.join(root, 'openapi', 'control.yaml'), '-o', to], { stdio: 'pipe' })],
  ['state-validator.ts', (to) => execFileSync(process.execPath, [path.join(root, 'scripts', 'gen-state-validator.mjs'), to], { stdio: 'pipe' })],
  // the specs as the validator loads them (src/http/spec-bundle.ts), shipped with the package
  ['platform.spec.json', bundle('platform.yaml')],
  ['control.spec.json', bundle('control.yaml')],
];

try {
  for (const [file, generate] of generated) generate(path.join(out, file));
  if (check) {
    const stale = generated
      .map(([file]) => file)
      .filter((file) => readFileSync(path.join(out, file), 'utf8') !== readFileSync(path.join(root, 'src', 'generated', file), 'utf8'));
    if (stale.length) {
      console.error(`src/generated/${stale.join(', src/generated/')} differ from what openapi/*.yaml generate: run \`npm run gen:types\` and commit the result.`);
      process.exitCode = 1;
    } else console.log('src/generated/* are current with openapi/*.yaml');
  }
} finally {
  if (check) rmSync(out, { recursive: true, force: true });
}
