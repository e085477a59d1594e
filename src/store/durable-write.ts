import { open, type FileHandle } from 'node:fs/promises';
import type { DurabilityHooks } from './durability-hooks.js';

/**
 * Writes all of `data` at `position`, however many calls it takes: Node's write() reports a short
 * count without throwing (a nearly full disk), and a write that makes no progress fails with ENOSPC.
 */
export async function writeFully(handle: FileHandle, data: Buffer, position: number, hooks?: DurabilityHooks): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const wanted = data.length - done;
    const length = hooks?.writeLimit ? Math.min(wanted, hooks.writeLimit(wanted)) : wanted;
    const { bytesWritten } = length > 0 ? await handle.write(data, done, length, position + done) : { bytesWritten: 0 };
    if (bytesWritten <= 0) {
      throw Object.assign(new Error(`ENOSPC: no space left on device, write (${done} of ${data.length} bytes written)`), { code: 'ENOSPC' });
    }
    done += bytesWritten;
  }
}

/** fsync of a folder, so that a rename or a new file in it survives a power cut. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
