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

/** The first hazard in `text`, or undefined. */
export function scanJson(text: string, maxDepth: number): JsonHazard | undefined {
  // per open container: is it an object; the current key or index (for the message)
  const isObject: boolean[] = [];
  const path: (string | number)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      let escaped = false;
      for (i = start; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      if (!expectKey) continue;
      expectKey = false;
      let key = text.slice(start, i);
      if (escaped) {
        try {
          key = JSON.parse(`"${key}"`) as string;
        } catch {
          continue; // JSON.parse reports the syntax error
        }
      }
      path[path.length - 1] = key;
      if (PROTOTYPE_KEYS.has(key)) return { kind: 'key', key, path: [...path] };
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (isObject.length >= maxDepth) return { kind: 'depth', maxDepth, path: [...path] };
      isObject.push(c === 0x7b);
      path.push(c === 0x7b ? '' : 0);
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      isObject.pop();
      path.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = isObject.length - 1;
      if (top >= 0 && isObject[top]) expectKey = true;
      else if (top >= 0) path[top] = (path[top] as number) + 1;
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
