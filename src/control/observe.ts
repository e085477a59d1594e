import { Router } from 'express';
import { coverageJUnit, coverageMarkdown } from '../coverage/formats.js';
import { errorTemplate } from '../http/errors.js';
import type { ControlDeps } from './deps.js';

const FORMATS = ['json', 'junit', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

export const observeMessages = {
  unknownFormat: `format must be one of ${FORMATS.join(', ')}`,
} as const;

/** Each status paired with its message; raised as `throw observeErrors.x(...)`. */
const observeErrors = {
  unknownFormat: errorTemplate(400, observeMessages.unknownFormat),
} as const;

/** ?format= wins; else the Accept header (application/xml -> JUnit, text/markdown -> Markdown); else JSON. */
function formatOf(query: unknown, accept: string | undefined): Format {
  if (typeof query === 'string') {
    if (!(FORMATS as readonly string[]).includes(query)) throw observeErrors.unknownFormat().withErrors([{ field: 'query.format', message: `"${query}" is not json, junit or markdown` }]);
    return query as Format;
  }
  if (accept && /\b(application|text)\/xml\b/.test(accept)) return 'junit';
  if (accept && /\btext\/markdown\b/.test(accept)) return 'markdown';
  return 'json';
}

/** Coverage of the platform API and Prometheus metrics: what a test run exercised, and how the mock answered. */
export function observeRouter(deps: ControlDeps): Router {
  const router = Router();

  router.get('/_mock/coverage', (req, res) => {
    const report = deps.coverage.report();
    const format = formatOf(req.query.format, req.get('accept'));
    if (format === 'junit') res.type('application/xml').send(coverageJUnit(report));
    else if (format === 'markdown') res.type('text/markdown').send(coverageMarkdown(report));
    else res.json(report);
  });

  router.delete('/_mock/coverage', (_req, res) => {
    deps.coverage.clear();
    res.json({ status: 'success' });
  });

  router.get('/_mock/metrics', async (_req, res) => {
    res.type(deps.metrics.contentType).send(await deps.metrics.text());
  });

  return router;
}
