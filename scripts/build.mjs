#!/usr/bin/env node
// npm run build (and `prepare`, so a git or folder install builds too): dist/ from a clean slate.
//  - tsc: the ESM entry dist/index.js, the CLI dist/main.js and the declarations;
//  - esbuild: dist/index.cjs, one CommonJS file for require() and Jest (lowdb and steno are ESM-only,
//    so they are bundled in; every other dependency stays a require() of the installed package).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const require = createRequire(import.meta.url);
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
chmodSync(path.join(dist, 'main.js'), 0o755);

const { dependencies } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const esmOnly = new Set(['lowdb', 'steno']);
const { build } = await import('esbuild');
await build({
  entryPoints: [path.join(root, 'src/index.ts')],
  outfile: path.join(dist, 'index.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: Object.keys(dependencies).filter((name) => !esmOnly.has(name)),
  // dist/index.cjs sits where dist/index.js does, so paths relative to the module stay right
  define: { 'import.meta.url': '__axysModuleUrl' },
  banner: { js: 'const __axysModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
// the CommonJS entry has the same types as the ESM one
writeFileSync(path.join(dist, 'index.d.cts'), "export * from './index.js';\n");
