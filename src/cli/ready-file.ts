import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReadyInfo } from '../ready.js';

/** Written whole or not at all (temp file + rename): a reader polling for it never sees half a JSON. */
export async function writeReadyFile(file: string, info: ReadyInfo): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}
