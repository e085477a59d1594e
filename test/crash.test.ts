import { mkdir, readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startMock, type RunningMock } from '../src/mock.js';
import type { DurableStep } from '../src/store/durability-hooks.js';
import { createCardholder } from '../src/domain/cardholders.js';
import { transfer } from '../src/domain/ledger.js';
import type { State } from '../src/store/state.js';
import { Store } from '../src/store/store.js';
import { apiClient, controlClient } from './helpers/client.js';
import { cardholderBody } from './helpers/data.js';
import { useTempDir } from './helpers/temp-dir.js';

/**
 * A crash (as a SIGKILL: nothing written after that point, nothing answered) at a chosen step of an
 * import, a reset or a compaction, while writers keep writing; then a restart from the files. The
 * crash is in-process (a durability hook stops every file operation of the store where a SIGKILL
 * would), so the 50 rounds on the store (the handlers' domain functions, six writers) take seconds;
 * rounds over mTLS run every operation through the whole mock. The SIGKILL of a real process under
 * load is in reliability.test.ts.
 */

const STEPS: DurableStep[] = ['snapshot:written', 'snapshot:renamed', 'log:written', 'log:renamed', 'append:torn', 'append:written', 'append:synced'];
const OPERATIONS = ['import', 'reset', 'compaction'] as const;
type Operation = (typeof OPERATIONS)[number];

const dir = useTempDir('axys-crash-');
let fixtures: State;
beforeAll(async () => {
  fixtures = JSON.parse(await readFile(path.join(process.cwd(), 'fixtures/default.json'), 'utf8')) as State;
  // far above the fixture rate limit: the writers are not throttled
  for (const p of fixtures.programs) p.rateLimit = { requestsPerSecond: 100_000, burst: 100_000 };
});

/** Which replace a state is: a marker PTR record each import and each reset's fixtures carry. */
const MARKER_IP = '198.51.100.77';
const marked = (state: State, replace: number): State => ({ ...state, dns: { ...state.dns, ptr: { ...state.dns.ptr, [MARKER_IP]: [`replace-${replace}.example`] } } });
const markerOf = (state: State): number => Number(/replace-(\d+)/.exec(state.dns.ptr[MARKER_IP]?.[0] ?? 'replace-0')![1]);

/** Every wallet's balances are the fixture balances plus and minus exactly the transfers the state holds. */
function expectMoneyConserved(state: State, label: string): void {
  const known = new Set(fixtures.transfers.map((t) => t.transferId));
  const added = state.transfers.filter((t) => !known.has(t.transferId));
  for (const wallet of state.wallets) {
    const start = fixtures.wallets.find((w) => w.walletId === wallet.walletId)!;
    const delta = added.reduce((sum, t) => sum + (t.destinationId === wallet.walletId ? t.amount : 0) - (t.sourceWalletId === wallet.walletId ? t.amount : 0), 0);
    expect(wallet.ledgerBalance, `${label}: wallet ${wallet.walletId} ledger`).toBe(start.ledgerBalance + delta);
    expect(wallet.availableBalance, `${label}: wallet ${wallet.walletId} available`).toBe(start.availableBalance + delta);
  }
}

interface Ack {
  lastName: string;
  /** the replaces acknowledged before this write was sent */
  sentAfterAcked: number;
}

async function mockRound(r: number): Promise<{ crashed: boolean }> {
  const operation: Operation = OPERATIONS[r % OPERATIONS.length]!;
  const crashStep = STEPS[Math.floor(r / OPERATIONS.length) % STEPS.length]!;
  const roundDir = path.join(dir(), `round-${r}`);
  const file = path.join(roundDir, 'data', 'db.json');
  const fixturesFile = path.join(roundDir, 'fixtures.json');
  await mkdir(roundDir, { recursive: true });
  await writeFile(fixturesFile, JSON.stringify(marked(fixtures, 0)));

  let inFlight: Operation | null = null;
  let crashed = false;
  let kill!: () => void;
  // after the crash nothing answers: every request still waiting is given up
  const killed = new Promise<'killed'>((resolve) => (kill = () => resolve('killed')));
  const unlessKilled = <T>(p: Promise<T>) => Promise.race([p, killed]);
  // the crash comes at the chosen step, while the chosen operation runs (writes go on beside it)
  const at = (step: DurableStep) => {
    if (crashed || step !== crashStep || inFlight !== operation) return;
    crashed = true;
    kill();
    return 'crash' as const;
  };
  const mock: RunningMock = await startMock({ dataFile: file, fixtures: fixturesFile, durabilityHooks: { at }, compactAtBytes: operation === 'compaction' ? 6_000 : 10_000_000 });
  const agent = new https.Agent({ keepAlive: true, maxSockets: 6 });
  const api = apiClient(mock, { agent });
  const control = controlClient(mock);

  const acks: Ack[] = [];
  let issued = 0;
  let acked = 0;
  let stop = false;
  let n = 0;
  const writer = async (w: number) => {
    while (!stop && !crashed) {
      const i = n++;
      const sentAfterAcked = acked;
      try {
        if (i % 2) {
          const body = { sourceWalletId: w % 2 ? 3001 : 3002, destinationType: 0, destinationId: w % 2 ? 3002 : 3001, amount: 1 + (i % 97) };
          await unlessKilled(api.post('/v2/wallets/transfer', body));
        } else {
          const lastName = `R${r}W${i}`;
          const res = await unlessKilled(api.post('/v2/cardholders', cardholderBody({ lastName })));
          if (res !== 'killed' && res.status === 200) acks.push({ lastName, sentAfterAcked });
        }
      } catch {
        /* the crash: no answer */
      }
    }
  };
  const replace = async (kind: 'import' | 'reset') => {
    const k = ++issued;
    inFlight = kind;
    try {
      let res;
      if (kind === 'import') {
        const exported = (await control.get('/_mock/state')).body as State;
        res = await unlessKilled(control.put('/_mock/state', marked(exported, k)));
      } else {
        await writeFile(fixturesFile, JSON.stringify(marked(fixtures, k)));
        res = await unlessKilled(control.post('/_mock/reset'));
      }
      if (res !== 'killed' && res.status === 200) acked = k;
    } catch {
      /* the crash */
    } finally {
      inFlight = null;
    }
  };

  const writers = Array.from({ length: 6 }, (_, w) => writer(w));
  const waitForAcks = async (count: number) => {
    for (let t = 0; t < 400 && !crashed && acks.length < count; t++) await new Promise((res) => setTimeout(res, 5));
  };
  await waitForAcks(10);
  if (operation === 'compaction') {
    inFlight = 'compaction';
    await waitForAcks(acks.length + 40);
  } else {
    await replace(operation === 'import' ? 'import' : 'reset');
    await waitForAcks(acks.length + 10);
    if (!crashed) await replace(operation);
    await waitForAcks(acks.length + 10);
  }
  stop = true;
  // the process is gone: open connections are cut, the files stay as they are
  agent.destroy();
  await mock.close();
  await Promise.all(writers);

  await checkRestart(file, `mTLS round ${r} (${operation}, crash at ${crashStep})`, { acks, acked, issued });
  return { crashed };
}

/** The same round on the store itself: the handlers' domain functions, replaces and compaction, no HTTP. */
async function storeRound(r: number): Promise<{ crashed: boolean }> {
  const operation: Operation = OPERATIONS[r % OPERATIONS.length]!;
  const crashStep = STEPS[Math.floor(r / OPERATIONS.length) % STEPS.length]!;
  const file = path.join(dir(), `store-round-${r}`, 'db.json');
  let inFlight: Operation | null = null;
  let crashed = false;
  let kill!: () => void;
  const killed = new Promise<'killed'>((resolve) => (kill = () => resolve('killed')));
  const unlessKilled = <T>(p: Promise<T>) => Promise.race([p, killed]);
  const at = (step: DurableStep) => {
    if (crashed || step !== crashStep || inFlight !== operation) return;
    crashed = true;
    kill();
    return 'crash' as const;
  };
  const store = await Store.open(file, async () => marked(structuredClone(fixtures), 0), { hooks: { at }, compactAtBytes: operation === 'compaction' ? 6_000 : 10_000_000 });
  const acks: Ack[] = [];
  let issued = 0;
  let acked = 0;
  let stop = false;
  let n = 0;
  const writer = async (w: number) => {
    while (!stop && !crashed) {
      const i = n++;
      const sentAfterAcked = acked;
      const lastName = `S${r}W${i}`;
      const done = unlessKilled(
        store.transact((state) => {
          if (i % 2) transfer(state, 1, { sourceWalletId: w % 2 ? 3001 : 3002, destinationType: 0, destinationId: w % 2 ? 3002 : 3001, amount: 1 + (i % 97) }, 1);
          else createCardholder(state, state.programs[0]!, cardholderBody({ lastName }) as never, 1);
        }),
      );
      const result = await done.catch(() => 'failed' as const);
      if (result !== 'killed' && result !== 'failed' && i % 2 === 0) acks.push({ lastName, sentAfterAcked });
      await new Promise((res) => setImmediate(res));
    }
  };
  const replace = async (kind: 'import' | 'reset') => {
    const k = ++issued;
    inFlight = kind;
    const next = kind === 'import' ? marked(structuredClone(store.state), k) : marked(structuredClone(fixtures), k);
    const result = await unlessKilled(store.replace(next)).catch(() => 'failed' as const);
    if (result !== 'killed' && result !== 'failed') acked = k;
    inFlight = null;
  };
  const writers = Array.from({ length: 6 }, (_, w) => writer(w));
  const waitForAcks = async (count: number) => {
    for (let t = 0; t < 2000 && !crashed && acks.length < count; t++) await new Promise((res) => setImmediate(res));
  };
  await waitForAcks(10);
  if (operation === 'compaction') {
    inFlight = 'compaction';
    await waitForAcks(acks.length + 60);
  } else {
    await replace(operation);
    await waitForAcks(acks.length + 10);
    if (!crashed) await replace(operation);
    await waitForAcks(acks.length + 10);
  }
  stop = true;
  if (!crashed) await Promise.all(writers);
  await store.close();
  await checkRestart(file, `store round ${r} (${operation}, crash at ${crashStep})`, { acks, acked, issued });
  return { crashed };
}

async function checkRestart(file: string, label: string, { acks, acked, issued }: { acks: Ack[]; acked: number; issued: number }): Promise<void> {
  let reopened: Store;
  try {
    reopened = await Store.open(file, () => Promise.reject(new Error('the data file is gone')));
  } catch (e) {
    throw new Error(`${label}: restart refused: ${(e as Error).message}`);
  }
  const state = reopened.state;
  await reopened.close();
  // the state on disk is the last acknowledged replace, or the one in flight at the crash
  const onDisk = markerOf(state);
  expect(onDisk, `${label}: replace on disk`).toBeGreaterThanOrEqual(acked);
  expect(onDisk, `${label}: replace on disk`).toBeLessThanOrEqual(issued);
  expectMoneyConserved(state, label);
  // every write acknowledged after that replace was acknowledged is there
  const names = new Set(state.cardholders.map((c) => c.lastName));
  const required = acks.filter((a) => a.sentAfterAcked >= onDisk && onDisk <= acked);
  for (const a of required) expect(names.has(a.lastName), `${label}: acknowledged cardholder ${a.lastName}`).toBe(true);
}

describe('a crash at every step of an import, a reset and a compaction', () => {
  it('restarts with money conserved and every acknowledged write there, over 50 rounds', async () => {
    let crashes = 0;
    for (let r = 0; r < 50; r++) if ((await storeRound(r)).crashed) crashes++;
    // every step of an import, a reset and a compaction is reached: nearly every round crashes
    expect(crashes).toBeGreaterThanOrEqual(45);
  }, 120_000);

  it('the same over mTLS: writers, imports, resets and compactions through the whole mock', async () => {
    let crashes = 0;
    // between the snapshot and the log step of an import, a reset and a compaction
    for (const r of [3, 4, 5]) if ((await mockRound(r)).crashed) crashes++;
    expect(crashes).toBe(3);
  }, 120_000);
});
