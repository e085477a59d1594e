import { readFileSync } from 'node:fs';

/** Descriptors kept for everything but client connections: the store's files, webhooks (32), certificates, logs. */
export const RESERVED_DESCRIPTORS = 128;

/** The process's soft limit on open files (Linux: /proc/self/limits), or null where it cannot be read. */
export function openFilesLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    return soft && /^\d+$/.test(soft) ? Number(soft) : null;
  } catch {
    return null;
  }
}

/**
 * MAX_CONNECTIONS, lowered when the open-files limit would otherwise let connections take the
 * descriptors a store write needs (a new snapshot opens two files): connections get what the limit
 * leaves after RESERVED_DESCRIPTORS.
 */
export function connectionBudget(configured: number, limit = openFilesLimit()): { max: number; lowered: string | null } {
  if (limit === null || configured <= limit - RESERVED_DESCRIPTORS) return { max: configured, lowered: null };
  const max = Math.max(16, limit - RESERVED_DESCRIPTORS);
  return { max, lowered: `MAX_CONNECTIONS ${configured} lowered to ${max}: the process may open ${limit} files and keeps ${RESERVED_DESCRIPTORS} for the store, webhooks and certificates (raise the limit with ulimit -n)` };
}
