#!/usr/bin/env node
// startMock() to first successful request, median of RUNS fresh processes (each like one test file
// in vitest's forks pool), with the certificate cache on disk already warm. Needs `npm run build`.
//   node scripts/bench-startmock.mjs [runs] [--json]   (--json: one JSON line of medians, for npm run bench)
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
if (!existsSync(entry)) {
  console.error('bench-startmock: dist/ is missing, run `npm run build` first');
  process.exit(1);
}
const json = process.argv.includes('--json');
const runs = Number(process.argv.slice(2).find((a) => a !== '--json') ?? 10);

// One run, in its own process: import the package, then time startMock() -> first 200 -> close().
const child = `
const t0 = performance.now();
const { startMock } = await import(${JSON.stringify(entry)});
const t1 = performance.now();
const mock = await startMock();
const t2 = performance.now();
const res = await fetch(mock.apiUrl + '/v2/cardholders?limit=1', { dispatcher: mock.dispatcher, headers: { 'X-API-Key': mock.apiKey } });
await res.arrayBuffer();
if (res.status !== 200) throw new Error('first request answered ' + res.status);
const t3 = performance.now();
await mock.close();
// a second instance in the same (now warm) process: validators are shared per process
const t4 = performance.now();
const second = await startMock();
const again = await fetch(second.apiUrl + '/v2/cardholders?limit=1', { dispatcher: second.dispatcher, headers: { 'X-API-Key': second.apiKey } });
await again.arrayBuffer();
if (again.status !== 200) throw new Error('first request of the second instance answered ' + again.status);
const t5 = performance.now();
await second.close();
console.log(JSON.stringify({ importMs: t1 - t0, startMs: t2 - t1, firstRequestMs: t3 - t2, totalMs: t3 - t1, secondTotalMs: t5 - t4 }));
`;
const once = async () => JSON.parse((await promisify(execFile)(process.execPath, ['--input-type=module', '-e', child])).stdout);

await once(); // warm-up: certificates generated (or checked) on disk, OS file cache warm
const results = [];
for (let i = 0; i < runs; i++) results.push(await once());
const median = (key) => {
  const sorted = results.map((r) => r[key]).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
if (json) {
  console.log(JSON.stringify({ runs, importMs: median('importMs'), startMs: median('startMs'), firstRequestMs: median('firstRequestMs'), totalMs: median('totalMs'), secondTotalMs: median('secondTotalMs') }));
  process.exit(0);
}
const fmt = (n) => `${n.toFixed(0)} ms`;
console.log(`startMock() -> first successful request, median of ${runs} fresh processes (warm certificate cache):`);
console.log(`  startMock() + first 200   ${fmt(median('totalMs'))}   (target < 450 ms)`);
console.log(`    startMock()             ${fmt(median('startMs'))}`);
console.log(`    first request           ${fmt(median('firstRequestMs'))}`);
console.log(`  import of the package     ${fmt(median('importMs'))}   (not included above)`);
console.log(`  a second startMock() + first 200 in the same process   ${fmt(median('secondTotalMs'))}   (target < 150 ms)`);
