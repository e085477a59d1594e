import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMock } from '../src/mock.js';
import { loadFixtures } from '../src/store/fixtures.js';
import type { State } from '../src/store/state.js';
import { Store, StoreFileError } from '../src/store/store.js';
import { apiClient, controlClient } from './helpers/client.js';
import { useTempDir } from './helpers/temp-dir.js';

/**
 * No file the mock reads (data file, change log, fixtures) can reach an object's prototype (issue 12
 * item 3): a key __proto__, constructor or prototype is refused on read with a message naming where,
 * the files are left untouched, and nothing in the process is polluted.
 */

const dir = useTempDir('axys-prototype-');
let fixtures: State;
beforeAll(async () => {
  fixtures = await loadFixtures('default');
});
afterEach(() => {
  // a failure must not leak into the next case
  delete (Object.prototype as Record<string, unknown>).polluted;
});

let n = 0;
const dataFile = () => path.join(dir(), `case-${++n}`, 'db.json');
const open = (file: string) => Store.open(file, async () => structuredClone(fixtures));
const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as Error);

/** A data file with its (empty) change log, written by the store itself, then closed. */
async function dataFolder(): Promise<string> {
  const file = dataFile();
  await mkdir(path.dirname(file), { recursive: true });
  const store = await open(file);
  await store.close();
  return file;
}

describe('change-log lines', () => {
  it.each([
    ['["__proto__", "polluted"]', '[{"p":["__proto__","polluted"],"v":1}]', 'line 2: the change to __proto__.polluted names "__proto__", a key that reaches a prototype'],
    ['["cards", "__proto__"]', '[{"p":["cards","__proto__"],"v":{"polluted":1}}]', 'line 2: the change to cards.__proto__ names "__proto__", a key that reaches a prototype'],
    ['a value with __proto__', '[{"p":["faults","0"],"v":{"id":"x","__proto__":{"polluted":1}}}]', 'line 2: it has the key "__proto__" at 0.v.__proto__'],
    ['constructor.prototype', '[{"p":["constructor","prototype"],"v":{"polluted":1}}]', 'line 2: the change to constructor.prototype names "constructor", a key that reaches a prototype'],
  ])('a line touching %s: the start is refused naming the line, files untouched, nothing polluted', async (_what, line, message) => {
    const file = await dataFolder();
    await appendFile(`${file}.log`, `${line}\n`);
    const [data, log] = await Promise.all([readFile(file, 'utf8'), readFile(`${file}.log`, 'utf8')]);
    const err = await refusal(open(file));
    expect(err).toBeInstanceOf(StoreFileError);
    expect(err!.message).toContain(`The change log ${file}.log of the data file ${file} is unreadable: ${message}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect([].find).toBe(Array.prototype.find);
    expect(await readFile(file, 'utf8')).toBe(data);
    expect(await readFile(`${file}.log`, 'utf8')).toBe(log);
  });

  it('a line whose result is no valid state (cards replaced by a number) is refused too', async () => {
    const file = await dataFolder();
    await appendFile(`${file}.log`, '[{"p":["cards"],"v":5}]\n');
    const err = await refusal(open(file));
    expect(err).toBeInstanceOf(StoreFileError);
    expect(err!.message).toMatch(/is unreadable: replayed over the data file, it gives no valid axys-mock state: cards must be array/);
  });

  it('the whole mock: a poisoned log refuses the start instead of answering 500 to every request', async () => {
    const file = await dataFolder();
    await appendFile(`${file}.log`, '[{"p":["cards","__proto__"],"v":{"polluted":1}}]\n');
    const err = await refusal(startMock({ dataFile: file }));
    expect(err!.message).toMatch(/unreadable: line 2: the change to cards\.__proto__ names "__proto__"/);
    // the same data without the line starts and serves
    await writeFile(`${file}.log`, (await readFile(`${file}.log`, 'utf8')).split('\n').slice(0, 1).join('\n') + '\n');
    const mock = await startMock({ dataFile: file });
    try {
      expect((await apiClient(mock).get('/v2/cards')).status).toBe(200);
    } finally {
      await mock.close();
    }
  });
});

describe('the data file', () => {
  it('a fault rule body with __proto__ (the schema lets any body through): refused at start, naming where', async () => {
    const file = dataFile();
    await mkdir(path.dirname(file), { recursive: true });
    const state = structuredClone(fixtures);
    const text = JSON.stringify({
      ...state,
      faults: [{ id: 'p', match: {}, fault: { type: 'status', status: 503, body: { note: 'x' } }, probability: 1, seed: 1, times: null, skip: 0, ttlSeconds: null, createdAt: 0, expiresAt: null }],
    }).replace('"note":"x"', '"__proto__":{"polluted":1}');
    await writeFile(file, text);
    const err = await refusal(open(file));
    expect(err).toBeInstanceOf(StoreFileError);
    expect(err!.message).toContain(`The data file ${file} is unreadable: it has the key "__proto__" at faults.0.fault.body.__proto__`);
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});

describe('fixtures files', () => {
  it('a fixtures file with a prototype key: the reset is a 422 naming it, nothing changed, the mock serves on', async () => {
    const file = path.join(dir(), 'team.json');
    await writeFile(file, JSON.stringify(fixtures));
    const mock = await startMock({ fixtures: file });
    try {
      const control = controlClient(mock);
      const before = (await control.get('/_mock/state')).text;
      await writeFile(file, JSON.stringify(fixtures).replace('"cardholders":[{', '"cardholders":[{"constructor":{"prototype":{"polluted":1}},'));
      const res = await control.post('/_mock/reset');
      expect(res.status).toBe(422);
      expect(res.body.message).toBe(
        `Fixtures file ${file} is not a usable axys-mock state: it has the key "constructor" at cardholders.0.constructor, which could reach an object's prototype (__proto__, constructor and prototype are never keys of the mock's data). Nothing changed.`,
      );
      expect((await control.get('/_mock/state')).text).toBe(before);
      expect((await apiClient(mock).get('/v2/cardholders')).status).toBe(200);
    } finally {
      await mock.close();
    }
  });
});
