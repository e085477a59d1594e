import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from '../paths.js';

const require = createRequire(import.meta.url);

interface SpecBundle {
  sha256: string;
  document: unknown;
}

/** Where `npm run gen:types` writes a spec's bundle (src/generated) and where the build copies it (dist/generated). */
function bundleCandidates(specFile: string): string[] {
  const name = `${path.basename(specFile, path.extname(specFile))}.spec.json`;
  return [path.join(packageRoot, 'dist', 'generated', name), path.join(packageRoot, 'src', 'generated', name)];
}

function readBundle(file: string): SpecBundle | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SpecBundle;
  } catch {
    return null;
  }
}

/**
 * A spec document as express-openapi-validator's ref parser bundles it. Read from the bundle generated
 * with the types (scripts/gen-spec-bundle.mjs) when that was made from this very YAML (same SHA-256);
 * otherwise (a spec edited since, or a custom one) bundled from the YAML here, as eov would.
 */
export async function bundledSpec(specFile: string): Promise<unknown> {
  const yaml = readFileSync(specFile);
  const sha256 = createHash('sha256').update(yaml).digest('hex');
  for (const candidate of bundleCandidates(specFile)) {
    const bundle = readBundle(candidate);
    if (bundle?.sha256 === sha256) return bundle.document;
  }
  const eovRequire = createRequire(require.resolve('express-openapi-validator'));
  const RefParser = eovRequire('@apidevtools/json-schema-ref-parser') as { bundle(file: string): Promise<unknown> };
  return RefParser.bundle(specFile);
}
