import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// The tests that start the CLI as a separate process run it from JavaScript compiled once here, laid out
// like dist/ (one file per module, so paths relative to a module resolve as they do in an install),
// instead of transpiling the TypeScript through tsx on every start. test/cli.test.ts keeps one start
// through tsx, the README's `npm start`.
const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
export const testBuild = path.join(root, '.test-build');

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')).map((e) => path.join(e.parentPath, e.name));
}

export default async function setup() {
  // built beside the final folder and renamed into place: a second vitest run never sees half a build
  const staging = `${testBuild}.${process.pid}`;
  await build({
    entryPoints: await sources(path.join(root, 'src')),
    outdir: staging,
    outbase: path.join(root, 'src'),
    bundle: false,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
  });
  await rm(testBuild, { recursive: true, force: true });
  await rename(staging, testBuild);
}
