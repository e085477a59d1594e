import { readFileSync } from 'node:fs';
import https from 'node:https';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { platformSpecPath } from '../src/paths.js';
import { fixtureKeys } from './helpers/data.js';
import { useMock } from './helpers/mock.js';
import { specOperations, type FuzzRequest } from './helpers/spec-arbitraries.js';

/**
 * Property-based fuzzing of every operation in openapi/platform.yaml (new endpoints are covered as
 * they are specified): bodies, query and path parameters, mostly near-valid so requests reach the
 * operations. Without an injected fault the mock never answers 5xx (responses are validated against
 * the spec too), and a rejected request (4xx) leaves the state exactly as it was.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const mock = useMock();
let agent: https.Agent | undefined;
afterAll(() => agent?.destroy());

function send(req: FuzzRequest): Promise<{ status: number; text: string }> {
  const m = mock();
  const client = m.certs.clients.get(1)!;
  agent ??= new https.Agent({ keepAlive: true, maxSockets: 1, ca: m.certs.ca.certPem, cert: client.certPem, key: client.keyPem });
  const url = new URL(m.apiUrl);
  return new Promise((resolve, reject) => {
    const r = https.request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, agent, headers: { 'X-API-Key': fixtureKeys.staging, ...req.headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

const knownIds = [1, 2, 3, 7001, 10001, 10003, 10004, 10005, 10006, 10008, 10009, 10013];
const operations = specOperations(platformSpecPath, knownIds);

describe('fuzzing every operation of the platform spec', () => {
  it('derives every operation from the spec', () => {
    const operationIds = [...readFileSync(platformSpecPath, 'utf8').matchAll(/^\s+operationId: (\w+)$/gm)].map((m) => m[1]);
    expect(operations.map((op) => op.operationId).sort()).toEqual(operationIds.sort());
  });

  it.each(operations.map((op) => [`${op.method} ${op.template}`, op] as const))('%s: never a 5xx, and a rejected request changes nothing', async (_name, op) => {
    await fc.assert(
      fc.asyncProperty(op.request, async (req) => {
        const before = JSON.stringify(mock().store.state);
        const res = await send(req);
        expect(res.status, `${req.method} ${req.path} ${req.body ?? ''} -> ${res.status} ${res.text}`).toBeLessThan(500);
        if (res.status >= 400) expect(JSON.stringify(mock().store.state), `${req.method} ${req.path} ${req.body ?? ''} -> ${res.status} changed the state`).toBe(before);
      }),
      { numRuns: RUNS, seed: 6 },
    );
  });
});
