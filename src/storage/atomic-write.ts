// Files are never half-written: the bytes go to a hidden temp file in the same folder, are flushed to disk, then
// one rename puts them in place.
import { randomBytes } from 'node:crypto';
import { closeSync, fsync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Up to this size the open, write, close and rename are synchronous calls and only the fsync goes to the
 * threadpool: each threadpool hop costs about 0.1 ms, more than writing a few hundred KB to the page cache.
 */
const SYNC_WRITE_LIMIT = 4 * 1024 * 1024;

/** A name in `target`'s folder; it starts with `.` so listings that skip dot-files never show it. */
function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes `data` to `target` atomically (the parent folder must exist). */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const temp = tempNameFor(target);
  if (bytes.byteLength <= SYNC_WRITE_LIMIT) await writeSmall(temp, target, bytes);
  else await writeLarge(temp, target, bytes);
}

async function writeSmall(temp: string, target: string, bytes: Uint8Array): Promise<void> {
  const fd = openSync(temp, 'wx', 0o644);
  try {
    for (let done = 0; done < bytes.byteLength;) done += writeSync(fd, bytes, done);
    await new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
  } catch (err) {
    closeSync(fd);
    removeQuietly(temp);
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(temp, target);
  } catch (err) {
    removeQuietly(temp);
    throw err;
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

async function writeLarge(temp: string, target: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(bytes);
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
