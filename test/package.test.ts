import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The package as an integrator gets it: `npm pack` (which runs the `prepare` build), the tarball
// installed into a scratch project, then an ESM TypeScript file under `tsc --strict` (with and without
// the DOM lib, no skipLibCheck) and a CommonJS Jest test, each sending a request through the mock.
const run = promisify(execFile);
const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const rootPackage = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };

let dir: string;
let consumer: string;
let tarball: string;
let packed: string[];

const sh = (cmd: string, args: string[], cwd: string) =>
  run(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024, env: { ...process.env, NODE_ENV: 'production', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'axys-package-'));
  const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', dir], root);
  const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(dir, info!.filename);
  packed = info!.files.map((f) => f.path);

  consumer = path.join(dir, 'consumer');
  await run('mkdir', ['-p', consumer]);
  await writeFile(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
  // the registry is only asked for what the local cache lacks (jest, the first time)
  await sh(
    'npm',
    ['install', '--prefer-offline', '--no-save', tarball, `typescript@${rootPackage.devDependencies.typescript}`, `@types/node@${rootPackage.devDependencies['@types/node']}`, 'jest@30'],
    consumer,
  );
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the build, the specs, the fixtures and the licence, and no sources, tests or maps', () => {
    for (const file of ['package.json', 'LICENSE', 'README.md', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/main.js', 'openapi/platform.yaml', 'openapi/control.yaml', 'fixtures/default.json']) {
      expect(packed).toContain(file);
    }
    expect(packed.filter((f) => /^(src|test|scripts|bench|docker)\/|\.map$|^\.|tsconfig/.test(f))).toEqual([]);
  });
});

// tsc, Jest and a mock start each take seconds on a busy 2-core machine (so Jest gets --testTimeout: its
// default 5 s is less than a first request can take there)
describe('a consumer project with the tarball installed', { timeout: 180_000 }, () => {
  const esm = `import { startMock, type RunningMock } from 'axys-mock';

const mock: RunningMock = await startMock();
try {
  const viaHelper = await mock.fetch('/v2/cardholders');
  const body = (await viaHelper.json()) as { status: string };
  const viaFetch = await fetch(\`\${mock.apiUrl}/v2/cardholders/10001\`, {
    dispatcher: mock.dispatcher,
    headers: { 'X-API-Key': mock.apiKey },
  } as RequestInit);
  const journal = await mock.control.journal.list({ method: 'GET' });
  console.log(JSON.stringify({ helper: viaHelper.status, body: body.status, fetch: viaFetch.status, journal: journal.items.length }));
} finally {
  await mock.close();
}
`;

  it.each([
    ['with the DOM lib', ['ES2023', 'DOM']],
    ['without the DOM lib', ['ES2023']],
  ])('ESM TypeScript compiles under tsc --strict %s and gets 200s', async (_name, lib) => {
    const project = path.join(consumer, `esm-${lib.length}`);
    await run('mkdir', ['-p', project]);
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ type: 'module' }));
    await writeFile(path.join(project, 'main.ts'), esm);
    await writeFile(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib, types: ['node'], outDir: 'out' }, include: ['main.ts'] }),
    );
    await sh(process.execPath, [path.join(consumer, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project).catch((e: { stdout: string }) => {
      throw new Error(`tsc failed:\n${e.stdout}`);
    });
    const { stdout } = await sh(process.execPath, ['out/main.js'], project);
    expect(JSON.parse(stdout.trim())).toEqual({ helper: 200, body: 'success', fetch: 200, journal: 2 });
  });

  it('Jest loads the CommonJS entry with its default configuration and gets a 200', async () => {
    await writeFile(
      path.join(consumer, 'mock.test.js'),
      `const { startMock } = require('axys-mock');

let mock;
beforeAll(async () => { mock = await startMock(); });
afterAll(() => mock.close());

test('lists cardholders over mTLS', async () => {
  const res = await mock.fetch('/v2/cardholders');
  expect(res.status).toBe(200);
  expect((await res.json()).status).toBe('success');
});

test('resets through the control client', async () => {
  await mock.control.reset();
  expect((await mock.control.journal.list({})).items).toEqual([]);
});
`,
    );
    const { stdout, stderr } = await sh(process.execPath, [path.join(consumer, 'node_modules/jest/bin/jest.js'), '--ci', '--forceExit', '--testTimeout=60000', 'mock.test.js'], consumer).catch((e: { stdout: string; stderr: string }) => {
      throw new Error(`jest failed:\n${e.stdout}\n${e.stderr}`);
    });
    expect(`${stdout}${stderr}`).toMatch(/Tests:\s+2 passed, 2 total/);
  });

  it('npx axys-mock runs the installed CLI', async () => {
    const { stdout } = await sh('npx', ['--no-install', 'axys-mock', '--version'], consumer);
    expect(stdout.trim()).toBe(rootPackage.version);
  });
});

// `npm install git+file://...`: npm clones the repository, installs its dev dependencies, runs the
// `prepare` build and packs it, as it does for a git URL on a forge. A clone at HEAD stands for the forge.
describe('installed from a git URL', () => {
  it('the prepare build runs, and a request goes through the installed package', async () => {
    const repo = path.join(dir, 'repo');
    await run('git', ['clone', '--quiet', '--no-hardlinks', root, repo]);
    const { stdout: head } = await run('git', ['rev-parse', 'HEAD'], { cwd: repo });
    expect(head.trim()).toBe((await run('git', ['rev-parse', 'HEAD'], { cwd: root })).stdout.trim());
    const project = path.join(dir, 'git-consumer');
    await run('mkdir', ['-p', project]);
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'git-consumer', private: true, version: '1.0.0', type: 'module' }));
    // offline first: the dev dependencies the build needs come from npm's cache when it has them
    await sh('npm', ['install', '--prefer-offline', '--no-save', `git+file://${repo}`], project).catch((e: { stdout: string; stderr: string }) => {
      throw new Error(`npm install from git failed:\n${e.stdout}\n${e.stderr}`);
    });
    const installed = path.join(project, 'node_modules/axys-mock');
    // built by `prepare` in npm's clone: the repository itself has no dist/
    await expect(readFile(path.join(repo, 'dist/index.js'), 'utf8')).rejects.toThrow(/ENOENT/);
    expect(JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8')).version).toBe(rootPackage.version);
    await writeFile(
      path.join(project, 'main.js'),
      `import { startMock } from 'axys-mock';
const mock = await startMock();
try {
  const res = await mock.fetch('/v2/cardholders');
  console.log(JSON.stringify({ status: res.status, body: (await res.json()).status }));
} finally {
  await mock.close();
}
`,
    );
    const { stdout } = await sh(process.execPath, ['main.js'], project);
    expect(JSON.parse(stdout.trim())).toEqual({ status: 200, body: 'success' });
    const { stdout: version } = await sh('npx', ['--no-install', 'axys-mock', '--version'], project);
    expect(version.trim()).toBe(rootPackage.version);
  }, 900_000);
});
