import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { controlSpecPath, platformSpecPath } from '../src/paths.js';
import { apiClient, controlClient } from './helpers/client.js';
import { useMock } from './helpers/mock.js';

/** Every number in a query of either spec: `1e309`, `Infinity`, `-Infinity` are a 400 that names it, never a 200 with `null`. */

const mock = useMock();

type Schema = Record<string, any>;

/** [method, path with ids filled in, query parameter name] for every integer/number query parameter of a spec. */
function numericQueryParams(specPath: string): [string, string, string][] {
  const spec = YAML.parse(readFileSync(specPath, 'utf8')) as Schema;
  const deref = (s: Schema) => (s.$ref ? (s.$ref as string).slice(2).split('/').reduce((n: Schema, k: string) => n[k], spec) : s);
  const out: [string, string, string][] = [];
  for (const [template, item] of Object.entries(spec.paths as Record<string, Schema>)) {
    for (const method of ['get', 'post', 'put', 'delete']) {
      const op = item[method] as Schema | undefined;
      if (!op) continue;
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref)) {
        const type = deref(p.schema ?? {}).type;
        if (p.in === 'query' && (type === 'integer' || type === 'number')) out.push([method.toUpperCase(), template.replace(/\{\w+\}/g, '1'), p.name as string]);
      }
    }
  }
  return out;
}

const platform = numericQueryParams(platformSpecPath);
const control = numericQueryParams(controlSpecPath);

describe('query numbers that are not finite', () => {
  it('the specs have such parameters (limit, offset, before, after, ...)', () => {
    expect(platform.map(([, , name]) => name)).toEqual(expect.arrayContaining(['limit', 'offset']));
    expect(control.map(([, , name]) => name)).toContain('limit');
  });

  it.each(platform)('platform %s %s?%s=', async (method, path, name) => {
    for (const value of ['1e309', 'Infinity', '-Infinity']) {
      const before = JSON.stringify(mock().store.state);
      const res = await apiClient(mock()).request(method, `${path}?${name}=${value}`, method === 'GET' || method === 'DELETE' ? {} : { body: {} });
      expect(res.status, `${name}=${value}: ${res.text}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${name}=${value}: ${res.text}`).toBeLessThan(500);
      expect(res.body.errors, `${name}=${value}`).toContainEqual({ field: `query.${name}`, message: expect.any(String) });
      expect(JSON.stringify(mock().store.state)).toBe(before);
    }
  });

  it.each(control)('control %s %s?%s=', async (method, path, name) => {
    for (const value of ['1e309', 'Infinity', '-Infinity']) {
      const res = await controlClient(mock()).call(method, `${path}?${name}=${value}`, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(res.status, `${name}=${value}: ${res.text}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${name}=${value}: ${res.text}`).toBeLessThan(500);
      expect(res.body.errors, `${name}=${value}`).toContainEqual({ field: `query.${name}`, message: expect.any(String) });
    }
  });

  it('the message says how to write it', async () => {
    const res = await apiClient(mock()).get('/v2/cardholders?limit=1e309');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      status: 'error',
      message: 'The query has a number that is not finite (query.limit): write numbers in digits within the documented range.',
      errors: [{ field: 'query.limit', message: 'must be a finite number written in digits (e.g. 50)' }],
    });
    expect((await apiClient(mock()).get('/v2/cardholders?limit=2')).body.limit).toBe(2);
  });
});
