import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

const STALE_MS = 30_000;
const WAIT_LIMIT_MS = 60_000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(lockPath: string): Promise<boolean> {
  try {
    const [content, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    if (Date.now() - info.mtimeMs > STALE_MS) return true;
    const pid = Number(content.split(' ')[0]);
    // Only trust a dead pid once the owner had time to write it (empty file = just created).
    return Number.isInteger(pid) && pid > 0 && !pidAlive(pid);
  } catch {
    return false; // vanished meanwhile: simply retry
  }
}

/**
 * Exclusive cross-process lock: `<lockPath>` created with O_EXCL ('wx') holding "<pid> <time>".
 * A lock whose owner process is dead, or older than 30 s, is stale: it is renamed away (only one
 * contender wins the rename) and removed.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid} ${Date.now()}`);
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await isStale(lockPath)) {
        const aside = `${lockPath}.stale-${randomBytes(4).toString('hex')}`;
        await rename(lockPath, aside).then(() => unlink(aside), () => undefined);
        continue;
      }
      if (Date.now() - started > WAIT_LIMIT_MS) throw new Error(`Timed out waiting for lock ${lockPath}`);
      await new Promise((resolve) => setTimeout(resolve, 15 + Math.random() * 35));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}
