import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fixturesDir } from '../paths.js';
import type { State } from './state.js';

export class FixturesError extends Error {}

/**
 * A fixture set by name (a file in fixtures/) or by path to a JSON file, read anew every call (a
 * reset after editing the file loads the edit) and returned as a fresh copy.
 */
export async function loadFixtures(nameOrPath: string): Promise<State> {
  const file = /[\\/]|\.json$/.test(nameOrPath) ? path.resolve(nameOrPath) : path.join(fixturesDir, `${nameOrPath}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new FixturesError(`Fixtures "${nameOrPath}" not found: could not read ${file} (${(e as NodeJS.ErrnoException).code}). Use a name from fixtures/ or a path to a JSON file.`);
  }
  try {
    return JSON.parse(text) as State;
  } catch (e) {
    throw new FixturesError(`Fixtures file ${file} is not valid JSON: ${(e as Error).message}`);
  }
}
