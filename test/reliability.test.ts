import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { messages } from '../src/http/errors.js';
import { Journal, type JournalEntry } from '../src/journal/journal.js';
import { startMock } from '../src/mock.js';
import { loadFixtures } from '../src/store/fixtures.js';
import type { State } from '../src/store/state.js';
import { Store } from '../src/store/store.js';
import { apiClient, controlClient } from './helpers/client.js';
import { cardholderBody, fixtureCardholder as F, fixtureKeys } from './helpers/data.js';
import { runMockToExit, spawnMock } from './helpers/process.js';
import { useTempDir } from './helpers/temp-dir.js';

const dir = useTempDir('axys-reliability-');

/** A keep-alive mTLS client for a mock started as a process, with the fixture program 1 credentials. */
async function processClient(apiUrl: string, certsDir: string, maxSockets = 8) {
  const [ca, cert, key] = await Promise.all(['ca.pem', 'clients/1.pem', 'clients/1-key.pem'].map((f) => readFile(path.join(certsDir, f), 'utf8')));
  const agent = new https.Agent({ keepAlive: true, maxSockets, ca, cert, key });
  const request = (method: string, p: string, body?: unknown) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = https.request(new URL(p, apiUrl), { method, agent, headers: { 'X-API-Key': fixtureKeys.staging, ...(body ? { 'Content-Type': 'application/json' } : {}) } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  return { request, close: () => agent.destroy() };
}

/** What a restart loads (snapshot plus change log), read from a copy so the files under test stay as the crash left them. */
async function storedState(file: string) {
  const copy = path.join(await mkdtemp(path.join(dir(), 'copy-')), 'db.json');
  await copyFile(file, copy);
  await copyFile(`${file}.log`, `${copy}.log`).catch(() => undefined);
  return (await Store.open(copy, () => Promise.reject(new Error('no data file')))).state;
}

describe('SIGKILL in the middle of a write load', () => {
  it('keeps every write that was answered 200, the files parse, and the money adds up', async () => {
    const args = ['--data-file', 'kill/db.json', '--certs-dir', 'certs'];
    const file = path.join(dir(), 'kill/db.json');
    const mock = await spawnMock(args, dir());
    // the load is far above the fixture rate limit (100 requests/s)
    const limit = await fetch(`${mock.controlUrl}/_mock/programs/1/rate-limit`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ requestsPerSecond: 100_000, burst: 100_000 }) });
    expect(limit.status).toBe(200);
    const initial = JSON.parse(readFileSync(file, 'utf8')) as State;
    const client = await processClient(mock.apiUrl, path.join(dir(), 'certs'));
    const createdCardholders = new Map<number, string>();
    const transfers = new Map<number, { sourceWalletId: number; destinationId: number; amount: number }>();
    let killed = false;
    let sent = 0;
    // eight writers, each alternating a cardholder create and a transfer between program 1's wallets 3001 and 3002
    const writer = async (w: number) => {
      while (!killed) {
        const n = sent++;
        try {
          if (n % 2) {
            const body = { sourceWalletId: w % 2 ? 3001 : 3002, destinationType: 0, destinationId: w % 2 ? 3002 : 3001, amount: 1 + (n % 97) };
            const res = await client.request('POST', '/v2/wallets/transfer', body);
            if (res.status !== 200) throw new Error(`transfer answered ${res.status}`);
            transfers.set(res.body.transferId, body);
          } else {
            const lastName = `Killed${n}`;
            const res = await client.request('POST', '/v2/cardholders', cardholderBody({ lastName }));
            if (res.status !== 200) throw new Error(`create answered ${res.status}`);
            createdCardholders.set(res.body.cardholderId, lastName);
          }
        } catch (e) {
          if (!killed) throw e;
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    // kill while all eight writers have a request in flight
    while (createdCardholders.size + transfers.size < 300) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    mock.child.kill('SIGKILL');
    await Promise.all(writers);
    await new Promise((r) => (mock.child.exitCode !== null || mock.child.signalCode !== null ? r(null) : mock.child.once('exit', r)));
    client.close();

    expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
    const stored = await storedState(file);
    const cardholders = new Map(stored.cardholders.map((c) => [c.cardholderId, c]));
    for (const [id, lastName] of createdCardholders) expect(cardholders.get(id)?.lastName, `cardholder ${id}`).toBe(lastName);
    expect(cardholders.size).toBe(stored.cardholders.length);
    const storedTransfers = new Map(stored.transfers.map((t) => [t.transferId, t]));
    for (const [id, t] of transfers) expect(storedTransfers.get(id), `transfer ${id}`).toMatchObject(t);

    // money: every wallet's balances are its starting balances plus and minus exactly the stored transfers
    const newTransfers = stored.transfers.filter((t) => !initial.transfers.some((i) => i.transferId === t.transferId));
    expect(newTransfers.length).toBeGreaterThanOrEqual(transfers.size);
    for (const wallet of stored.wallets) {
      const before = initial.wallets.find((w) => w.walletId === wallet.walletId)!;
      const delta = newTransfers.reduce((sum, t) => sum + (t.destinationId === wallet.walletId ? t.amount : 0) - (t.sourceWalletId === wallet.walletId ? t.amount : 0), 0);
      expect(wallet.ledgerBalance, `wallet ${wallet.walletId} ledger`).toBe(before.ledgerBalance + delta);
      expect(wallet.availableBalance, `wallet ${wallet.walletId} available`).toBe(before.availableBalance + delta);
      expect(wallet.availableBalance).toBeGreaterThanOrEqual(0);
    }
    const total = (s: State) => s.wallets.reduce((sum, w) => sum + w.ledgerBalance, 0);
    expect(total(stored)).toBe(total(initial));

    // and the restarted mock serves them
    const again = await spawnMock(args, dir());
    const reader = await processClient(again.apiUrl, path.join(dir(), 'certs'));
    try {
      for (const [id, lastName] of createdCardholders) {
        const res = await reader.request('GET', `/v2/cardholders/${id}`);
        expect(res.status).toBe(200);
        expect(res.body.cardholder.lastName).toBe(lastName);
      }
      for (const wallet of stored.wallets.filter((w) => w.programId === 1)) {
        const res = await reader.request('GET', `/v2/wallets/${wallet.walletId}`);
        expect(res.body.ledgerBalance).toBe(wallet.ledgerBalance);
      }
    } finally {
      reader.close();
      again.child.kill('SIGTERM');
    }
  }, 60_000);
});

describe('a data file that cannot be used at start', () => {
  it('a directory where the data file should be: exit 1, names it and says what to do', async () => {
    const file = path.join(dir(), 'is-a-directory.json');
    await mkdir(file);
    const result = await runMockToExit(['--data-file', file, '--certs-dir', 'certs'], dir());
    expect(result.code).toBe(1);
    expect(result.output).toContain(`Cannot read the data file ${file} (EISDIR)`);
    expect(result.output).toMatch(/--data-file <other path> or --in-memory/);
  });

  it('a corrupt change log: exit 1, names it, and leaves the data file and the log untouched', async () => {
    const file = path.join(dir(), 'corrupt-log', 'db.json');
    const store = await Store.open(file, () => loadFixtures('default'));
    await store.transact((s) => {
      s.cardholders[0]!.city = 'Logged';
    });
    const log = `${await readFile(`${file}.log`, 'utf8')}{"torn in the middle\n[]\n`;
    await writeFile(`${file}.log`, log);
    const snapshot = await readFile(file, 'utf8');
    const result = await runMockToExit(['--data-file', file, '--certs-dir', 'certs'], dir());
    expect(result.code).toBe(1);
    expect(result.output).toContain(`The change log ${file}.log of the data file ${file} is unreadable: line 3`);
    expect(result.output).toMatch(/left untouched/);
    expect(await readFile(file, 'utf8')).toBe(snapshot);
    expect(await readFile(`${file}.log`, 'utf8')).toBe(log);
  });
});

describe('a data directory that becomes unwritable while running', () => {
  it('writes fail with a 5xx and nothing that was not stored is reported or visible', async () => {
    const dataDir = path.join(dir(), 'unwritable');
    const m = await startMock({ dataFile: path.join(dataDir, 'db.json'), validateResponses: true });
    try {
      const api = apiClient(m);
      const kept = await api.post('/v2/cardholders', cardholderBody({ lastName: 'Stored' }));
      expect(kept.status).toBe(200);
      const before = JSON.stringify(m.store.state);
      // the data directory becomes a plain file (chmod does not stop root): every write now fails
      await rm(dataDir, { recursive: true });
      await writeFile(dataDir, 'not a directory');

      const writes: [string, string, unknown, Record<string, string>?][] = [
        ['POST', '/v2/cardholders', cardholderBody({ lastName: 'Lost' })],
        ['PUT', `/v2/cardholders/${F.approved}/update`, { emailAdr: 'lost@example.com' }],
        ['PUT', `/v2/cardholders/${F.draft}/kyc-submit`, undefined],
        ['PUT', `/v2/cardholders/${F.draft}`, cardholderBody({ firstName: 'Lost' })],
        ['POST', '/v2/wallets/transfer', { sourceWalletId: 3001, destinationType: 0, destinationId: 3002, amount: 500 }],
        // under an Idempotency-Key the change and its stored answer are one write: both undone
        ['POST', '/v2/wallets/transfer', { sourceWalletId: 3001, destinationType: 0, destinationId: 3002, amount: 700 }, { 'Idempotency-Key': 'lost-transfer' }],
      ];
      for (const [method, p, body, headers] of writes) {
        const res = await api.request(method, p, { body, headers });
        expect(res.status, `${method} ${p}`).toBe(500);
        expect(res.body).toEqual({ status: 'error', message: expect.stringMatching(/^The data file .*db\.json could not be written \(\w+: .*\)\. The change was not stored and nothing changed/) });
      }
      expect(JSON.stringify(m.store.state)).toBe(before);
      expect((await api.get(`/v2/cardholders/${F.approved}`)).body.cardholder.emailAdr).not.toBe('lost@example.com');
      expect((await api.get(`/v2/cardholders/${F.draft}`)).body.cardholder.status).toBe(4);
      expect((await api.get('/v2/wallets/3001')).body.ledgerBalance).toBe(m.store.state.wallets.find((w) => w.walletId === 3001)!.ledgerBalance);
      const list = await api.get('/v2/cardholders?limit=100');
      expect(list.body.items.map((c: { lastName: string }) => c.lastName)).not.toContain('Lost');

      // once the directory is back, writes succeed again and the ids continue without a gap
      await rm(dataDir);
      await mkdir(dataDir);
      const next = await api.post('/v2/cardholders', cardholderBody({ lastName: 'After' }));
      expect(next.status).toBe(200);
      expect(next.body.cardholderId).toBe(kept.body.cardholderId + 1);
    } finally {
      await m.close();
    }
  });
  it('control-plane writes fail the same way and leave the state as it was', async () => {
    const dataDir = path.join(dir(), 'unwritable-control');
    const m = await startMock({ dataFile: path.join(dataDir, 'db.json'), validateResponses: true });
    try {
      const control = controlClient(m);
      const before = JSON.stringify(m.store.state);
      await rm(dataDir, { recursive: true });
      await writeFile(dataDir, 'not a directory');
      const writes: [string, string, unknown][] = [
        ['PUT', '/_mock/dns', { ptr: {}, a: {} }],
        ['PUT', '/_mock/programs/1/allowlist', { ips: ['10.0.0.0/8'] }],
        ['PUT', '/_mock/programs/1/rate-limit', { requestsPerSecond: 1, burst: 1 }],
        ['POST', '/_mock/programs/1/api-keys', undefined],
        ['DELETE', '/_mock/api-keys/axys_stg_northwind_4f1c2a9e7b3d5a60', undefined],
        ['POST', '/_mock/faults', { id: 'lost', match: {}, fault: { type: 'status', status: 503 } }],
        ['POST', '/_mock/programs', { tenantName: 'Lost Ltd', programName: 'Lost Card', environment: 'staging', allowlist: ['127.0.0.9/32'], domains: ['api.lost.test'] }],
      ];
      for (const [method, p, body] of writes) {
        const res = await control.call(method, p, body);
        expect(res.status, `${method} ${p}`).toBe(500);
      }
      expect(JSON.stringify(m.store.state)).toBe(before);
      // the gateway still lets the fixture program through, with its key
      expect((await apiClient(m).get('/v2/cardholders')).status).toBe(200);
    } finally {
      await m.close();
    }
  });
});

describe('memory stays bounded under a long request stream', () => {
  const gc = () => {
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
  };

  it('the journal keeps at most its capacity, however many requests it records', () => {
    const journal = new Journal({ maxEntries: 100 });
    const entry = (i: number): JournalEntry => ({ id: `req_${i}`, time: i, method: 'GET', path: `/v2/cardholders/${i}`, status: 200, decision: 'ok', programId: 1, remoteAddress: '127.0.0.1', durationMs: 1, fault: null, reason: 'x'.repeat(200), operation: null, query: null, chain: [], timings: { gatewayMs: null, totalMs: 1 }, truncated: false, request: null, response: null });
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 300_000; i++) journal.record(entry(i));
    gc();
    // unbounded, 300,000 entries with a 200-character reason would hold well over 60 MB
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(10 * 2 ** 20);
    const all = journal.query({ limit: 1000 });
    expect(all.total).toBe(100);
    expect(all.items[0]!.id).toBe('req_299999');
  });

  it('a mock serving thousands of requests holds no more memory than its journal and store explain', async () => {
    const m = await startMock({ validateResponses: true });
    // past the fixture rate limit, so the stream reaches the operations (and the idempotency layer)
    expect((await controlClient(m).put('/_mock/programs/1/rate-limit', { requestsPerSecond: 100_000, burst: 100_000 })).status).toBe(200);
    const client = m.certs.clients.get(1)!;
    const agent = new https.Agent({ keepAlive: true, maxSockets: 4, ca: m.certs.ca.certPem, cert: client.certPem, key: client.keyPem });
    const url = new URL(m.apiUrl);
    const statuses = new Map<number, number>();
    const send = (method: string, p: string, body?: unknown, fresh = false) =>
      new Promise<number>((resolve, reject) => {
        const req = https.request(
          { host: url.hostname, port: url.port, method, path: p, agent: fresh ? false : agent, ca: m.certs.ca.certPem, cert: client.certPem, key: client.keyPem, headers: { 'X-API-Key': fixtureKeys.staging, 'Idempotency-Key': `k-${Math.random()}`, ...(body ? { 'Content-Type': 'application/json' } : {}) } },
          (res) => {
            res.resume();
            statuses.set(res.statusCode!, (statuses.get(res.statusCode!) ?? 0) + 1);
            res.on('end', () => resolve(res.statusCode!));
          },
        );
        req.on('error', reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    const stream = async (n: number) => {
      for (let i = 0; i < n; i += 5) {
        await Promise.all([
          send('GET', `/v2/cardholders/${F.approved}`),
          send('GET', `/v2/cardholders/${900000 + i}`),
          send('PUT', `/v2/cardholders/${F.approved}/update`, { emailAdr: `stream${i}@example.com` }),
          send('GET', `/v2/cardholders?limit=5&offset=${i % 7}`, undefined, i % 40 === 0),
          send('POST', '/v2/wallets/transfer', { sourceWalletId: i % 8 ? 3001 : 3002, destinationType: 0, destinationId: i % 8 ? 3002 : 3001, amount: 1 }),
        ]);
      }
    };
    try {
      await stream(400);
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const journalBefore = m.journal.bytes;
      await stream(2400);
      gc();
      const grown = process.memoryUsage().heapUsed - heapBefore;
      // the journal now keeps headers and bodies (about 2.6 KB of text an entry, which it counts);
      // with its objects' overhead (x 1.5) that explains its growth; anything else kept per request
      // or per connection would show on top
      const journalGrown = m.journal.bytes - journalBefore;
      expect(journalGrown).toBeGreaterThan(0);
      expect(grown - 1.5 * journalGrown).toBeLessThan(8 * 2 ** 20);
      expect(m.journal.size).toBeLessThanOrEqual(m.journal.capacity);
      // the stream was served, not refused: reads and writes succeeded, unknown ids were 404s
      expect([...statuses.keys()].sort()).toEqual([200, 404]);
      expect(m.store.state.cardholders.length).toBe((await loadFixtures('default')).cardholders.length);
    } finally {
      agent.destroy();
      await m.close();
    }
  }, 60_000);
});
