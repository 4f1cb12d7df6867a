// Files are never half-written: the bytes go to a hidden temp file in the same folder, then one rename.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** A name in `target`'s folder; it starts with `.` so listings that skip dot-files never show it. */
function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes `data` to `target` atomically (the parent folder must exist). */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  const temp = tempNameFor(target);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw err;
  }
  await handle.close();
  try {
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
}
