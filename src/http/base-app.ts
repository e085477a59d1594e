import express, { type Express } from 'express';

/** An Express app with the settings both listeners share: no fingerprinting headers, no ETags, flat query strings. */
export function baseApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  return app;
}
