/**
 * One pass over JSON text, no recursion, before anything parses it: how deep objects and arrays
 * nest, and whether a key could reach an object's prototype (`__proto__`, `constructor`,
 * `prototype`, also when spelled with escapes). Syntax is left to JSON.parse. Used for request
 * bodies and for every file the mock reads (data file, change log, fixtures).
 */

/** Keys that reach an object's prototype through assignment, spreading or merging. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type JsonHazard =
  | { kind: 'depth'; maxDepth: number; path: (string | number)[] }
  | { kind: 'key'; key: string; path: (string | number)[] };

/** `['a', 0, 'b']` -> `a.0.b` */
export function jsonPath(path: (string | number)[]): string {
  return path.join('.');
}

/** A key's text between its quotes, unescaped (left as written when the escapes are broken: JSON.parse reports those). */
function keyText(text: string, start: number, end: number, escaped: boolean): string {
  const raw = text.slice(start, end);
  if (!escaped) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** The first hazard in `text`, or undefined. */
export function scanJson(text: string, maxDepth: number): JsonHazard | undefined {
  // per open container: an array's current index, or -1 for an object with its current key's bounds
  const index: number[] = [];
  const keyStart: number[] = [];
  const keyEnd: number[] = [];
  const keyEscaped: boolean[] = [];
  const pathHere = (): (string | number)[] =>
    index.map((n, d) => (n >= 0 ? n : keyText(text, keyStart[d]!, keyEnd[d]!, keyEscaped[d]!)));
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      // the closing quote: the next one not escaped by an odd run of backslashes
      for (i = text.indexOf('"', start); i >= 0; i = text.indexOf('"', i + 1)) {
        let backslashes = 0;
        while (text.charCodeAt(i - 1 - backslashes) === 0x5c /* \ */) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      if (i < 0) return undefined; // unterminated: JSON.parse reports it
      if (!expectKey) continue;
      expectKey = false;
      let escaped = false;
      for (let k = start; k < i && !escaped; k++) escaped = text.charCodeAt(k) === 0x5c;
      const top = index.length - 1;
      keyStart[top] = start;
      keyEnd[top] = i;
      keyEscaped[top] = escaped;
      // only keys as long as __proto__, prototype or constructor (or escaped ones) can be one of them
      const length = i - start;
      if (!escaped && length !== 9 && length !== 11) continue;
      const key = keyText(text, start, i, escaped);
      if (PROTOTYPE_KEYS.has(key)) return { kind: 'key', key, path: pathHere() };
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (index.length >= maxDepth) return { kind: 'depth', maxDepth, path: pathHere() };
      index.push(c === 0x7b ? -1 : 0);
      keyStart.push(0);
      keyEnd.push(0);
      keyEscaped.push(false);
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      index.pop();
      keyStart.pop();
      keyEnd.pop();
      keyEscaped.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = index.length - 1;
      if (top < 0) continue;
      if (index[top]! < 0) expectKey = true;
      else index[top]!++;
    }
  }
  return undefined;
}

/** Deep enough for any state the mock writes (request bodies are bounded at 64), shallow enough for every recursive reader. */
export const MAX_FILE_DEPTH = 256;

/** A hazard in a file, in words (without the file's other content). */
export function describeHazard(hazard: JsonHazard): string {
  const at = hazard.path.length ? ` at ${jsonPath(hazard.path)}` : '';
  return hazard.kind === 'key'
    ? `it has the key "${hazard.key}"${at}, which could reach an object's prototype (__proto__, constructor and prototype are never keys of the mock's data)`
    : `it nests objects and arrays deeper than ${hazard.maxDepth} levels${at}`;
}
