import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Handlers run one after the other as one Express layer: what Express's router would do for each
 * (a throw or a rejected promise goes on as an error), without its per-layer path matching. An error
 * leaves the chain for the app's error handler; the end of the chain calls the app's next layer.
 */
export function chain(...handlers: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null && err !== 'route') return next(err);
      const handler = handlers[i++];
      if (!handler) return next();
      try {
        const returned: unknown = handler(req, res, step);
        if (returned instanceof Promise) returned.then(undefined, (e: unknown) => step(e ?? new Error('Rejected promise')));
      } catch (e) {
        step(e);
      }
    };
    step();
  };
}
