import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specRouter } from '../src/http/spec-router.js';
import { loadSpecValidator } from '../src/http/validator.js';
import { platformSpecPath } from '../src/paths.js';
import { hostileOperations } from './helpers/hostile-arbitraries.js';
import { specOperations, type FuzzRequest } from './helpers/spec-arbitraries.js';

/**
 * The mock calls eov's compiled validators directly for requests whose parameters eov would leave as
 * they are (src/http/validator.ts). The oracle is eov's own middleware, as a user would mount it: every
 * operation of the platform spec, near-valid and hostile requests, each sent to the mock's validator
 * twice (the first builds eov's validators, the second takes the direct way) and once to eov. Same
 * verdict, same coerced parameters, headers and body, same error text.
 */
const require = createRequire(import.meta.url);
const eov = require('express-openapi-validator') as { middleware(options: object): express.RequestHandler[] };

const RUNS = Number(process.env.VALIDATOR_DIRECT_RUNS ?? 12);
const ids = [1, 2, 3, 7001, 10001, 20001, 3001];

interface Verdict {
  status: number;
  params?: unknown;
  query?: unknown;
  body?: unknown;
  idempotencyKey?: unknown;
  message?: string;
  errors?: unknown;
}

// eov keeps the path's parameters on req.openapi (Express gives a later app.use layer its own, empty, req.params)
const echo = (req: Request, res: Response) =>
  res.json({ status: 200, params: { ...((req as Request & { openapi?: { pathParams: object } }).openapi?.pathParams ?? req.params) }, query: { ...(req.query as object) }, body: req.body as unknown, idempotencyKey: req.headers['idempotency-key'] ?? null } satisfies Verdict);
const refusal: ErrorRequestHandler = (err: { status?: number; message: string; errors?: unknown }, _req, res, _next) => {
  res.json({ status: err.status ?? 500, message: err.message, errors: err.errors ?? null } satisfies Verdict);
};

function listen(app: Express): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = http.createServer(app).listen(0, '127.0.0.1', () => resolve(server));
  });
}

const servers: http.Server[] = [];
let ours = '';
let theirs = '';
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

beforeAll(async () => {
  const spec = await loadSpecValidator(platformSpecPath, false);
  const mock = express();
  mock.use(express.json({ strict: false }));
  mock.use(specRouter(spec, false, () => (_route, req, res) => echo(req, res)));
  mock.use(refusal);

  const stock = express();
  stock.use(express.json({ strict: false }));
  stock.use(
    ...eov.middleware({
      apiSpec: platformSpecPath,
      validateRequests: { allErrors: true, allowUnknownQueryParameters: false },
      validateResponses: false,
      validateSecurity: false,
      validateFormats: true,
      validateApiSpec: false,
    }),
  );
  stock.use(echo);
  stock.use(refusal);

  for (const app of [mock, stock]) servers.push(await listen(app));
  [ours, theirs] = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`) as [string, string];
});

afterAll(async () => {
  agent.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

function send(base: string, req: FuzzRequest): Promise<Verdict> {
  const url = new URL(base);
  const headers = { ...req.headers };
  if (req.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const r = http.request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve(JSON.parse(text) as Verdict));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

/** What the two ways can be held to: a refusal by the routers themselves (404, 405, a bad escape) differs by design. */
const validatedByBoth = (a: Verdict, b: Verdict) => (a.status === 200 || a.status === 400) && (b.status === 200 || b.status === 400) && !/decode param/i.test(`${a.message} ${b.message}`);

async function sameVerdict(req: FuzzRequest, seen: { compared: number; accepted: number; direct: number }): Promise<void> {
  const first = await send(ours, req);
  const second = await send(ours, req);
  const stock = await send(theirs, req);
  const what = `${req.method} ${req.path} ${req.body ?? ''}`;
  if (!validatedByBoth(first, stock)) return;
  seen.compared++;
  if (stock.status === 200) seen.accepted++;
  if (stock.status === 200 && !req.path.includes('?')) seen.direct++;
  expect(first, `${what} (first, through eov)`).toEqual(stock);
  expect(second, `${what} (again, directly)`).toEqual(stock);
}

describe("the mock's validator against eov's own middleware", () => {
  const operations = specOperations(platformSpecPath, ids);
  const hostile = new Map(hostileOperations(platformSpecPath, ids).map((op) => [op.operationId, op.request]));

  it.each(operations.map((op) => [`${op.method} ${op.template}`, op] as const))('%s', { timeout: 60_000 }, async (_name, op) => {
    const seen = { compared: 0, accepted: 0, direct: 0 };
    const requests = fc.oneof(op.request, hostile.get(op.operationId)!);
    await fc.assert(fc.asyncProperty(requests, (req) => sameVerdict(req, seen)), { numRuns: RUNS, seed: 9 });
    // a run that compared nothing would prove nothing
    expect(seen.compared).toBeGreaterThan(RUNS / 2);
  });

  it('takes the direct way for a valid request without a query string, coercing as eov does', async () => {
    const read = { method: 'GET', path: '/v2/cardholders/10001', headers: {} };
    const seen = { compared: 0, accepted: 0, direct: 0 };
    await sameVerdict(read, seen);
    expect(seen.direct).toBe(1);
    expect((await send(ours, read)).params).toEqual({ cardholderId: 10001 });
    const keyed = { method: 'POST', path: '/v2/wallets/transfer', headers: { 'Idempotency-Key': 'abc-12345678' }, body: JSON.stringify({ sourceWalletId: 3001, destinationType: 0, destinationId: 3002, amount: 1 }) };
    await sameVerdict(keyed, seen);
    expect(seen.direct).toBe(2);
    // each spelling of the body's type is its own validator in eov (charset, case, another type)
    for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'text/plain']) {
      await sameVerdict({ ...keyed, headers: { ...keyed.headers, 'Content-Type': type } }, seen);
      await sameVerdict({ ...keyed, headers: { ...keyed.headers, 'Content-Type': type } }, seen);
    }
    const refused = { ...keyed, body: JSON.stringify({ sourceWalletId: '3001x', destinationType: 0, destinationId: 3002, amount: 1 }) };
    for (let i = 0; i < 2; i++) expect((await send(ours, refused)).status).toBe(400);
    await sameVerdict(refused, seen);
  });
});
