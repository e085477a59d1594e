import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FieldError } from '../http/errors.js';
import { describeHazard, MAX_FILE_DEPTH, scanJson } from '../json-scan.js';
import { fixturesDir } from '../paths.js';
import { checkState, jsonErrorPlace } from './state-check.js';
import { placeFixtureHistory } from './fixture-dates.js';
import type { State, StateFile } from './state.js';

export class FixturesError extends Error {
  constructor(
    message: string,
    /** 404: no such fixtures; 422: the file is not a usable state */
    readonly status: 404 | 422,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** A fixtures name: a file name in fixtures/ without a folder (".json" may be left out). */
const FIXTURES_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** The fixture sets in fixtures/, by name. */
export async function fixtureNames(): Promise<string[]> {
  const files = await readdir(fixturesDir).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
}

/** Whether a fixtures setting is a path to a file (only allowed at start) rather than the name of a set in fixtures/. */
function isPath(nameOrPath: string, allowPath: boolean): boolean {
  return allowPath && /[\\/]/.test(nameOrPath);
}

/**
 * The file a fixtures setting names. `allowPath`: the start-up setting (--fixtures / FIXTURES), which
 * may be a path to any JSON file; from the control plane only a name of a file in fixtures/ is taken.
 */
async function fixturesFile(nameOrPath: string, allowPath: boolean): Promise<string> {
  if (isPath(nameOrPath, allowPath)) return path.resolve(nameOrPath);
  const name = nameOrPath.replace(/\.json$/, '');
  if (!FIXTURES_NAME.test(name) || name.includes('..')) {
    throw new FixturesError(
      `Fixtures "${nameOrPath}" is not a fixtures name: name a file in the fixtures folder (${(await fixtureNames()).join(', ')}), without a folder. ` +
        'A fixtures file elsewhere can only be set at start (--fixtures <path> or FIXTURES).',
      422,
      [{ field: 'fixtures', message: 'must be the name of a file in the fixtures folder' }],
    );
  }
  return path.join(fixturesDir, `${name}.json`);
}

/**
 * A fixture set by name (a file in fixtures/) or, with `allowPath`, by path to a JSON file, read anew
 * every call (a reset after editing the file loads the edit), checked like PUT /_mock/state, and
 * returned as a fresh copy. A data file (db.json) serves as fixtures too: its generation is dropped.
 * Given `now` (the mock's clock, Unix seconds), a named set's history is placed in the week before it
 * (placeFixtureHistory); a file given by path is taken as it is. Errors never quote the file: it may be anything.
 */
export async function loadFixtures(nameOrPath: string, { allowPath = true, now }: { allowPath?: boolean; now?: number } = {}): Promise<State> {
  const file = await fixturesFile(nameOrPath, allowPath);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const names = (await fixtureNames()).join(', ');
    throw new FixturesError(
      `Fixtures "${nameOrPath}" not found: could not read ${file} (${(e as NodeJS.ErrnoException).code}). Fixtures names: ${names}.`,
      404,
      [{ field: 'fixtures', message: 'unknown or unreadable fixtures' }],
    );
  }
  const hazard = scanJson(text, MAX_FILE_DEPTH);
  if (hazard) {
    throw new FixturesError(`Fixtures file ${file} is not a usable axys-mock state: ${describeHazard(hazard)}. Nothing changed.`, 422, [
      { field: 'fixtures', message: hazard.kind === 'key' ? `has the key "${hazard.key}"` : `nests deeper than ${hazard.maxDepth} levels` },
    ]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new FixturesError(`Fixtures file ${file} is not valid JSON (${jsonErrorPlace(e)}). Nothing changed.`, 422, [{ field: 'fixtures', message: 'not valid JSON' }]);
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) delete (parsed as { generation?: unknown }).generation;
  const problems = checkState(parsed);
  if (problems.length) {
    throw new FixturesError(`Fixtures file ${file} is not a valid axys-mock state (checked as PUT /_mock/state checks an import): see errors[]. Nothing changed.`, 422, problems);
  }
  if (now !== undefined && !isPath(nameOrPath, allowPath)) placeFixtureHistory(parsed as StateFile, now);
  return parsed as State;
}
