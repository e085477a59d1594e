import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { platformOperationTable } from '../src/platform/app.js';
import type { PlatformDeps } from '../src/platform/deps.js';
import { platformSpecPath } from '../src/paths.js';

// The platform's routes come from openapi/platform.yaml (src/http/spec-router.ts); an operation of the
// spec without a handler would answer 405 and one without a spec entry would never be reached.
describe('the platform operation table', () => {
  it('has a handler for every operation of openapi/platform.yaml, and nothing else', () => {
    const spec = YAML.parse(readFileSync(platformSpecPath, 'utf8')) as { paths: Record<string, Record<string, { operationId?: string }>> };
    const inSpec = Object.values(spec.paths).flatMap((item) => ['get', 'post', 'put', 'patch', 'delete'].flatMap((m) => (item[m]?.operationId ? [item[m].operationId] : [])));
    // the factories only keep their dependencies; none is used until a request runs
    const table = platformOperationTable({} as PlatformDeps);
    expect(inSpec.length).toBeGreaterThan(30);
    expect([...table.keys()].sort()).toEqual([...inSpec].sort());
  });
});
