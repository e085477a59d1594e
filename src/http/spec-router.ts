import type { NextFunction, Request, RequestHandler, Response } from 'express';
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

/** A spec path split into segments: a literal (lower-case) or a parameter's name. */
interface CompiledPath {
  segments: Array<{ literal: string } | { param: string }>;
  allow: string;
  /** by method (HEAD falls back to GET) */
  handlers: Map<string, (req: Request, res: Response, next: NextFunction) => void>;
}

function compilePath(expressRoute: string, allow: string): CompiledPath {
  const segments = expressRoute
    .split('/')
    .slice(1)
    .map((s) => (s.startsWith(':') ? { param: s.slice(1) } : { literal: s.toLowerCase() }));
  return { segments, allow, handlers: new Map() };
}

/** As Express's router decodes a parameter: a malformed escape is a 400. */
function decodeParam(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch (e) {
    const err = e as URIError & { status?: number; statusCode?: number };
    err.message = `Failed to decode param '${value}'`;
    err.status = err.statusCode = 400;
    throw err;
  }
}

/** The params when `parts` (a request path split at '/') is this path, else null. Literals compare case-insensitively, like Express. */
function matchPath(path: CompiledPath, parts: string[]): Record<string, string> | null {
  const { segments } = path;
  if (segments.length !== parts.length) return null;
  let params: Record<string, string> | null = null;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const part = parts[i]!;
    if ('literal' in seg) {
      if (part.length !== seg.literal.length || (part !== seg.literal && part.toLowerCase() !== seg.literal)) return null;
    } else {
      if (part === '') return null;
      (params ??= {})[seg.param] = part;
    }
  }
  return params ?? {};
}

/**
 * One dispatcher over every operation of a spec, in eov's order (literal segments before parameters),
 * matching as Express's router would (case-insensitive literals, an optional trailing slash, decoded
 * parameters) but by segments, without a regular expression per route: the first spec path that
 * matches decides. Its route validates the request with the spec's validator (synchronously), arms the
 * response check when answers are checked, and hands on. A spec path with another method is a 405 with
 * Allow; HEAD on a GET route runs the GET and answers its headers without a body; a path the spec does
 * not have is a 404.
 */
export function specRouter(spec: SpecValidator, validateResponses: boolean, handle: (route: SpecRoute) => RouteHandler | undefined): RequestHandler {
  const paths: CompiledPath[] = [];
  for (const [path, methods] of spec.methodsOf) {
    const compiled = compilePath(path, allowHeader(methods));
    for (const r of spec.routes) {
      if (r.expressRoute !== path) continue;
      const handler = handle(r);
      if (!handler) continue;
      compiled.handlers.set(r.method.toUpperCase(), function validated(req: Request, res: Response, next: NextFunction) {
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
    paths.push(compiled);
  }
  return (req: Request, res: Response, next: NextFunction) => {
    const parts = req.path.split('/');
    parts.shift();
    // Express's non-strict routing: one trailing slash is optional
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    for (const path of paths) {
      const raw = matchPath(path, parts);
      if (!raw) continue;
      const handler = path.handlers.get(req.method) ?? (req.method === 'HEAD' ? path.handlers.get('GET') : undefined);
      if (!handler) return next(errors.methodNotAllowed(req.method, req.path).withHeaders({ Allow: path.allow }));
      try {
        for (const name in raw) raw[name] = decodeParam(raw[name]!);
      } catch (e) {
        return next(e);
      }
      req.params = raw;
      return handler(req, res, next);
    }
    next(errors.unknownRoute(req.method, req.path));
  };
}
