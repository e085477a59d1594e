import path from 'node:path';

const NOT_WRITABLE =
  'the folder is not writable by the user running the mock: make it writable (chmod/chown; in Docker create the mounted folder first and run as yourself with --user "$(id -u):$(id -g)")';

/** Why a folder could not be written, by errno code: what is wrong and how to put it right ({folder}: "the data folder"). */
const WRITE_HINTS: Record<string, string> = {
  ENOSPC: 'the disk is full: free some space',
  EDQUOT: 'the disk quota is exhausted: free some space',
  EROFS: 'the folder is on a read-only file system: mount it read-write',
  EACCES: NOT_WRITABLE,
  EPERM: NOT_WRITABLE,
  ENOENT: '{folder} was removed and could not be created again',
  ENOTDIR: 'something that is not a folder is where {folder} should be',
  EEXIST: 'something that is not a folder is where {folder} should be',
  EISDIR: 'a folder is where a file in {folder} should be',
  EMFILE: 'the process has no file descriptors left',
  ENFILE: 'the system has no file descriptors left',
};

export const errnoCode = (err: unknown): string => (err as NodeJS.ErrnoException)?.code ?? 'EIO';

/** `what` names the folder ("data" for the data folder); null for a folder of no particular role. */
export const writeHint = (code: string, what: string | null = 'data'): string =>
  (WRITE_HINTS[code] ?? 'check the folder and the disk').replace('{folder}', what ? `the ${what} folder` : 'the folder');

/**
 * The one line for a folder the mock cannot write at start, whichever folder it is (data, certificates):
 * the folder, the cause, the fix, and the flags that choose another place.
 */
export function unwritableFolderMessage(what: string | null, folder: string, err: unknown, alternatives: string): string {
  const code = errnoCode(err);
  return `Cannot write the ${what ? `${what} ` : ''}folder ${path.resolve(folder)} (${code}: ${writeHint(code, what)}). Fix that, or start with ${alternatives}.`;
}
