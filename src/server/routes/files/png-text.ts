// PNG text chunks (tEXt, zTXt, iTXt): read from one PNG, written into another, so a re-encoded image keeps
// its workflow metadata (the mask upload, api.md §3.14).
import { inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isPng(data: Uint8Array): boolean {
  return data.length >= 8 && Buffer.from(data.subarray(0, 8)).equals(SIGNATURE);
}

/** `[keyword, text]` pairs in file order, as PIL's `image.text`; malformed chunks are skipped. */
export function readPngText(data: Buffer): [string, string][] {
  const out: [string, string][] = [];
  if (!isPng(data)) return out;
  for (let pos = 8; pos + 12 <= data.length; ) {
    const length = data.readUInt32BE(pos);
    const type = data.toString('latin1', pos + 4, pos + 8);
    const body = data.subarray(pos + 8, pos + 8 + length);
    pos += 12 + length;
    if (body.length < length) break;
    try {
      const entry = decodeTextChunk(type, body);
      if (entry) out.push(entry);
    } catch {
      // a damaged text chunk is dropped, not fatal
    }
    if (type === 'IEND') break;
  }
  return out;
}

function decodeTextChunk(type: string, body: Buffer): [string, string] | null {
  const nul = body.indexOf(0);
  if (nul < 0) return null;
  const keyword = body.toString('latin1', 0, nul);
  if (type === 'tEXt') return [keyword, body.toString('latin1', nul + 1)];
  if (type === 'zTXt') return [keyword, inflateSync(body.subarray(nul + 2)).toString('latin1')];
  if (type !== 'iTXt') return null;
  const compressed = body[nul + 1] === 1;
  const langEnd = body.indexOf(0, nul + 3);
  const transEnd = langEnd < 0 ? -1 : body.indexOf(0, langEnd + 1);
  if (transEnd < 0) return null;
  const text = body.subarray(transEnd + 1);
  return [keyword, (compressed ? inflateSync(text) : text).toString('utf8')];
}

/** Inserts text chunks before IEND: tEXt when the text is Latin-1, else iTXt (as PIL's `PngInfo.add_text`). */
export function writePngText(png: Buffer, entries: readonly [string, string][]): Buffer {
  if (entries.length === 0 || !isPng(png)) return png;
  const iend = png.length - 12; // sharp writes IEND last
  if (iend < 8 || png.toString('latin1', iend + 4, iend + 8) !== 'IEND') return png;
  const chunks = entries.map(([keyword, text]) => {
    const key = Buffer.from(keyword, 'latin1');
    const latin1 = [...text].every((c) => c.codePointAt(0)! <= 0xff);
    return latin1
      ? chunk('tEXt', Buffer.concat([key, Buffer.from([0]), Buffer.from(text, 'latin1')]))
      : chunk('iTXt', Buffer.concat([key, Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]));
  });
  return Buffer.concat([png.subarray(0, iend), ...chunks, png.subarray(iend)]);
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

let crcTable: Uint32Array | null = null;

function crc32(data: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
