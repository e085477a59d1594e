import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCardholder } from '../src/domain/cardholders.js';
import { transfer } from '../src/domain/ledger.js';
import { startMock, type RunningMock } from '../src/mock.js';
import type { DurabilityHooks } from '../src/store/durability-hooks.js';
import { loadFixtures } from '../src/store/fixtures.js';
import type { State } from '../src/store/state.js';
import { Store, StoreFileError } from '../src/store/store.js';
import { apiClient, controlClient } from './helpers/client.js';
import { cardholderBody } from './helpers/data.js';
import { runMockToExit } from './helpers/process.js';
import { useTempDir } from './helpers/temp-dir.js';

const dir = useTempDir('axys-durability-');
let fixtures: State;
beforeAll(async () => {
  fixtures = await loadFixtures('default');
});

let n = 0;
const dataFile = () => path.join(dir(), `case-${++n}`, 'data', 'db.json');
const restart = (file: string) => Store.open(file, () => Promise.reject(new Error('the data file is gone')));
const seed = async () => structuredClone(fixtures);
const walletTotal = (s: State) => s.wallets.reduce((sum, w) => sum + w.ledgerBalance, 0);
const move = (state: State, amount: number) => transfer(state, 1, { sourceWalletId: 3001, destinationType: 0, destinationId: 3002, amount }, 1);

/** Every wallet's balances are the fixture balances plus and minus exactly the transfers the state holds. */
function expectMoneyConserved(state: State): void {
  const known = new Set(fixtures.transfers.map((t) => t.transferId));
  const added = state.transfers.filter((t) => !known.has(t.transferId));
  for (const wallet of state.wallets) {
    const start = fixtures.wallets.find((w) => w.walletId === wallet.walletId)!;
    const delta = added.reduce((sum, t) => sum + (t.destinationId === wallet.walletId ? t.amount : 0) - (t.sourceWalletId === wallet.walletId ? t.amount : 0), 0);
    expect(wallet.ledgerBalance, `wallet ${wallet.walletId}`).toBe(start.ledgerBalance + delta);
  }
}

describe('a new snapshot and the old change log never mix (generations)', () => {
  it('an import whose new log cannot be started is durable as answered; later writes land on it; a restart has exactly that', { timeout: 60_000 }, async () => {
    const file = dataFile();
    const mock = await startMock({ dataFile: file });
    try {
      const api = apiClient(mock);
      const control = controlClient(mock);
      expect((await api.post('/v2/wallets/transfer', { sourceWalletId: 3001, destinationType: 0, destinationId: 3002, amount: 111 })).status).toBe(200);
      const exported = (await control.get('/_mock/state')).body as State;
      // the change log's place is taken by a folder: the log after the import cannot be started
      await rm(`${file}.log`);
      await mkdir(`${file}.log`);
      const imported = await control.put('/_mock/state', exported);
      await rm(`${file}.log`, { recursive: true });
      const after = await api.post('/v2/wallets/transfer', { sourceWalletId: 3002, destinationType: 0, destinationId: 3001, amount: 222 });
      expect(after.status).toBe(200);
      const answered = imported.status;
      const memory = structuredClone(mock.store.state);
      await mock.close();
      const disk = (await restart(file)).state;
      // what the mock answered and served is what a restart has: no old log over a new snapshot
      expect(disk).toEqual(memory);
      expect(answered).toBe(200);
      expect(disk.transfers.some((t) => t.amount === 222)).toBe(true);
      expectMoneyConserved(disk);
    } finally {
      await mock.close();
    }
  });

  it('a crash between the new snapshot and the new log: the old log does not replay over the new snapshot', async () => {
    const file = dataFile();
    let crash = false;
    const store = await Store.open(file, seed, { hooks: { at: (step) => (crash && step === 'snapshot:renamed' ? 'crash' : undefined) } });
    for (let i = 0; i < 5; i++) await store.transact((s) => move(s, 100 + i));
    const next = structuredClone(store.state);
    next.wallets.find((w) => w.walletId === 3001)!.name = 'imported';
    crash = true;
    void store.replace(next);
    await new Promise((r) => setTimeout(r, 200));
    await store.close();
    const disk = (await restart(file)).state;
    expect(disk.wallets.find((w) => w.walletId === 3001)!.name).toBe('imported');
    expect(disk.transfers).toEqual(next.transfers);
    expectMoneyConserved(disk);
  });
});

describe('data files deleted while the mock runs', () => {
  it.each([
    ['db.json', (f: string) => unlink(f)],
    ['the change log', (f: string) => unlink(`${f}.log`)],
    ['both files', async (f: string) => { await unlink(f); await unlink(`${f}.log`); }],
    ['the whole data folder', (f: string) => rm(path.dirname(f), { recursive: true })],
  ])('%s: later writes are written durably again, and a restart has every acknowledged write', { timeout: 60_000 }, async (_what, remove) => {
    const file = dataFile();
    const mock = await startMock({ dataFile: file });
    const acknowledged: number[] = [];
    try {
      const api = apiClient(mock);
      for (let i = 0; i < 2; i++) {
        const res = await api.post('/v2/cardholders', cardholderBody({ lastName: `Before${i}` }));
        expect(res.status).toBe(200);
        acknowledged.push(res.body.cardholderId);
      }
      await remove(file);
      for (let i = 0; i < 3; i++) {
        const res = await api.post('/v2/cardholders', cardholderBody({ lastName: `After${i}` }));
        expect(res.status).toBe(200);
        acknowledged.push(res.body.cardholderId);
      }
    } finally {
      await mock.close();
    }
    const disk = (await restart(file)).state;
    for (const id of acknowledged) expect(disk.cardholders.some((c) => c.cardholderId === id), `cardholder ${id}`).toBe(true);
  });
});

describe('file modes', () => {
  it('db.json and its change log are 0600, even under umask 000 and over files that were 0644', async () => {
    const file = dataFile();
    const mode = async (f: string) => (await stat(f)).mode & 0o777;
    const umask = process.umask(0);
    try {
      const store = await Store.open(file, seed, { compactAtBytes: 2_000 });
      expect(await mode(file)).toBe(0o600);
      expect(await mode(`${file}.log`)).toBe(0o600);
      for (let i = 0; i < 10; i++) await store.transact((s) => move(s, 1));
      expect(await mode(file)).toBe(0o600);
      expect(await mode(`${file}.log`)).toBe(0o600);
      await store.close();
      // files left by an older version
      await chmod(file, 0o644);
      await chmod(`${file}.log`, 0o666);
      const again = await Store.open(file, seed);
      expect(await mode(file)).toBe(0o600);
      expect(await mode(`${file}.log`)).toBe(0o600);
      await again.close();
      // no temporary file is left beside them
      expect((await readdir(path.dirname(file))).sort()).toEqual(['db.json', 'db.json.log']);
    } finally {
      process.umask(umask);
    }
  });
});

describe('short writes', () => {
  it('a write cut short fails the whole batch (500, rolled back) and leaves the log as it was; nothing torn in the middle', async () => {
    const file = dataFile();
    // bytes the disk still takes
    let budget = Infinity;
    const hooks: DurabilityHooks = {
      writeLimit: (wanted) => {
        const granted = Math.min(wanted, budget);
        budget -= granted;
        return granted;
      },
    };
    const store = await Store.open(file, seed, { hooks });
    await store.transact((s) => move(s, 5));
    const logBefore = await readFile(`${file}.log`, 'utf8');
    const memoryBefore = structuredClone(store.state);
    // the disk takes a few bytes of the next write, then nothing
    budget = 7;
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.transact((s) => move(s, 10 + i))));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(String((results[0] as PromiseRejectedResult).reason.message)).toMatch(/could not be written \(ENOSPC: the disk is full/);
    expect(store.state).toEqual(memoryBefore);
    expect(await readFile(`${file}.log`, 'utf8')).toBe(logBefore);
    // space again: writes go on after the last good line
    budget = Infinity;
    await store.transact((s) => move(s, 77));
    await store.close();
    const disk = (await restart(file)).state;
    const known = new Set(fixtures.transfers.map((t) => t.transferId));
    expect(disk.transfers.filter((t) => !known.has(t.transferId)).map((t) => t.amount)).toEqual([5, 77]);
    expectMoneyConserved(disk);
  });
});

/** A 2 MiB tmpfs when this machine lets us mount one (root), else null (the injected short write above covers the logic). */
async function smallDisk(): Promise<string | null> {
  const mountPoint = path.join(dir(), 'tmpfs');
  await mkdir(mountPoint, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    return mountPoint;
  } catch {
    return null;
  }
}

describe('disk full', () => {
  let disk: string | null = null;
  let fallback: { budget: number } | null = null;
  beforeAll(async () => {
    disk = await smallDisk();
  });
  afterAll(() => {
    if (disk) execFileSync('umount', ['-l', disk], { stdio: 'ignore' });
  });

  it('concurrent writers on a full disk, a kill, space freed, a restart: every acknowledged write there, the log opens, money conserved (20 rounds)', async () => {
    let failedWrites = 0;
    for (let round = 0; round < 20; round++) {
      const folder = disk ? path.join(disk, `r${round}`) : path.join(dir(), `full-${round}`);
      const file = path.join(folder, 'db.json');
      let killed = false;
      fallback = disk ? null : { budget: Infinity };
      const hooks: DurabilityHooks = {
        at: (step) => (killed && step === 'append:torn' ? 'crash' : undefined),
        writeLimit: (wanted) => {
          if (!fallback) return wanted;
          const granted = Math.min(wanted, fallback.budget);
          fallback.budget -= granted;
          return granted;
        },
      };
      const store = await Store.open(file, seed, { hooks, compactAtBytes: 10_000_000 });
      // leave about 24 KiB free
      const filler = path.join(disk ?? folder, `filler-${round}`);
      if (disk) {
        const { bavail, bsize } = await import('node:fs').then((fs) => fs.statfsSync(disk!));
        await writeFile(filler, Buffer.alloc(Math.max(0, bavail * bsize - 24 * 1024 - 4096 * (round % 3))));
      } else fallback!.budget = 24 * 1024 - 512 * (round % 3);
      const acknowledged: string[] = [];
      let stop = false;
      let i = 0;
      const writer = async (w: number) => {
        while (!stop) {
          const k = i++;
          const lastName = `Full${round}-${k}`;
          const result = await Promise.race([
            store
              .transact((s) => {
                if (k % 2) move(s, 1 + (k % 13));
                else createCardholder(s, s.programs[0]!, cardholderBody({ lastName, adrLine1: 'x'.repeat(200 + w) }) as never, 1);
              })
              .then(() => 'ok' as const, () => 'failed' as const),
            new Promise<'killed'>((r) => setTimeout(() => r('killed'), 2_000)),
          ]);
          if (result === 'ok' && k % 2 === 0) acknowledged.push(lastName);
          if (result === 'failed') failedWrites++;
          if (result !== 'ok') return;
        }
      };
      await Promise.all(Array.from({ length: 32 }, (_, w) => writer(w)));
      // the kill: the next append is torn, nothing after it written
      killed = true;
      stop = true;
      void store.transact((s) => move(s, 1)).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 20));
      await store.close();
      // free the space, restart
      await rm(filler, { force: true });
      if (fallback) fallback.budget = Infinity;
      const reopened = await restart(file);
      const names = new Set(reopened.state.cardholders.map((c) => c.lastName));
      for (const name of acknowledged) expect(names.has(name), `round ${round}: ${name}`).toBe(true);
      expectMoneyConserved(reopened.state);
      expect(walletTotal(reopened.state)).toBe(walletTotal(fixtures));
      // and it takes writes again
      await reopened.transact((s) => move(s, 3));
      await reopened.close();
      await rm(folder, { recursive: true, force: true });
    }
    // the disk did fill up
    expect(failedWrites).toBeGreaterThan(0);
  }, 120_000);
});

describe('a data file that is JSON but not a state', () => {
  it.each([
    ['an object without the collections', () => ({ programs: [] })],
    ['version 1 with nothing else', () => ({ version: 1, programs: [] })],
    ['a program that is not one', () => ({ ...structuredClone(fixtures), programs: [{ programId: 'x' }] })],
    ['a cardholder of no program', () => ({ ...structuredClone(fixtures), programs: [] })],
    ['an array', () => []],
    ['null', () => null],
  ])('%s: refused at start like an import, the file untouched', async (_what, content) => {
    const file = dataFile();
    await mkdir(path.dirname(file), { recursive: true });
    const text = JSON.stringify(content());
    await writeFile(file, text);
    const err = await restart(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreFileError);
    expect((err as Error).message).toMatch(/is unreadable: it is not a valid axys-mock state: \S+ (must|no program)/);
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('the CLI says so in one line and exits 1', { timeout: 60_000 }, async () => {
    const file = dataFile();
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ version: 1, programs: [] }));
    const result = await runMockToExit(['--data-file', file, '--certs-dir', path.join(dir(), 'certs')], dir());
    expect(result.code).toBe(1);
    expect(result.output.trim().split('\n')).toHaveLength(1);
    expect(result.output).toMatch(/^axys-mock: The data file .* is unreadable: it is not a valid axys-mock state: .*sequences.*must have required property/);
  });
});

describe('a read-only data folder', () => {
  it('start: one line naming the folder and the fix, no stack trace', { timeout: 60_000 }, async () => {
    const folder = path.join(dir(), 'read-only');
    await mkdir(folder, { recursive: true });
    let mounted = false;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', folder], { stdio: 'ignore' });
      mounted = true;
    } catch {
      await chmod(folder, 0o555); // not root: permissions stop the write
    }
    try {
      const result = await runMockToExit(['--data-file', path.join(folder, 'db.json'), '--certs-dir', path.join(dir(), 'certs')], dir());
      expect(result.code).toBe(1);
      expect(result.output.trim().split('\n')).toHaveLength(1);
      expect(result.output).toContain(`Cannot write the data folder ${folder} (`);
      expect(result.output).toMatch(/--data-file <path in a writable folder> or --in-memory/);
      expect(result.output).not.toMatch(/\n\s+at /);
    } finally {
      if (mounted) execFileSync('umount', ['-l', folder], { stdio: 'ignore' });
      else await chmod(folder, 0o755);
    }
  });
});

describe('a change that cannot be serialised', () => {
  it('is not applied: the state is unchanged, and later writes and snapshots work', async () => {
    const file = dataFile();
    const store = await Store.open(file, seed);
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    const before = structuredClone(store.state);
    const err = await store.transact((s) => { s.faults.push({ id: 'deep', body: deep } as never); move(s, 9); }).catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(422);
    expect(store.state).toEqual(before);
    await store.transact((s) => move(s, 4));
    await store.commit();
    await store.close();
    const disk = (await restart(file)).state;
    expect(disk.faults.some((f) => f.id === 'deep')).toBe(false);
    expectMoneyConserved(disk);
  });
});

describe('imports the mock would choke on', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ validateResponses: true });
  }, 60_000);
  afterAll(async () => {
    await mock.close();
  });

  it('sequences are bounded (2147483647): a larger one is refused, nothing changed', { timeout: 60_000 }, async () => {
    const control = controlClient(mock);
    const state = (await control.get('/_mock/state')).body as State;
    const refused = await control.put('/_mock/state', { ...state, sequences: { ...state.sequences, cardholders: 2 ** 53 - 1 } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toContainEqual({ field: 'sequences.cardholders', message: expect.stringMatching(/<= 2147483647/) });
    expect((await control.get('/_mock/state')).body.sequences.cardholders).toBe(state.sequences.cardholders);
  });

  it('a sequence at its end: the next create is refused with a 422 naming it, never a duplicate id', async () => {
    const control = controlClient(mock);
    const state = (await control.get('/_mock/state')).body as State;
    expect((await control.put('/_mock/state', { ...state, sequences: { ...state.sequences, cardholders: 2_147_483_647 } })).status).toBe(200);
    const api = apiClient(mock);
    for (let i = 0; i < 2; i++) {
      const res = await api.post('/v2/cardholders', cardholderBody());
      expect(res.status).toBe(422);
      expect(res.body.message).toMatch(/No cardholders id is left: sequences\.cardholders reached the largest id/);
    }
    const ids = mock.store.state.cardholders.map((c) => c.cardholderId);
    expect(new Set(ids).size).toBe(ids.length);
    await mock.reset();
  });

  it('an allowlist entry that is no address (999.1.1.1/99) is refused with a 422 naming it', async () => {
    const control = controlClient(mock);
    const state = (await control.get('/_mock/state')).body as State;
    state.programs[0]!.allowlist = ['127.0.0.1/32', '999.1.1.1/99'];
    const res = await control.put('/_mock/state', state);
    expect(res.status).toBe(422);
    expect(res.body.errors).toContainEqual({ field: 'programs.0.allowlist.1', message: expect.stringContaining('"999.1.1.1/99" is not an IP address or CIDR range') });
    expect((await apiClient(mock).get('/v2/cardholders')).status).toBe(200);
  });
});
