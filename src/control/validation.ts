import type { Express, RequestHandler, Response } from 'express';
import { checkFailure } from '../http/answer.js';
import { maybeContextOf } from '../http/context.js';
import { specRouter } from '../http/spec-router.js';
import { loadSpecValidator } from '../http/validator.js';
import { controlSpecPath } from '../paths.js';

/**
 * Validation of control requests against openapi/control.yaml: the spec is loaded on the first
 * control request (once per process, shared by every mock in it), then one dispatcher validates each
 * request and hands it on to the control routers; a spec path with another method is a 405 with
 * Allow, a path the spec does not have a 404.
 */
export function controlValidation(validateResponses: boolean): RequestHandler {
  let router: RequestHandler | null = null;
  let loading: Promise<RequestHandler> | null = null;
  // a valid request goes on to the control routers
  const load = () =>
    (loading ??= loadSpecValidator(controlSpecPath, validateResponses).then((spec) => (router = specRouter(spec, validateResponses, () => (_route, _req, _res, next) => next())))).catch((e: unknown) => {
      loading = null;
      throw e;
    });
  return (req, res, next) => {
    if (router) return router(req, res, next);
    load().then((r) => r(req, res, next), next);
  };
}

/**
 * With validateResponses (tests), control answers are checked against the spec too: the control
 * routers answer with res.json, so this app's response prototype checks what the route armed.
 */
export function checkControlAnswers(app: Express): void {
  const json = app.response.json;
  app.response.json = function checkedJson(this: Response, body: unknown) {
    const ctx = maybeContextOf(this.req);
    const check = ctx?.checkAnswer;
    if (check) {
      ctx.checkAnswer = null;
      try {
        check(this.statusCode, body);
      } catch (err) {
        const failed = checkFailure(err);
        return json.call(this.status(failed.status), failed.body);
      }
    }
    return json.call(this, body);
  };
}
