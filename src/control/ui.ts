import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';
import { packageRoot } from '../paths.js';
import type { ControlDeps } from './deps.js';

export const uiDir = path.join(packageRoot, 'ui');

/** Browser modules the dashboard imports (its import map), served from the installed packages: no CDN. */
const VENDOR: Record<string, [pkg: string, file: string]> = {
  'preact.mjs': ['preact', 'preact.mjs'],
  'hooks.mjs': ['preact/hooks', 'hooks.mjs'],
  'htm.mjs': ['htm', 'htm.mjs'],
};

let vendorPaths: Map<string, string> | undefined;
function vendorPath(name: string): string | undefined {
  if (!vendorPaths) {
    const require = createRequire(import.meta.url);
    // the ES module build sits beside what require resolves (the packages export no deep paths)
    vendorPaths = new Map(Object.entries(VENDOR).map(([name, [pkg, file]]) => [name, path.join(path.dirname(require.resolve(pkg)), file)]));
  }
  return vendorPaths.get(name);
}

let policy: string | undefined;
/** CSP: only this origin, plus the one inline script of index.html (its import map), by hash. */
function contentSecurityPolicy(): string {
  if (policy === undefined) {
    const page = readFileSync(path.join(uiDir, 'index.html'), 'utf8');
    const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
    const hash = createHash('sha256').update(importMap).digest('base64');
    policy = `default-src 'self'; script-src 'self' 'sha256-${hash}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'`;
  }
  return policy;
}

/**
 * The dashboard: static files under /_mock/ui/, read from disk only when a browser asks (the mock's
 * start does not touch them). Mounted before the control token: the page and its scripts hold no
 * data; every call they make to /_mock sends the token the user enters.
 */
export function uiRouter(deps: ControlDeps): Router {
  const router = Router();
  router.get('/', (_req, res) => res.redirect(302, '/_mock/ui/'));
  // relative imports need the trailing slash (non-strict routing matches both spellings here)
  router.get('/_mock/ui', (req, res, next) => (req.originalUrl.split('?')[0]!.endsWith('/') ? next() : res.redirect(302, '/_mock/ui/')));
  router.get('/_mock/ui/config.json', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ apiUrl: deps.platformUrl(), version: deps.version, tokenRequired: deps.controlToken !== null });
  });
  router.get('/_mock/ui/vendor/:file', (req, res, next) => {
    const file = vendorPath(req.params.file);
    if (!file) return next();
    res.sendFile(file, { headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600' } });
  });
  router.use(
    '/_mock/ui',
    express.static(uiDir, {
      index: 'index.html',
      fallthrough: true,
      setHeaders: (res) => {
        res.setHeader('Cache-Control', 'no-cache');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Content-Security-Policy', contentSecurityPolicy());
      },
    }),
  );
  return router;
}
