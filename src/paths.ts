import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root, the same from src/ (tsx) and dist/ (built). */
export const packageRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

export const platformSpecPath = path.join(packageRoot, 'openapi', 'platform.yaml');
export const controlSpecPath = path.join(packageRoot, 'openapi', 'control.yaml');
export const fixturesDir = path.join(packageRoot, 'fixtures');
