#!/usr/bin/env node
// npm run build (and `prepare`, so a git or folder install builds too): dist/ from a clean slate.
//  - tsc: the declarations (and a module per source file, which dist/testcontainers.js uses);
//  - esbuild: dist/index.js and dist/main.js (the package and the CLI), each one ESM file, and
//    dist/index.cjs, one CommonJS file for require() and Jest (lowdb and steno are ESM-only, so they
//    are bundled in there); every other dependency stays an import of the installed package;
//  - the bundled specs (src/generated/*.spec.json) into dist/generated.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const require = createRequire(import.meta.url);
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
// the specs as the validator loads them (src/http/spec-bundle.ts), generated with the types
mkdirSync(path.join(dist, 'generated'), { recursive: true });
for (const spec of ['platform', 'control']) copyFileSync(path.join(root, 'src', 'generated', `${spec}.spec.json`), path.join(dist, 'generated', `${spec}.spec.json`));

const { dependencies } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const esmOnly = new Set(['lowdb', 'steno']);
const { build } = await import('esbuild');
// testcontainers is an optional peer: only dist/testcontainers.* require it
const external = [...Object.keys(dependencies).filter((name) => !esmOnly.has(name)), 'testcontainers'];
// dist/index.js and dist/main.js (the package and the CLI) are each one ESM file: loading ~100 modules
// one by one was most of the import's time. tsc's per-module output stays beside them for the types.
const bundle = (entry, options) => build({ entryPoints: [path.join(root, `src/${entry}.ts`)], bundle: true, platform: 'node', target: 'node20', external, logLevel: 'warning', ...options });
for (const entry of ['index', 'main']) await bundle(entry, { outfile: path.join(dist, `${entry}.js`), format: 'esm', sourcemap: true });
chmodSync(path.join(dist, 'main.js'), 0o755);
for (const entry of ['index', 'testcontainers']) {
  await bundle(entry, {
    outfile: path.join(dist, `${entry}.cjs`),
    format: 'cjs',
    // dist/<entry>.cjs sits where dist/<entry>.js does, so paths relative to the module stay right
    define: { 'import.meta.url': '__axysModuleUrl' },
    banner: { js: 'const __axysModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  // a CommonJS entry has the same types as its ESM twin
  writeFileSync(path.join(dist, `${entry}.d.cts`), `export * from './${entry}.js';\n`);
}
