import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import YAML from 'yaml';

/** Requests for every operation of an OpenAPI 3.0 spec, mostly near-valid, sometimes plain garbage. */

type Schema = Record<string, any>;

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** raw body text */
  body?: string;
}

export interface Operation {
  method: string;
  template: string;
  operationId: string;
  request: fc.Arbitrary<FuzzRequest>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function specOperations(specPath: string, knownIds: number[]): Operation[] {
  const spec = YAML.parse(readFileSync(specPath, 'utf8')) as Schema;
  const deref = (s: Schema | undefined): Schema | undefined => {
    let out = s;
    while (out?.$ref) out = (out.$ref as string).slice(2).split('/').reduce((node: Schema, key: string) => node[key], spec);
    return out;
  };

  const idArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...knownIds) }, { weight: 1, arbitrary: fc.integer({ min: -5, max: 2 ** 31 }) });

  function nearValid(schema: Schema, depth: number): fc.Arbitrary<unknown> {
    const s = deref(schema)!;
    if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
    switch (s.type) {
      case 'integer':
        return fc.oneof({ weight: 4, arbitrary: idArb }, { weight: 1, arbitrary: fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 10_000_000 }) }, { weight: 1, arbitrary: fc.integer() });
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'string': {
        const min = s.minLength ?? 0;
        const max = s.maxLength ?? Math.max(min, 30);
        const valid =
          s.format === 'date' ? fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
          : s.format === 'date-time' ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
          : s.format === 'email' ? fc.emailAddress().filter((e) => e.length <= max)
          : s.format === 'uri' ? fc.webUrl()
          : s.pattern ? fc.stringMatching(new RegExp(s.pattern as string)).filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity))
          : fc.string({ minLength: min, maxLength: max });
        return fc.oneof({ weight: 20, arbitrary: valid }, { weight: 1, arbitrary: fc.string({ maxLength: max + 2 }) });
      }
      case 'array':
        return depth > 3 ? fc.constant([]) : fc.array(value(s.items ?? {}, depth + 1), { maxLength: 3 });
      default: {
        if (depth > 3) return fc.constant({});
        const props = (s.properties ?? {}) as Record<string, Schema>;
        const shape = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, value(v, depth + 1)]));
        const required = ((s.required ?? []) as string[]).filter((k) => k in shape);
        // required fields kept most of the time, so requests get past validation to the operation
        const body = fc.oneof({ weight: 4, arbitrary: fc.record(shape, { requiredKeys: required }) }, { weight: 1, arbitrary: fc.record(shape, { requiredKeys: [] }) });
        return fc.tuple(body, fc.nat(9)).map(([r, extra]) => (extra === 0 ? { ...r, unexpectedField: 'x' } : r));
      }
    }
  }

  function value(schema: Schema, depth: number): fc.Arbitrary<unknown> {
    const s = deref(schema)!;
    return fc.oneof(
      { weight: 100, arbitrary: nearValid(s, depth) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
      { weight: s.nullable ? 2 : 1, arbitrary: fc.constant(null) },
    );
  }

  const paramText = (schema: Schema) =>
    fc.oneof({ weight: 6, arbitrary: nearValid(schema, 0).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });

  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(spec.paths as Record<string, Schema>)) {
    for (const method of METHODS) {
      const op = item[method] as Schema | undefined;
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: Schema) => deref(p)!);
      const pathParams = params.filter((p) => p.in === 'path');
      const query = params.filter((p) => p.in === 'query');
      const headers = params.filter((p) => p.in === 'header');
      const bodySchema = deref(op.requestBody)?.content?.['application/json']?.schema as Schema | undefined;

      const request = fc
        .record({
          path: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, paramText(p.schema)]))),
          query: fc.record(Object.fromEntries(query.map((p) => [p.name, paramText(p.schema)])), { requiredKeys: [] }),
          unknownQuery: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 5 }) }),
          headers: fc.record(Object.fromEntries(headers.map((p) => [p.name, paramText(p.schema)])), { requiredKeys: [] }),
          body: bodySchema
            ? fc.oneof(
                { weight: 12, arbitrary: value(bodySchema, 0).map((b) => JSON.stringify(b)) },
                { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
              )
            : fc.constant(undefined),
        })
        .map(({ path: p, query: q, unknownQuery, headers: h, body }) => {
          const concrete = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(String((p as Record<string, unknown>)[name])));
          const search = new URLSearchParams(q as Record<string, string>);
          if (unknownQuery) search.set(unknownQuery, '1');
          const qs = search.toString();
          const sendHeaders: Record<string, string> = {};
          for (const [k, v] of Object.entries(h as Record<string, string>)) sendHeaders[k] = v.replace(/[^\x20-\x7e]/g, '');
          if (body !== undefined) sendHeaders['Content-Type'] = 'application/json';
          return { method: method.toUpperCase(), path: qs ? `${concrete}?${qs}` : concrete, headers: sendHeaders, body };
        });
      operations.push({ method: method.toUpperCase(), template, operationId: op.operationId as string, request });
    }
  }
  return operations;
}
