#!/usr/bin/env node
/**
 * Reset, snapshot and restore with the default fixtures, timed through the control plane the way a
 * test suite calls them between tests (HTTP round trip included). Run after `npm run build`:
 *   node scripts/bench-state.mjs [iterations] [--json]   (--json: one JSON line, for npm run bench)
 * Prints median, p95 and max per operation, in memory and with a data file (writes on disk).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startMock } from '../dist/mock.js';

const json = process.argv.includes('--json');
const iterations = Number(process.argv.slice(2).find((a) => a !== '--json') ?? 50);
const figures = {};
const TARGET_MS = 50;

async function call(base, method, p) {
  // a state-changing control request needs a JSON content type (the control plane's guard against web pages)
  const res = await fetch(`${base}${p}`, { method, headers: { 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function time(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

async function bench(label, options) {
  const mock = await startMock(options);
  try {
    const base = mock.controlUrl;
    const bytes = JSON.stringify(mock.store.state).length;
    for (let i = 0; i < 5; i++) await call(base, 'POST', '/_mock/reset'); // warm-up: spec compiled, fixtures cached
    const samples = { reset: [], snapshot: [], restore: [] };
    for (let i = 0; i < iterations; i++) {
      samples.reset.push(await time(() => call(base, 'POST', '/_mock/reset')));
      let id;
      samples.snapshot.push(await time(async () => ({ snapshotId: id } = await call(base, 'POST', '/_mock/snapshots'))));
      samples.restore.push(await time(() => call(base, 'POST', `/_mock/snapshots/${id}/restore`)));
      await call(base, 'DELETE', `/_mock/snapshots/${id}`);
    }
    figures[label] = { stateKiB: Math.round(bytes / 102.4) / 10, runs: iterations, ...Object.fromEntries(Object.entries(samples).map(([op, list]) => [op, stats(list)])) };
    if (json) return true;
    console.log(`\n${label} (state ${(bytes / 1024).toFixed(1)} KiB, ${iterations} runs each, ms incl. HTTP round trip)`);
    let ok = true;
    for (const [op, list] of Object.entries(samples)) {
      const { median, p95, max } = stats(list);
      ok &&= p95 < TARGET_MS;
      console.log(`  ${op.padEnd(9)} median ${median.toFixed(2).padStart(6)}  p95 ${p95.toFixed(2).padStart(6)}  max ${max.toFixed(2).padStart(6)}  ${p95 < TARGET_MS ? 'ok' : 'SLOW'} (target < ${TARGET_MS})`);
    }
    return ok;
  } finally {
    await mock.close();
  }
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'axys-bench-state-'));
try {
  const results = [await bench('in memory', {}), await bench('data file', { dataFile: path.join(dir, 'db.json') })];
  if (json) console.log(JSON.stringify(figures));
  if (results.includes(false)) process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
