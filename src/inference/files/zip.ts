// Minimal read-only ZIP directory reader (ZIP64 included) for torch checkpoints: entry names, sizes, methods and
// the absolute offset of each entry's data, so tensors can point straight into stored (uncompressed) entries.
import { open, type FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export const MAX_ZIP_ENTRIES = 1_000_000;
const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

export class ZipError extends Error {
  constructor(path: string, message: string) {
    super(`${path}: invalid zip archive: ${message}`);
    this.name = 'ZipError';
  }
}

export async function readRangeFrom(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

export class ZipArchive {
  private constructor(readonly path: string, readonly fileBytes: number, readonly entries: Map<string, ZipEntry>) {}

  static async open(path: string): Promise<ZipArchive> {
    const handle = await open(path, 'r');
    try {
      const fileBytes = (await handle.stat()).size;
      const entries = await readCentralDirectory(handle, path, fileBytes);
      return new ZipArchive(path, fileBytes, entries);
    } finally {
      await handle.close();
    }
  }

  /** Absolute offset of an entry's data (after its local header). */
  async dataOffset(entry: ZipEntry): Promise<number> {
    return (await this.dataOffsets([entry]))[0]!;
  }

  async dataOffsets(entries: readonly ZipEntry[]): Promise<number[]> {
    const handle = await open(this.path, 'r');
    try {
      const out: number[] = [];
      for (const e of entries) {
        const h = await readRangeFrom(handle, e.localHeaderOffset, 30);
        if (h.length < 30 || h.readUInt32LE(0) !== LOCAL_SIG) throw new ZipError(this.path, `bad local header for ${e.name}`);
        const start = e.localHeaderOffset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
        if (start + e.compressedSize > this.fileBytes) {
          throw new ZipError(this.path, `file is truncated: entry ${e.name} ends past the end of the file`);
        }
        out.push(start);
      }
      return out;
    } finally {
      await handle.close();
    }
  }

  /** The entry's uncompressed bytes (stored or deflated), up to `maxBytes`. */
  async read(entry: ZipEntry, maxBytes = 1 << 30): Promise<Buffer> {
    if (entry.size > maxBytes) throw new ZipError(this.path, `entry ${entry.name} is ${entry.size} bytes, over the ${maxBytes}-byte limit`);
    const start = await this.dataOffset(entry);
    const handle = await open(this.path, 'r');
    try {
      const raw = await readRangeFrom(handle, start, entry.compressedSize);
      if (raw.length !== entry.compressedSize) throw new ZipError(this.path, `file is truncated inside ${entry.name}`);
      if (entry.method === 0) return raw;
      if (entry.method === 8) return inflateRawSync(raw, { maxOutputLength: Math.max(entry.size, 1) });
      throw new ZipError(this.path, `entry ${entry.name} uses unsupported compression method ${entry.method}`);
    } finally {
      await handle.close();
    }
  }
}

export async function isZipFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = await readRangeFrom(handle, 0, 4);
    return head.length === 4 && head.readUInt32LE(0) === LOCAL_SIG;
  } finally {
    await handle.close();
  }
}

async function readCentralDirectory(handle: FileHandle, path: string, fileBytes: number): Promise<Map<string, ZipEntry>> {
  const fail = (m: string) => new ZipError(path, m);
  const tailLength = Math.min(fileBytes, 22 + 0xffff);
  const tail = await readRangeFrom(handle, fileBytes - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw fail('no end-of-central-directory record (file truncated or not a zip)');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== ZIP64_LOCATOR_SIG) throw fail('missing ZIP64 locator');
    const z64Offset = Number(tail.readBigUInt64LE(loc + 8));
    const z = await readRangeFrom(handle, z64Offset, 56);
    if (z.length < 56 || z.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw fail('bad ZIP64 end-of-central-directory record');
    count = Number(z.readBigUInt64LE(32));
    cdSize = Number(z.readBigUInt64LE(40));
    cdOffset = Number(z.readBigUInt64LE(48));
  }
  if (count > MAX_ZIP_ENTRIES) throw fail(`${count} entries exceed the limit of ${MAX_ZIP_ENTRIES}`);
  if (cdOffset + cdSize > fileBytes) throw fail('file is truncated: central directory lies past the end of the file');
  const cd = await readRangeFrom(handle, cdOffset, cdSize);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG) throw fail(`bad central directory entry ${i}`);
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLength);
    // ZIP64 extended information: the 0xffffffff fields, in order, as 8-byte values.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const next = () => {
          const v = Number(cd.readBigUInt64LE(q));
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      e += 4 + len;
    }
    if (localHeaderOffset + 30 > fileBytes) throw fail(`entry ${name} starts past the end of the file`);
    entries.set(name, { name, method, compressedSize, size, localHeaderOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}
