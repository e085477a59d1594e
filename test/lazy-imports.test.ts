import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 9: a start with current certificates on disk and no issuance imports neither the certificate
// libraries nor undici nor yaml (the validator reads the bundled spec) nor prom-client (loaded when
// /_mock/metrics is first read).
// Checked in a fresh process running the package as compiled by test/global-setup.ts: every module
// loaded (ESM through a loader hook, CommonJS through require.cache) is listed, not timed.
const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const entry = pathToFileURL(path.join(root, '.test-build/index.js')).href;
const heavy = ['@peculiar/x509', 'pkijs', 'asn1js', 'selfsigned', 'undici', 'yaml', 'prom-client'];

const child = `
import { register, createRequire } from 'node:module';
import https from 'node:https';
const { port1, port2 } = new MessageChannel();
const loaded = [];
port1.on('message', (url) => loaded.push(url));
port1.unref();
register('data:text/javascript,' + encodeURIComponent(
  'let port; export function initialize(d) { port = d.port; }' +
  'export async function load(url, context, next) { port.postMessage(url); return next(url, context); }'),
  { data: { port: port2 }, transferList: [port2] });
const { startMock } = await import(${JSON.stringify(entry)});
const mock = await startMock({ certsDir: process.argv[1] });
const status = await new Promise((resolve, reject) =>
  https.get(mock.apiUrl + '/v2/cardholders?limit=1', { agent: mock.agent, headers: { 'X-API-Key': mock.apiKey } }, (res) => {
    res.resume();
    resolve(res.statusCode);
  }).on('error', reject));
const beforeDispatcher = [...loaded, ...Object.keys(createRequire(import.meta.url).cache)];
const viaFetch = (await mock.fetch('/v2/cardholders?limit=1')).status;
const afterDispatcher = [...loaded, ...Object.keys(createRequire(import.meta.url).cache)];
await mock.close();
console.log(JSON.stringify({ status, viaFetch, beforeDispatcher, afterDispatcher }));
`;

interface Run {
  status: number;
  viaFetch: number;
  beforeDispatcher: string[];
  afterDispatcher: string[];
}
const run = async (certsDir: string): Promise<Run> =>
  JSON.parse((await promisify(execFile)(process.execPath, ['--input-type=module', '-e', child, certsDir], { cwd: root })).stdout) as Run;
const packagesIn = (files: string[]) => heavy.filter((name) => files.some((f) => f.includes(`/node_modules/${name}/`)));

describe('lazy imports', () => {
  let certsDir: string;
  beforeAll(async () => {
    certsDir = await mkdtemp(path.join(os.tmpdir(), 'lazy-imports-'));
  });
  afterAll(() => rm(certsDir, { recursive: true, force: true }));

  it('a start that issues certificates loads the certificate libraries; a warm start loads none of them nor yaml, and undici only on first use of fetch', async () => {
    const cold = await run(certsDir);
    expect(cold.status).toBe(200);
    // the oracle is not vacuous: issuing certificates does load them through the same listing
    expect(packagesIn(cold.beforeDispatcher)).toEqual(expect.arrayContaining(['@peculiar/x509', 'selfsigned', 'pkijs']));

    const warm = await run(certsDir);
    expect(warm.status).toBe(200);
    expect(packagesIn(warm.beforeDispatcher)).toEqual([]);
    expect(warm.viaFetch).toBe(200);
    expect(packagesIn(warm.afterDispatcher)).toEqual(['undici']);
    // only undici's Agent module, not the package's index (which loads all of undici)
    expect(warm.afterDispatcher.some((f) => f.includes('/node_modules/undici/lib/dispatcher/agent.js'))).toBe(true);
    expect(warm.afterDispatcher.some((f) => f.endsWith('/node_modules/undici/index.js'))).toBe(false);
  }, 60_000);

  it("the Agent module the dispatcher loads is the class undici's index exports", () => {
    const require = createRequire(import.meta.url);
    expect(require('undici/lib/dispatcher/agent.js')).toBe(require('undici').Agent);
  });
});
