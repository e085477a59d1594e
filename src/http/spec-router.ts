import { Router, type NextFunction, type Request, type Response } from 'express';
import { maybeContextOf } from './context.js';
import { errors } from './errors.js';
import { infiniteQueryNumbers } from './finite-query.js';
import type { SpecRoute, SpecValidator } from './validator.js';

/** What a routed, validated request is handed to. */
export type RouteHandler = (route: SpecRoute, req: Request, res: Response, next: NextFunction) => void;

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];

/** RFC 9110: a 405 says which methods the path has (a path with GET answers HEAD too), in a fixed order. */
export function allowHeader(methods: readonly string[]): string {
  const allowed = new Set(methods.includes('GET') ? [...methods, 'HEAD'] : methods);
  return METHOD_ORDER.filter((m) => allowed.has(m)).join(', ');
}

/**
 * One Router over every operation of a spec, in eov's order (literal segments before parameters):
 * each route validates its request with the spec's validator (synchronously), then arms the response
 * check when answers are checked, and hands on. A spec path with another method is a 405 with Allow; HEAD
 * on a GET route is routed to the GET (Express does) and answers its headers without a body.
 */
export function specRouter(spec: SpecValidator, validateResponses: boolean, handle: (route: SpecRoute) => RouteHandler | undefined): Router {
  const router = Router();
  for (const [path, methods] of spec.methodsOf) {
    const route = router.route(path);
    for (const r of spec.routes) {
      if (r.expressRoute !== path) continue;
      const handler = handle(r);
      if (!handler) continue;
      route[r.method.toLowerCase() as 'get'](function validated(req: Request, res: Response, next: NextFunction) {
        try {
          spec.validateRequest(req, res, r);
        } catch (e) {
          return next(e);
        }
        const infinite = infiniteQueryNumbers(req);
        if (infinite) return next(infinite);
        // what the operation answers (not a refusal of the request itself) is checked against the spec
        if (validateResponses) {
          const ctx = maybeContextOf(req);
          if (ctx) ctx.checkAnswer = (status, body) => spec.validateResponse(req, r, status, body);
        }
        handler(r, req, res, next);
      });
    }
    const allow = allowHeader(methods);
    route.all((req: Request, _res: Response, next: NextFunction) => next(errors.methodNotAllowed(req.method, req.path).withHeaders({ Allow: allow })));
  }
  return router;
}
