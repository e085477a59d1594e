import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import YAML from 'yaml';
import { specOperations, type FuzzRequest, type Operation } from './spec-arbitraries.js';

/**
 * Hostile requests for every operation of a spec: a near-valid request (spec-arbitraries) with one
 * or more parts made hostile at the text level, where JSON.stringify could not write them: bodies
 * nested thousands of levels, thousands of keys wide, with __proto__ / constructor / prototype
 * keys, numbers past every range (1e308, 1e309, 9007199254740993, -0); the same edge values in
 * query and path parameters, unknown and prototype-named query parameters, broken percent-encoding.
 */

type Schema = Record<string, any>;

const MARKER = 'HOSTILE_MARKER_7f3a';

const numbers = ['1e308', '-1e308', '1e309', '-1e309', '9007199254740993', '-9007199254740993', '9007199254740992', '2147483648', '99999999999', '100000000000', '-0', '0.5', '5e-324', '1E400', '0', '-1'];

const deep = fc
  .tuple(fc.constantFrom(65, 100, 1_000, 5_000, 20_000, 100_000), fc.boolean())
  .map(([levels, array]) => (array ? `${'['.repeat(levels)}${']'.repeat(levels)}` : `${'{"a":'.repeat(Math.min(levels, 40_000))}1${'}'.repeat(Math.min(levels, 40_000))}`));

const wide = fc
  .tuple(fc.constantFrom(1_000, 5_000, 20_000), fc.boolean())
  .map(([n, array]) => (array ? `[${'0,'.repeat(n - 1)}0]` : `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`));

const prototypeKeyed = fc.constantFrom(
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"a":{"prototype":{"polluted":1}}}',
  '{"\\u005f_proto__":{"polluted":1}}',
  '[{"__proto__":[]}]',
);

const strings = fc.constantFrom('"\\u0000"', '"\\ud800"', `"${'x'.repeat(10_000)}"`, '"1e309"', '"Infinity"', '"NaN"', '"__proto__"', '""', 'null', 'true', '[]', '{}');

/** A JSON text fragment a well-behaved client would never send. */
export const hostileFragment: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...numbers) },
  { weight: 2, arbitrary: deep },
  { weight: 1, arbitrary: wide },
  { weight: 3, arbitrary: prototypeKeyed },
  { weight: 2, arbitrary: strings },
);

/** Query and path values, raw (already as they go on the wire). */
const hostileParam = fc.oneof(
  fc.constantFrom(...numbers, 'Infinity', '-Infinity', 'NaN', '0x1F', '1e2', ' 5', '', '__proto__', 'constructor', '%E0%A4%A', '%00', '%FF', '[]', '{}', 'a'.repeat(3_000)).map((v) =>
    v.startsWith('%') ? v : encodeURIComponent(v),
  ),
  fc.string({ maxLength: 8 }).map(encodeURIComponent),
);

const hostileQueryName = fc.constantFrom('__proto__', 'constructor', 'prototype', 'limit[__proto__]', 'a[b][c]', '__proto__[polluted]', 'x');

interface SpecShape {
  pathParams: string[];
  queryParams: string[];
  /** body paths whose schema takes any object (`additionalProperties: true`): where a hostile value is stored as sent */
  freeForm: string[][];
}

function freeFormPaths(schema: Schema | undefined, deref: (s: Schema) => Schema, prefix: string[] = []): string[][] {
  if (!schema || prefix.length > 3) return [];
  const s = deref(schema);
  if (s.type === 'object' && s.additionalProperties === true && !s.properties) return [prefix];
  const nested = [...(s.oneOf ?? []), ...(s.allOf ?? []), ...(s.anyOf ?? [])].flatMap((x: Schema) => freeFormPaths(x, deref, prefix));
  return nested.concat(Object.entries((s.properties ?? {}) as Record<string, Schema>).flatMap(([k, v]) => freeFormPaths(v, deref, [...prefix, k])));
}

function shapes(specPath: string): Map<string, SpecShape> {
  const spec = YAML.parse(readFileSync(specPath, 'utf8')) as Schema;
  const deref = (s: Schema) => (s.$ref ? (s.$ref as string).slice(2).split('/').reduce((n: Schema, k: string) => n[k], spec) : s);
  const out = new Map<string, SpecShape>();
  for (const item of Object.values(spec.paths as Record<string, Schema>)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method] as Schema | undefined;
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref);
      out.set(op.operationId as string, {
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name as string),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name as string),
        freeForm: freeFormPaths(deref(op.requestBody ?? {})?.content?.['application/json']?.schema, deref),
      });
    }
  }
  return out;
}

/** Every key path of a parsed body down to `depth` levels (objects only). */
function keyPaths(value: unknown, depth: number, prefix: string[] = []): string[][] {
  if (depth === 0 || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.keys(value).flatMap((k) => [[...prefix, k], ...keyPaths((value as Record<string, unknown>)[k], depth - 1, [...prefix, k])]);
}

/** The body text with one value (or a new key) replaced by `fragment`, written as is. */
function inject(body: string, fragment: string, pick: number, mode: 'value' | 'top' | 'proto' | 'freeForm', freeForm: string[][]): string {
  if (mode === 'top') return fragment;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fragment;
  if (mode === 'proto') {
    const key = ['__proto__', 'constructor', 'prototype'][pick % 3];
    return body.replace(/^\s*\{/, `{"${key}":${fragment},`).replace(/,\}$/, '}');
  }
  const paths = keyPaths(parsed, 3);
  const target =
    mode === 'freeForm' && freeForm.length ? freeForm[pick % freeForm.length]!
    : paths.length && pick % 4 !== 0 ? paths[pick % paths.length]!
    : ['hostileExtra'];
  let node = parsed as Record<string, unknown>;
  for (const k of target.slice(0, -1)) {
    if (node[k] === null || typeof node[k] !== 'object') node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[target.at(-1)!] = MARKER;
  return JSON.stringify(parsed).replace(`"${MARKER}"`, fragment);
}

export function hostileOperations(specPath: string, knownIds: number[]): Operation[] {
  const shape = shapes(specPath);
  return specOperations(specPath, knownIds).map((op) => {
    const { pathParams, queryParams, freeForm } = shape.get(op.operationId)!;
    const templateSegments = op.template.split('/');
    const request = fc
      .record({
        base: op.request,
        fragment: hostileFragment,
        bodyMode: fc.constantFrom(...(['value', 'value', 'top', 'proto', 'none'] as const), ...(freeForm.length ? (['freeForm', 'freeForm', 'freeForm'] as const) : [])),
        pick: fc.nat(),
        pathParam: pathParams.length ? fc.option(hostileParam, { freq: 2 }) : fc.constant(null),
        query: fc.option(fc.tuple(fc.oneof(queryParams.length ? fc.constantFrom(...queryParams) : hostileQueryName, hostileQueryName), hostileParam), { freq: 4 }),
        idempotencyKey: fc.option(fc.stringMatching(/^[a-z0-9-]{8,20}$/), { freq: 3 }),
      })
      .map(({ base, fragment, bodyMode, pick, pathParam, query, idempotencyKey }): FuzzRequest => {
        const [pathPart, search = ''] = base.path.split('?');
        const segments = pathPart!.split('/');
        if (pathParam !== null) {
          const at = templateSegments.indexOf(`{${pathParams[pick % pathParams.length]}}`);
          if (at >= 0) segments[at] = pathParam;
        }
        const pairs = search ? search.split('&') : [];
        if (query) pairs.push(`${encodeURIComponent(query[0])}=${query[1]}`);
        const path = segments.join('/') + (pairs.length ? `?${pairs.join('&')}` : '');
        const headers: Record<string, string> = { ...base.headers };
        if (idempotencyKey && base.method !== 'GET') headers['Idempotency-Key'] = idempotencyKey;
        let body = base.body;
        if (body !== undefined && bodyMode !== 'none') body = inject(body, fragment, pick, bodyMode, freeForm);
        return { method: base.method, path, headers, body };
      });
    return { ...op, request };
  });
}
