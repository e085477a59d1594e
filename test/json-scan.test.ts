import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROTOTYPE_KEYS, scanJson } from '../src/json-scan.js';

/**
 * The iterative scan (src/json-scan.ts) against an independent oracle: random JSON trees written
 * as text by hand (keys escaped or not, strings full of brackets, quotes and backslashes), whose
 * depth and prototype keys are computed recursively on the tree itself.
 */

type Tree = { leaf: string } | { array: Tree[] } | { object: [key: string, escape: boolean, value: Tree][] };

const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'a', 'b"c', '\\', '}{][', '__proto_', 'constructors'), fc.string({ maxLength: 12 }));
const leaf = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"\\\\"', '"\\""', '"{[\\"]}"', '"__proto__"', '1', '-0.5e3', 'true', 'null'),
);

const tree = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf.map((l) => ({ leaf: l })),
    fc.array(tie('tree'), { maxLength: 4 }).map((array) => ({ array })),
    fc.array(fc.tuple(key, fc.boolean(), tie('tree')), { maxLength: 4 }).map((object) => ({ object })),
  ),
})).tree;

/** Every character as \uXXXX: the same key, spelled so that no plain-text search finds it. */
const escapedKey = (k: string) => `"${[...k].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;

function text(t: Tree): string {
  if ('leaf' in t) return t.leaf;
  if ('array' in t) return `[${t.array.map(text).join(',')}]`;
  return `{${t.object.map(([k, escape, v]) => `${escape ? escapedKey(k) : JSON.stringify(k)}:${text(v)}`).join(',')}}`;
}

function depth(t: Tree): number {
  if ('leaf' in t) return 0;
  const inner = 'array' in t ? t.array : t.object.map(([, , v]) => v);
  return 1 + Math.max(0, ...inner.map(depth));
}

/** The first prototype key in document order. */
function firstPrototypeKey(t: Tree): string | undefined {
  if ('leaf' in t) return undefined;
  if ('array' in t) {
    for (const item of t.array) {
      const found = firstPrototypeKey(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [k, , v] of t.object) {
    if (PROTOTYPE_KEYS.has(k)) return k;
    const found = firstPrototypeKey(v);
    if (found !== undefined) return found;
  }
  return undefined;
}

describe('scanJson', () => {
  it('the texts are JSON', () => {
    fc.assert(fc.property(tree, (t) => void JSON.parse(text(t))), { numRuns: 300, seed: 3 });
  });

  it('finds the first prototype key, escaped or not, and nothing else', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const hazard = scanJson(text(t), 10_000);
        const expected = firstPrototypeKey(t);
        expect(hazard?.kind === 'key' ? hazard.key : undefined).toBe(expected);
      }),
      { numRuns: 1_000, seed: 4 },
    );
  });

  it('refuses exactly the texts nested deeper than the bound', () => {
    fc.assert(
      fc.property(tree, fc.integer({ min: 0, max: 6 }), (t, bound) => {
        fc.pre(firstPrototypeKey(t) === undefined);
        expect(scanJson(text(t), bound)?.kind === 'depth').toBe(depth(t) > bound);
      }),
      { numRuns: 1_000, seed: 5 },
    );
  });

  it('names where, and copes with a million levels without recursion', () => {
    expect(scanJson('{"a":[1,{"b":{"constructor":1}}]}', 64)).toEqual({ kind: 'key', key: 'constructor', path: ['a', 1, 'b', 'constructor'] });
    expect(scanJson('{"a":[[[[1]]]]}', 3)).toEqual({ kind: 'depth', maxDepth: 3, path: ['a', 0, 0] });
    expect(scanJson(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`, 64)).toMatchObject({ kind: 'depth', maxDepth: 64 });
  });
});
