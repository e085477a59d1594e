import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { FixturesError } from '../store/fixtures.js';
import { describeProblems } from '../store/state-check.js';
import { StoreFileError } from '../store/store.js';

const WRITE_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOSPC: 'no space left on the device',
};

/** What the CLI prints when it cannot start: one line that names the cause and what to do, no stack trace for known causes. */
export function startupFailure(err: unknown, config: Config | null): string {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  if (err instanceof FixturesError) return `axys-mock: ${err.message.replace(/ see errors\[\]\./, ` ${describeProblems(err.errors)}.`)}`;
  if (err instanceof ConfigError || err instanceof StoreFileError) return `axys-mock: ${e.message}`;
  if (e?.code === 'EADDRINUSE' || (e?.code === 'EACCES' && e.syscall === 'listen')) {
    const flag = config && e.port === config.controlPort && e.port !== config.port ? '--control-port' : '--port';
    const why = e.code === 'EADDRINUSE' ? 'is in use (another axys-mock, or another server)' : 'needs privileges this user lacks';
    return `axys-mock: port ${e.port} on ${e.address} ${why}: stop what holds it, or choose another with ${flag} <n> (0 picks a free port)`;
  }
  if (e?.code && WRITE_ERRORS[e.code] && e.path) {
    const uid = process.getuid?.() ?? '?';
    return (
      `axys-mock: cannot write ${e.path}: ${WRITE_ERRORS[e.code]} (uid ${uid}). Choose a writable place with --data-file <file> and --certs-dir <dir> (or --in-memory);` +
      ` in Docker create the mounted folders first and run as yourself: mkdir -p certs data && docker run --user "$(id -u):$(id -g)" ...`
    );
  }
  return `axys-mock failed to start: ${e?.stack ?? String(err)}`;
}
