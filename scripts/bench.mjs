// npm run bench: the mock against the limit (bare node:https, bare Express) and its peers (Prism, json-server),
// on this machine, in one run. Prints a table and writes it as JSON under bench/results/.
// Settings: BENCH_DURATION (s per row, 5), BENCH_CONNECTIONS (10), BENCH_SCALE (records, "1000,10000,100000"),
// BENCH_DIST (the build to measure, ./dist), BENCH_ONLY (comma list of sections: load, startup, scale, dashboard),
// BENCH_SLICES and BENCH_SLICE_SECONDS (the rotating slices of load the ratios to bare Express come from, 12 of 2 s).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboardSection } from './bench/dashboard.mjs';
import { load } from './bench/load.mjs';
import { median, peakRssMiB, spawnUntil, stop, waitForStatus } from './bench/processes.mjs';
import { writeScaledDataFile } from './bench/scale.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.resolve(process.env.BENCH_DIST ?? path.join(root, 'dist'));
const duration = Number(process.env.BENCH_DURATION ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const scales = (process.env.BENCH_SCALE ?? '1000,10000,100000').split(',').filter(Boolean).map(Number);
const slices = Number(process.env.BENCH_SLICES ?? 12);
const sliceSeconds = Number(process.env.BENCH_SLICE_SECONDS ?? 2);
const only = new Set((process.env.BENCH_ONLY ?? 'load,startup,scale,dashboard').split(','));
const work = mkdtempSync(path.join(os.tmpdir(), 'axys-bench-'));
const certsDir = path.join(work, 'certs');
const fixturesFile = path.join(root, 'fixtures', 'default.json');
const fixtures = JSON.parse(readFileSync(fixturesFile, 'utf8'));
const apiKey = fixtures.apiKeys.find((k) => k.programId === 1).apiKey;
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const log = (m) => process.stderr.write(`${m}\n`);

const machine = {
  cpu: (/model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown').trim(),
  cores: Number(execFileSync('nproc').toString().trim()),
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  os: `${os.type()} ${os.release()}`,
};

// ---- the mock as a child process ----------------------------------------------------------------
const mockArgs = (extra) => [path.join(dist, 'main.js'), '--port', '0', '--control-port', '0', '--certs-dir', certsDir, ...extra];
const banner = (out) => {
  const api = /platform API\s+(https:\/\/\S+)\/v2/.exec(out)?.[1];
  const control = /control plane\s+(http:\/\/\S+)\/_mock/.exec(out)?.[1];
  return /ready in \d+ ms/.test(out) && api && control ? { api, control } : undefined;
};
/**
 * A mock child, with program 1's rate limit (fixture: 100/s) raised out of the way of the load. Its
 * request log (one line per request at the default level) goes to a file, not through this process,
 * which runs the load generator: reading it here would slow the load against the mock alone.
 */
let mockChildren = 0;
async function startMockChild(extra, opts) {
  const outputFile = path.join(work, `mock-${++mockChildren}.log`);
  const started = await spawnUntil(process.execPath, mockArgs(extra), banner, { outputFile, ...opts });
  const res = await fetch(`${started.value.control}/_mock/programs/1/rate-limit`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestsPerSecond: 100000, burst: 100000 }) });
  if (res.status !== 200) throw new Error(`raising the rate limit answered ${res.status}`);
  return started;
}
const tlsFiles = () => ({
  ca: readFileSync(path.join(certsDir, 'ca.pem')),
  cert: readFileSync(path.join(certsDir, 'clients', '1.pem')),
  key: readFileSync(path.join(certsDir, 'clients', '1-key.pem')),
});

function get(url, tls, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ...tls, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

// ---- the requests -------------------------------------------------------------------------------
const readRequest = { path: '/v2/cardholders/10001' };
/** The write: an internal transfer between two fixture wallets of program 1, back and forth so balances never run out. */
const transfer = (from, to) => ({ method: 'POST', path: '/v2/wallets/transfer', body: JSON.stringify({ sourceWalletId: from, destinationType: 0, destinationId: to, amount: 1 }) });
const writeRequests = [transfer(3001, 3002), transfer(3002, 3001)];
const writeLabel = 'write POST /v2/wallets/transfer';
const mix = [readRequest, readRequest, readRequest, readRequest, writeRequests[0], readRequest, readRequest, readRequest, readRequest, writeRequests[1]];

const rows = [];
const figures = {};
async function row(name, target, requests, note = '', rowConnections = connections) {
  log(`  ${name} ...`);
  const opts = { url: target.url, requests, tls: target.tls, connections: rowConnections, headers: target.headers ?? {} };
  await load({ ...opts, duration: 1 }); // warm-up: JIT, lazily compiled validators, TLS sessions
  const r = await load({ ...opts, duration });
  rows.push({ name, ...r, note });
  return r;
}

async function main() {
  log(`bench: ${duration} s per row, ${connections} connections, keep-alive; build ${dist}`);
  // the first start creates the certificates; every later start reuses them (warm)
  const first = await startMockChild(['--in-memory']);
  if (only.has('load')) await loadSection(first);
  await stop(first.child);
  if (only.has('dashboard')) {
    log('the dashboard under 1,000 req/s');
    const m = await startMockChild(['--in-memory']);
    const mock = { url: m.value.api, control: m.value.control, tls: tlsFiles(), headers: { 'X-API-Key': apiKey } };
    figures.dashboard = await dashboardSection({ mock, request: readRequest, duration, connections, row: (name, r, note = '') => rows.push({ name, ...r, note }) });
    await stop(m.child);
  }
  if (only.has('startup')) {
    log('cold start, startMock(), reset');
    figures.coldStart = await coldStart();
    figures.startMock = startMockToFirstRequest();
    figures.controlPlane = controlTimes();
  }
  if (only.has('scale')) {
    log('store scale');
    figures.storeScale = [];
    for (const records of scales) figures.storeScale.push(await scaleRow(records));
  }

  const result = { date: new Date().toISOString(), build: path.relative(root, dist) || dist, machine, settings: { duration, connections, keepAlive: true, loadGenerator: 'autocannon 9, in the bench process' }, rows, figures };
  print(result);
  const dir = path.join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`\nwritten ${path.relative(root, file)}`);
}

async function loadSection(first) {
  const tls = tlsFiles();
  const mock = { url: first.value.api, tls, headers: { 'X-API-Key': apiKey } };
  const readBody = await get(`${mock.url}${readRequest.path}`, tls, mock.headers);
  if (readBody.status !== 200) throw new Error(`the mock's read answered ${readBody.status}: ${readBody.text}`);
  const bodyFile = path.join(work, 'read-body.json');
  writeFileSync(bodyFile, readBody.text);

  log('throughput and latency');
  const read = await row('mock: read GET /v2/cardholders/{id}', mock, [readRequest]);
  await row(`mock: ${writeLabel}`, mock, writeRequests, 'in memory (embedded default)');
  await row('mock: mix 80% read / 20% write', mock, mix, 'in memory');
  // one connection: a request's own latency; at `connections` the p99 is mostly the queue of the others
  const readAlone = await row('mock: read GET /v2/cardholders/{id}, one connection', mock, [readRequest], 'latency without queueing', 1);
  figures.peakRssMiBUnderLoad = peakRssMiB(first.child.pid);

  const durable = await startMockChild(['--data-file', path.join(work, 'durable', 'db.json')]);
  const durableWrite = await row(`mock: ${writeLabel}`, { ...mock, url: durable.value.api }, writeRequests, 'data file (npm start default): on disk before the answer');
  const durableAlone = await row(`mock: ${writeLabel}, one connection`, { ...mock, url: durable.value.api }, writeRequests, 'data file; latency without queueing', 1);
  await stop(durable.child);

  const baselines = {};
  for (const [name, script] of [['bare node:https (mTLS, fixed body)', 'baseline-https.mjs'], ['bare Express 5 (mTLS, fixed body)', 'baseline-express.mjs']]) {
    const server = await spawnUntil(process.execPath, [path.join(root, 'scripts', 'bench', script), certsDir, bodyFile], (out) => /listening (\d+)/.exec(out)?.[1]);
    baselines[script] = await row(name, { url: `https://127.0.0.1:${server.value}`, tls }, [readRequest]);
    if (script === 'baseline-express.mjs') baselines.expressAlone = await row(`${name}, one connection`, { url: `https://127.0.0.1:${server.value}`, tls }, [readRequest], 'latency without queueing', 1);
    await stop(server.child);
  }
  figures.p99 = {
    oneConnection: { read: readAlone.p99, dataFileWrite: durableAlone.p99, expressRead: baselines.expressAlone.p99 },
    [`${connections}Connections`]: { read: read.p99, dataFileWrite: durableWrite.p99, expressRead: baselines['baseline-express.mjs'].p99 },
  };

  const prism = await peer('Prism (mock of openapi/platform.yaml)', async (port) =>
    spawnUntil(bin('prism'), ['mock', path.join(root, 'openapi', 'platform.yaml'), '--host', '127.0.0.1', '--port', String(port)], (out) => (/listening/i.test(out) ? true : undefined)),
  );
  await peer('json-server (fixture data)', async (port) => {
    const db = path.join(work, 'json-server-db.json');
    const routes = path.join(work, 'json-server-routes.json');
    writeFileSync(db, JSON.stringify({ cardholders: fixtures.cardholders }));
    writeFileSync(routes, JSON.stringify({ '/v2/*': '/$1' }));
    return spawnUntil(bin('json-server'), [db, '--host', '127.0.0.1', '--port', String(port), '--routes', routes, '--id', 'cardholderId', '--quiet'], () => true);
  });

  const https0 = baselines['baseline-https.mjs'];
  const express0 = baselines['baseline-express.mjs'];
  const ratio = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null);
  for (const r of rows.filter((x) => x.name.startsWith('mock:') && !x.name.endsWith('one connection'))) {
    r.vsHttps = ratio(r.rps, https0.rps);
    r.vsExpress = ratio(r.rps, express0.rps);
  }
  figures.readVsPrism = ratio(read.rps, prism.rps);

  // The machine's speed drifts over a run (a shared VM, minutes apart): the ratios to bare Express
  // come from short slices of load that rotate between the mock's read, Express and the mock's
  // write, so a drift falls on all three alike; each ratio is that of their totals.
  const express = await spawnUntil(process.execPath, [path.join(root, 'scripts', 'bench', 'baseline-express.mjs'), certsDir, bodyFile], (out) => /listening (\d+)/.exec(out)?.[1]);
  const kinds = [
    { name: 'read', url: mock.url, requests: [readRequest], headers: mock.headers },
    { name: 'express', url: `https://127.0.0.1:${express.value}`, requests: [readRequest], headers: {} },
    { name: 'write', url: mock.url, requests: writeRequests, headers: mock.headers },
  ];
  const slice = (kind, seconds) => load({ url: kind.url, requests: kind.requests, tls, connections, headers: kind.headers, duration: seconds });
  for (const kind of kinds) await slice(kind, 1); // warm-up
  const totals = { read: 0, express: 0, write: 0 };
  const perSlice = { read: [], write: [] };
  for (let i = 0; i < slices; i++) {
    const got = {};
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(k + i) % kinds.length];
      got[kind.name] = (await slice(kind, sliceSeconds)).rps;
      totals[kind.name] += got[kind.name];
    }
    perSlice.read.push(ratio(got.read, got.express));
    perSlice.write.push(ratio(got.write, got.express));
  }
  await stop(express.child);
  figures.interleaved = { slices, sliceSeconds, readVsExpressPerSlice: perSlice.read, writeVsExpressPerSlice: perSlice.write };
  figures.readVsExpress = ratio(totals.read, totals.express);
  figures.writeVsExpress = ratio(totals.write, totals.express);
}

/** A peer serving the same read over plain HTTP; if it cannot run here, the table says so. */
async function peer(name, start) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const note = 'plain HTTP, no client certificate, no API key check';
  let server;
  try {
    server = await start(port);
    await waitForStatus(() => fetch(`http://127.0.0.1:${port}${readRequest.path}`, { headers: { 'X-API-Key': apiKey } }).then((r) => r.status));
    return await row(name, { url: `http://127.0.0.1:${port}`, headers: { 'X-API-Key': apiKey } }, [readRequest], note);
  } catch (e) {
    rows.push({ name, rps: null, p50: null, p99: null, note: `could not run here: ${e.message.split('\n')[0]}` });
    return {};
  } finally {
    if (server) await stop(server.child);
  }
}

async function coldStart() {
  const toBanner = [];
  const toFirstRequest = [];
  const tls = tlsFiles();
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    // straight to the banner: no control call first (its own spec compiles on its first request)
    const m = await spawnUntil(process.execPath, mockArgs(['--in-memory']), banner);
    toBanner.push(performance.now() - t0);
    await waitForStatus(() => get(`${m.value.api}${readRequest.path}`, tls, { 'X-API-Key': apiKey }).then((r) => r.status), 200, 30_000);
    toFirstRequest.push(performance.now() - t0);
    await stop(m.child);
  }
  return { runs: 5, medianToReadyBannerMs: Math.round(median(toBanner)), medianToFirst200Ms: Math.round(median(toFirstRequest)), command: 'node dist/main.js --port 0 --control-port 0 --in-memory --certs-dir <warm dir>' };
}

/** scripts/bench-startmock.mjs (fresh processes importing the package, warm certificate cache). */
function startMockToFirstRequest() {
  const out = execFileSync(process.execPath, [path.join(root, 'scripts', 'bench-startmock.mjs'), '5', '--json']).toString();
  const r = JSON.parse(out.trim().split('\n').pop());
  return { runs: r.runs, medianImportMs: Math.round(r.importMs), medianStartMockToFirst200Ms: Math.round(r.totalMs), medianSecondStartMockToFirst200Ms: Math.round(r.secondTotalMs) };
}

/** scripts/bench-state.mjs: reset, snapshot and restore through the control plane, in memory and with a data file. */
function controlTimes() {
  const out = execFileSync(process.execPath, [path.join(root, 'scripts', 'bench-state.mjs'), '20', '--json']).toString();
  return JSON.parse(out.trim().split('\n').pop());
}

/** The writes of the store-scale rows: each one adds a record to a collection that holds N already. */
const scaleWrites = [
  ['transfer', writeRequests],
  ['cardholder', [{ method: 'POST', path: '/v2/cardholders', body: JSON.stringify({ firstName: 'Scale', lastName: 'Bench', emailAdr: 'scale.bench@example.com', gender: 0, dob: '1990-05-14', nationality: 'American', placeOfBirth: 'USA', adrLine1: '1 Main St', city: 'Austin', state: 'TX', country: 'US', zipCode: '73301', callingCode: '001', cellNum: '5125550100', countryCallingCode: 'US' }) }]],
  ['deposit', [{ method: 'POST', path: '/v2/wallets/3001/bank-deposit', body: JSON.stringify({ transactionAmount: 100, transactionReference: 'BENCH' }) }]],
  ['keyed transfer', writeRequests.map((r) => ({ ...r, uniqueKey: 'bench' }))],
];

async function scaleRow(records) {
  const file = path.join(work, `scale-${records}`, 'db.json');
  mkdirSync(path.dirname(file), { recursive: true });
  const bytes = writeScaledDataFile(fixturesFile, file, records);
  const m = await startMockChild(['--data-file', file], { timeoutMs: 120_000 });
  const writes = {};
  for (const [kind, requests] of scaleWrites) {
    writes[kind] = await row(`store scale: ${kind}, ${records} records each`, { url: m.value.api, tls: tlsFiles(), headers: { 'X-API-Key': apiKey } }, requests, `data file ${Math.round(bytes / 2 ** 20)} MiB`);
  }
  const peak = peakRssMiB(m.child.pid);
  await stop(m.child);
  return { records, dataFileMiB: Math.round((bytes / 2 ** 20) * 10) / 10, startMs: Math.round(m.readyMs), ...writes.transfer, writes, peakRssMiB: peak };
}

function print({ machine: mc, rows: rs, figures: f }) {
  const fmt = (v) => (v === null || v === undefined ? '-' : String(v));
  // autocannon counts latency in whole milliseconds
  const ms = (v) => (v === 0 ? '< 1' : fmt(v));
  const lines = [
    '',
    `machine: ${mc.cpu}, ${mc.cores} cores, ${mc.memoryGiB} GiB, ${mc.os}, node ${mc.node}`,
    `load: autocannon in the bench process (shares the cores), ${connections} connections, keep-alive, ${duration} s per row after a 1 s warm-up; program 1's rate limit raised to 100000/s on the mock`,
    '',
    '| row | req/s | p50 ms | p99 ms | non-2xx | errors | vs node:https | vs Express | note |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rs.map((r) => `| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.non2xx)} | ${fmt(r.errors)} | ${fmt(r.vsHttps)} | ${fmt(r.vsExpress)} | ${r.note ?? ''} |`),
    '',
  ];
  if (f.readVsExpress !== undefined) {
    lines.push(
      `read vs bare Express over mTLS: ${fmt(f.readVsExpress)} (target >= 0.65), transfer write (in memory) vs bare Express's read: ${fmt(f.writeVsExpress)} (target >= 0.40): totals of ${f.interleaved.slices} rotating slices of ${f.interleaved.sliceSeconds} s each (per slice, read ${f.interleaved.readVsExpressPerSlice.join(', ')}; write ${f.interleaved.writeVsExpressPerSlice.join(', ')})`,
      `p99 at one connection (a request's own latency): read ${ms(f.p99.oneConnection.read)} ms (target < 5), data-file write ${ms(f.p99.oneConnection.dataFileWrite)} ms (target < 10), bare Express's read ${ms(f.p99.oneConnection.expressRead)} ms; at ${connections} connections (mostly queueing behind the others): ${f.p99[`${connections}Connections`].read}, ${f.p99[`${connections}Connections`].dataFileWrite} and ${f.p99[`${connections}Connections`].expressRead} ms`,
      `read vs Prism: ${fmt(f.readVsPrism)} (target > 1)`,
      `peak RSS of the mock under the load rows: ${f.peakRssMiBUnderLoad} MiB`,
    );
  }
  if (f.dashboard) {
    lines.push(`dashboard open at ${f.dashboard.offeredRps} req/s offered: ${f.dashboard.withRps} vs ${f.dashboard.withoutRps} req/s without, drop ${f.dashboard.dropPercent}% (target < 10%); live counter moved in ${f.dashboard.counterMoved}/${f.dashboard.samples} samples`);
  }
  if (f.coldStart) {
    lines.push(
      `cold start (${f.coldStart.runs} runs, median): ready banner ${f.coldStart.medianToReadyBannerMs} ms, first 200 ${f.coldStart.medianToFirst200Ms} ms`,
      `startMock() (${f.startMock.runs} fresh processes, median): import ${f.startMock.medianImportMs} ms, then to first 200 ${f.startMock.medianStartMockToFirst200Ms} ms; a second startMock() in the same process to first 200 ${f.startMock.medianSecondStartMockToFirst200Ms} ms`,
      ...Object.entries(f.controlPlane).map(
        ([k, v]) => `control plane, ${k} (state ${v.stateKiB} KiB, ${v.runs} runs, median / p95 ms incl. HTTP): ` + ['reset', 'snapshot', 'restore'].map((op) => `${op} ${v[op].median.toFixed(2)} / ${v[op].p95.toFixed(2)}`).join(', '),
      ),
    );
  }
  if (f.storeScale) {
    const kinds = scaleWrites.map(([kind]) => kind);
    lines.push(
      '',
      `store scale: N cardholders, N deposits and N idempotency records in the data file; write req/s and p99 ms per kind (flat = the same at every N)`,
      `| records | data file MiB | start ms | ${kinds.map((k) => `${k} req/s | ${k} p99`).join(' | ')} | non-2xx | peak RSS MiB |`,
      `|---:|---:|---:|${kinds.map(() => '---:|---:').join('|')}|---:|---:|`,
      ...f.storeScale.map((s) => `| ${s.records} | ${s.dataFileMiB} | ${s.startMs} | ${kinds.map((k) => `${fmt(s.writes?.[k]?.rps)} | ${fmt(s.writes?.[k]?.p99)}`).join(' | ')} | ${kinds.reduce((sum, k) => sum + (s.writes?.[k]?.non2xx ?? 0), 0)} | ${s.peakRssMiB} |`),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main()
  .catch((e) => {
    log(`bench failed: ${e.stack ?? e}`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
