import path from 'node:path';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { FixturesError } from '../store/fixtures.js';
import { describeProblems } from '../store/state-check.js';
import { unwritableFolderMessage } from '../store/folder-errors.js';
import { StoreFileError } from '../store/store.js';

const WRITE_ERRORS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ENOSPC', 'EDQUOT', 'EEXIST', 'EISDIR', 'ENOENT']);

const inside = (file: string, folder: string) => {
  const rel = path.relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
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
  if (e?.code && WRITE_ERRORS.has(e.code) && e.path) {
    // the same one line as the store's for the data folder: the folder, the cause, the fix
    if (config && inside(path.resolve(e.path), config.certsDir)) {
      return `axys-mock: ${unwritableFolderMessage('certificates', config.certsDir, err, '--certs-dir <a writable folder>')}`;
    }
    if (config?.dataFile && inside(path.resolve(e.path), path.dirname(config.dataFile))) {
      return `axys-mock: ${unwritableFolderMessage('data', path.dirname(config.dataFile), err, '--data-file <path in a writable folder> or --in-memory')}`;
    }
    return `axys-mock: ${unwritableFolderMessage(null, path.dirname(e.path), err, 'the option that names it pointing to a writable folder')}`;
  }
  return `axys-mock failed to start: ${e?.stack ?? String(err)}`;
}
