// PNG text chunks: inserting `tEXt` chunks into an encoded PNG (sharp writes none) and reading
// `tEXt`/`zTXt`/`iTXt` back, as ComfyUI's metadata (prompt, workflow) travels in them.
import { crc32, inflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isPng(buf: Buffer): boolean {
  return buf.length >= 8 && buf.subarray(0, 8).equals(PNG_SIGNATURE);
}

/** One PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * A text chunk as PIL's `PngInfo.add_text` writes it: `tEXt` (Latin-1) when the text is Latin-1, else an
 * uncompressed `iTXt` (UTF-8). The keyword is Latin-1, 1–79 characters.
 */
export function textChunk(keyword: string, text: string): Buffer {
  if (keyword.length < 1 || keyword.length > 79 || /[^\x20-\x7e\xa1-\xff]/.test(keyword)) {
    throw new Error(`invalid PNG text keyword: ${JSON.stringify(keyword)}`);
  }
  const key = Buffer.from(keyword, 'latin1');
  if (/^[\x00-\xff]*$/.test(text)) return pngChunk('tEXt', Buffer.concat([key, Buffer.from([0]), Buffer.from(text, 'latin1')]));
  return pngChunk('iTXt', Buffer.concat([key, Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]));
}

export interface PngChunkInfo {
  type: string;
  start: number;
  dataStart: number;
  length: number;
}

/** The chunks of a PNG in file order, up to IEND; a chunk that runs past the end of the file throws. */
export function* pngChunks(png: Buffer): Generator<PngChunkInfo> {
  if (!isPng(png)) throw new Error('not a PNG file');
  let pos = 8;
  while (pos + 12 <= png.length) {
    const length = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    if (pos + 12 + length > png.length) throw new Error(`truncated PNG chunk ${type}`);
    yield { type, start: pos, dataStart: pos + 8, length };
    pos += 12 + length;
    if (type === 'IEND') return;
  }
}

/** Inserts `tEXt` chunks (in the given order) before the first IDAT. */
export function insertPngText(png: Buffer, entries: ReadonlyArray<readonly [string, string]>): Buffer {
  if (entries.length === 0) return png;
  for (const c of pngChunks(png)) {
    if (c.type === 'IDAT') {
      return Buffer.concat([png.subarray(0, c.start), ...entries.map(([k, v]) => textChunk(k, v)), png.subarray(c.start)]);
    }
  }
  throw new Error('PNG has no IDAT chunk');
}

/** The text chunks of a PNG as keyword → text, in file order (later duplicates win, as PIL's `info`). */
export function readPngText(png: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of pngChunks(png)) {
    const data = png.subarray(c.dataStart, c.dataStart + c.length);
    const nul = data.indexOf(0);
    if (nul < 0) continue;
    const keyword = data.toString('latin1', 0, nul);
    if (c.type === 'tEXt') {
      out[keyword] = data.toString('latin1', nul + 1);
    } else if (c.type === 'zTXt') {
      out[keyword] = inflateSync(data.subarray(nul + 2)).toString('latin1');
    } else if (c.type === 'iTXt') {
      const compressed = data[nul + 1] === 1;
      const langEnd = data.indexOf(0, nul + 3);
      const transEnd = data.indexOf(0, langEnd + 1);
      if (langEnd < 0 || transEnd < 0) continue;
      const body = data.subarray(transEnd + 1);
      out[keyword] = (compressed ? inflateSync(body) : body).toString('utf8');
    }
  }
  return out;
}
