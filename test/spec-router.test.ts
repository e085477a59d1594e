import express, { Router, type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { allowHeader, specRouter } from '../src/http/spec-router.js';
import { loadSpecValidator, type SpecValidator } from '../src/http/validator.js';
import { platformSpecPath } from '../src/paths.js';

// The dispatcher matches by segments instead of a regular expression per route; Express's own Router,
// given the same routes in the same order, is the oracle for which route (or 404, 405, 400) a path gets.
let spec: SpecValidator;
beforeAll(async () => {
  const loaded = await loadSpecValidator(platformSpecPath, false);
  spec = { ...loaded, validateRequest: () => undefined };
});

const answerRoute = (req: Request, res: Response) => res.json({ route: `${req.method} ${String(req.route?.path ?? '')}`, params: req.params });
const errorAnswer = (err: { status?: number; headers?: Record<string, string> }, _req: Request, res: Response, _next: NextFunction) =>
  res.status(err.status ?? 500).json({ error: err.status ?? 500, allow: err.headers?.Allow ?? null });

function dispatcherApp() {
  const app = express();
  app.use(specRouter(spec, false, (r) => (_route, req, res) => res.json({ route: `${req.method === 'HEAD' ? 'HEAD' : r.method.toUpperCase()} ${r.expressRoute}`, params: req.params })));
  app.use(errorAnswer);
  return app;
}

function expressRouterApp() {
  const app = express();
  const router = Router();
  for (const [path, methods] of spec.methodsOf) {
    const route = router.route(path);
    for (const r of spec.routes) if (r.expressRoute === path) route[r.method.toLowerCase() as 'get']((req, res) => res.json({ route: `${req.method} ${path}`, params: req.params }));
    const allow = allowHeader(methods);
    route.all((_req, _res, next) => next(Object.assign(new Error('405'), { status: 405, headers: { Allow: allow } })));
  }
  app.use(router);
  app.use((_req: Request, _res: Response, next: NextFunction) => next(Object.assign(new Error('404'), { status: 404 })));
  app.use(errorAnswer);
  return app;
}

const cases: Array<[string, string]> = [
  ['GET', '/v2/cardholders/10001'],
  ['GET', '/v2/cardholders/10001/'],
  ['GET', '/v2/cardholders/10001//'],
  ['GET', '/V2/CardHolders/10001'],
  ['GET', '/v2/cardholders'],
  ['GET', '/v2/cardholders/'],
  ['GET', '/v2//cardholders'],
  ['GET', '/v2/cardholders/a%20b'],
  ['GET', '/v2/cardholders/%E0%A4%A'],
  ['GET', '/v2/cardholders/%2F'],
  ['GET', '/v2/cards/transactions'],
  ['GET', '/v2/cards/555/transactions'],
  ['PUT', '/v2/cards/transactions'],
  ['DELETE', '/v2/cardholders/10001'],
  ['OPTIONS', '/v2/cardholders'],
  ['POST', '/v2/wallets/transfer'],
  ['GET', '/v2/wallets/transfer'],
  ['GET', '/v2/nothing-here'],
  ['GET', '/'],
  ['GET', '/v2'],
  ['POST', '/v2/cardholders/10001/update'],
  ['PUT', '/v2/cardholders/10001/update'],
];

describe('the spec dispatcher routes as Express’s Router would', () => {
  it.each(cases)('%s %s', async (method, path) => {
    const [mine, oracle] = await Promise.all([dispatcherApp(), expressRouterApp()].map((app) => request(app)[method.toLowerCase() as 'get'](path)));
    expect({ status: mine!.status, body: mine!.body }).toEqual({ status: oracle!.status, body: oracle!.body });
  });

  it('HEAD on a GET path runs the GET route', async () => {
    const res = await request(dispatcherApp()).head('/v2/cardholders/10001');
    expect(res.status).toBe(200);
    expect((await request(expressRouterApp()).head('/v2/cardholders/10001')).status).toBe(200);
  });

  it('the cases cover a route match, a 404, a 405 and a 400', async () => {
    const statuses = new Set<number>();
    for (const [method, path] of cases) statuses.add((await request(dispatcherApp())[method.toLowerCase() as 'get'](path)).status);
    expect([...statuses].sort()).toEqual([200, 400, 404, 405]);
  });
});
