import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixtures } from '../src/store/fixtures.js';
import type { State } from '../src/store/state.js';
import { Store, StoreFileError } from '../src/store/store.js';
import { applyChanges, Tracker } from '../src/store/tracker.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'axys-store-'));
  dirs.push(dir);
  return path.join(dir, 'data', 'db.json');
}

const seed = () => loadFixtures('default');
const clone = <T>(v: T): T => structuredClone(v);

/** A state-like tree with collections of records, nested objects and arrays, and scalars. */
const treeArb = fc.record({
  version: fc.constant(1),
  sequences: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.nat()),
  items: fc.array(fc.record({ id: fc.nat(), tags: fc.array(fc.string(), { maxLength: 3 }), nested: fc.record({ n: fc.integer() }) }), { maxLength: 6 }),
  table: fc.record({ ptr: fc.dictionary(fc.string({ maxLength: 3 }), fc.array(fc.string(), { maxLength: 2 })) }),
});

type Tree = { version: number; sequences: Record<string, number>; items: { id: number; tags: string[]; nested: { n: number } }[]; table: { ptr: Record<string, string[]> } };

/** Mutations the domain code does: push, splice, in-place edits, nested edits, whole replacements, deletes, sorts. */
const opArb = fc.oneof(
  fc.record({ op: fc.constant('push' as const), id: fc.nat() }),
  fc.record({ op: fc.constant('splice' as const), at: fc.nat(6), count: fc.nat(2) }),
  fc.record({ op: fc.constant('edit' as const), at: fc.nat(6), n: fc.integer() }),
  fc.record({ op: fc.constant('tag' as const), at: fc.nat(6), tag: fc.string() }),
  fc.record({ op: fc.constant('seq' as const), key: fc.constantFrom('a', 'b', 'z'), n: fc.nat() }),
  fc.record({ op: fc.constant('ptr' as const), key: fc.string({ maxLength: 3 }), name: fc.string() }),
  fc.record({ op: fc.constant('unptr' as const), key: fc.string({ maxLength: 3 }) }),
  fc.record({ op: fc.constant('replace' as const) }),
  fc.record({ op: fc.constant('sort' as const) }),
  fc.record({ op: fc.constant('move' as const), at: fc.nat(6) }),
);

function run(t: Tree, o: Record<string, any>): void {
  const item = t.items.find((_x, i) => i === o.at);
  switch (o.op) {
    case 'push': t.items.push({ id: o.id, tags: [], nested: { n: 0 } }); break;
    case 'splice': t.items.splice(o.at, o.count); break;
    case 'edit': if (item) item.nested.n = o.n; break;
    case 'tag': if (item) item.tags.push(o.tag); break;
    case 'seq': t.sequences[o.key] = o.n; break;
    case 'ptr': (t.table.ptr[o.key] ??= []).push(o.name); break;
    case 'unptr': delete t.table.ptr[o.key]; break;
    case 'replace': t.items = t.items.filter((x) => x.id % 2 === 0); break;
    case 'sort': t.items.sort((a, b) => a.id - b.id); break;
    case 'move': { const [x] = t.items.splice(o.at, 1); if (x) t.items.unshift({ ...x, id: x.id + 1 }); break; }
  }
}

describe('change tracking (property-based)', () => {
  it('the recorded changes replay to the same state, and rollback restores the original', () => {
    fc.assert(
      fc.property(treeArb, fc.array(opArb, { maxLength: 12 }), (tree, ops) => {
        const original = clone(tree) as Tree;
        const expected = clone(tree) as Tree;
        for (const o of ops) run(expected, o);

        const live = clone(tree) as Tree;
        const tracker = new Tracker(live);
        for (const o of ops) run(tracker.draft as Tree, o);
        tracker.close();
        expect(clone(live)).toEqual(expected);

        const changes = JSON.parse(JSON.stringify(tracker.changes()));
        const replayed = clone(original);
        applyChanges(replayed, changes);
        expect(replayed).toEqual(expected);

        tracker.rollback();
        expect(live).toEqual(original);
      }),
      { numRuns: 300, seed: 6 },
    );
  });
});

describe('file store', () => {
  it('persists transactions as a change log and reads them back after a restart', async () => {
    const file = await tempFile();
    const store = await Store.open(file, seed);
    const snapshotBefore = await readFile(file, 'utf8');
    await store.transact((s) => {
      s.cardholders[0]!.firstName = 'Changed';
      s.sequences.cardholders = 99999;
      s.cardholders.splice(1, 1);
    });
    expect(await readFile(file, 'utf8')).toBe(snapshotBefore);
    expect((await stat(`${file}.log`)).size).toBeGreaterThan(0);

    const reopened = await Store.open(file, seed);
    expect(reopened.state).toEqual(store.state);
    expect(reopened.state.cardholders[0]!.firstName).toBe('Changed');
    // opening folds the log into a new snapshot, and starts an empty log of the same generation
    const { generation, ...snapshot } = JSON.parse(await readFile(file, 'utf8'));
    expect(snapshot).toEqual(store.state);
    expect(await readFile(`${file}.log`, 'utf8')).toBe(`{"generation":${generation}}\n`);
  });

  it('concurrent transactions share writes and all land, in order', async () => {
    const file = await tempFile();
    const store = await Store.open(file, seed);
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.transact((s) => { s.sequences[`k${i % 7}`] = i; })));
    const reopened = await Store.open(file, seed);
    for (let k = 0; k < 7; k++) expect(reopened.state.sequences[`k${k}`]).toBe(Math.max(...Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 7 === k)));
  });

  it('compacts the log into the snapshot once it outgrows the threshold', async () => {
    const file = await tempFile();
    const store = await Store.open(file, seed, { compactAtBytes: 1 });
    const before = JSON.parse(await readFile(file, 'utf8')) as State;
    await store.transact((s) => { s.cardholders[0]!.lastName = 'Compacted'; });
    await store.transact(() => undefined);
    const after = JSON.parse(await readFile(file, 'utf8')) as State;
    expect(before.cardholders[0]!.lastName).not.toBe('Compacted');
    expect(after.cardholders[0]!.lastName).toBe('Compacted');
    expect(await readFile(`${file}.log`, 'utf8')).toBe(`{"generation":${(after as unknown as { generation: number }).generation}}\n`);
  });

  it('a change that throws part-way leaves nothing behind', async () => {
    const file = await tempFile();
    const store = await Store.open(file, seed);
    const before = clone(store.state);
    await expect(store.transact((s) => { s.cardholders.push({ ...s.cardholders[0]!, cardholderId: 1 }); s.sequences.cardholders = 1; throw new Error('rule broken'); })).rejects.toThrow('rule broken');
    expect(store.state).toEqual(before);
  });

  it('a failed write undoes the change in memory and fails every transaction queued behind it', async () => {
    const file = await tempFile();
    const store = await Store.open(file, seed);
    const before = clone(store.state);
    const dataDir = path.dirname(file);
    await rm(dataDir, { recursive: true });
    await writeFile(dataDir, 'not a directory');
    const results = await Promise.allSettled([1, 2, 3].map((n) => store.transact((s) => { s.cardholders[n]!.firstName = `Lost${n}`; s.cardholders.push({ ...s.cardholders[n]!, cardholderId: n }); })));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(store.state).toEqual(before);
  });

  it('a last log line cut off mid-write is dropped; the acknowledged lines before it are kept', async () => {
    const file = await tempFile();
    const store = await Store.open(file, seed);
    await store.transact((s) => { s.cardholders[0]!.city = 'Kept'; });
    await writeFile(`${file}.log`, `${await readFile(`${file}.log`, 'utf8')}[{"p":["cardholders","0"],"v":{"cut`);
    const reopened = await Store.open(file, seed);
    expect(reopened.state.cardholders[0]!.city).toBe('Kept');
  });

  it('a corrupt line inside the log refuses to start and leaves both files untouched', async () => {
    const file = await tempFile();
    const store = await Store.open(file, seed);
    await store.transact((s) => { s.cardholders[0]!.city = 'X'; });
    const [header, ...lines] = (await readFile(`${file}.log`, 'utf8')).split('\n');
    const log = [header, 'not json', ...lines].join('\n');
    await writeFile(`${file}.log`, log);
    const snapshot = await readFile(file, 'utf8');
    const err = await Store.open(file, seed).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreFileError);
    expect((err as Error).message).toContain(`${file}.log`);
    expect((err as Error).message).toMatch(/line 2/);
    expect(await readFile(`${file}.log`, 'utf8')).toBe(log);
    expect(await readFile(file, 'utf8')).toBe(snapshot);
  });
});
