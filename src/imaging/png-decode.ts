// Decoding of the PNGs most inputs are (8-bit RGB or RGBA, not interlaced, one frame) with Node's zlib instead of
// sharp, for two reasons measured here:
//   - speed: libvips spends ~0.45 ms setting up any decode, so a 512×512 file takes ~1.5 ms through sharp and
//     ~0.3 ms here (inflate plus unfiltering; the npm PNG decoders, pngjs and fast-png, take 2.5–3.6 ms);
//   - fidelity: like Pillow, and so ComfyUI, this returns the stored values; libvips converts them from an
//     embedded ICC profile, which gave other pixels than ComfyUI's for iCCP files.
// Every other PNG, and any file this reader finds malformed, goes to sharp as before.
import { inflateSync } from 'node:zlib';
import type { DecodedFrame } from './codec.ts';
import { isPng, pngChunks } from './png-text.ts';

/** Larger images decode on sharp's threads: an inflate and unfilter here run on the event loop (~4 ms per 512² of noise). */
const MAX_PIXELS = 1024 * 1024;

/**
 * Chunks that change what the pixels mean in Pillow beyond the stored values: transparency (tRNS makes a mask),
 * orientation (eXIf, applied by LoadImage) and animation (acTL: more than one frame). sharp reads those files.
 */
const LEFT_TO_SHARP = new Set(['tRNS', 'eXIf', 'acTL']);

/** The IHDR fields of a PNG (always its first chunk), or null if the file does not start like one. */
export function pngHeader(file: Buffer): { width: number; height: number; bitDepth: number; colourType: number; interlace: number } | null {
  if (file.length < 33 || !isPng(file) || file.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: file.readUInt32BE(16), height: file.readUInt32BE(20), bitDepth: file[24]!, colourType: file[25]!, interlace: file[28]! };
}

/** The frame of an 8-bit RGB/RGBA, non-interlaced, single-frame PNG of at most 1024² pixels; null for any other file. */
export function decodePlainPng(file: Buffer): DecodedFrame | null {
  const header = pngHeader(file);
  if (!header || header.bitDepth !== 8 || (header.colourType !== 2 && header.colourType !== 6) || header.interlace !== 0) return null;
  const { width, height } = header;
  if (width === 0 || height === 0 || width * height > MAX_PIXELS) return null;
  const compressed: Buffer[] = [];
  try {
    for (const chunk of pngChunks(file)) {
      if (LEFT_TO_SHARP.has(chunk.type)) return null;
      if (chunk.type === 'IDAT') compressed.push(file.subarray(chunk.dataStart, chunk.dataStart + chunk.length));
    }
  } catch {
    return null; // a truncated chunk
  }
  const channels = header.colourType === 6 ? 4 : 3;
  const scanlineBytes = 1 + width * channels;
  const size = scanlineBytes * height;
  let scanlines: Buffer;
  try {
    // One output chunk of the expected size: no concatenation of 16 KB pieces, and no more than that is inflated.
    scanlines = inflateSync(compressed.length === 1 ? compressed[0]! : Buffer.concat(compressed), { chunkSize: Math.max(64, size), maxOutputLength: size });
  } catch {
    return null; // corrupt or truncated image data
  }
  if (scanlines.length !== size) return null;
  const pixels = unfilter(scanlines, width * channels, height, channels);
  return pixels && { width, height, channels, pixels };
}

/**
 * Undoes the per-row PNG filters (None, Sub, Up, Average, Paeth; PNG spec §9) of `height` rows of `stride` bytes,
 * each after its filter-type byte, for `bpp` bytes per pixel. Null for an unknown filter type.
 */
function unfilter(scanlines: Buffer, stride: number, height: number, bpp: number): Buffer | null {
  const out = Buffer.allocUnsafe(stride * height);
  for (let y = 0; y < height; y++) {
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const above = row - stride; // valid for y > 0 only
    const filter = scanlines[src - 1];
    if (filter === 0 || (filter === 2 && y === 0)) {
      scanlines.copy(out, row, src, src + stride);
    } else if (filter === 1 || (filter === 4 && y === 0)) {
      // Paeth on the first row predicts from the left neighbour alone, as Sub does.
      scanlines.copy(out, row, src, src + bpp);
      for (let i = bpp; i < stride; i++) out[row + i] = scanlines[src + i]! + out[row + i - bpp]!;
    } else if (filter === 2) {
      for (let i = 0; i < stride; i++) out[row + i] = scanlines[src + i]! + out[above + i]!;
    } else if (filter === 3) {
      for (let i = 0; i < bpp; i++) out[row + i] = scanlines[src + i]! + (y > 0 ? out[above + i]! >> 1 : 0);
      for (let i = bpp; i < stride; i++) out[row + i] = scanlines[src + i]! + ((out[row + i - bpp]! + (y > 0 ? out[above + i]! : 0)) >> 1);
    } else if (filter === 4) {
      for (let i = 0; i < bpp; i++) out[row + i] = scanlines[src + i]! + out[above + i]!;
      for (let i = bpp; i < stride; i++) {
        const a = out[row + i - bpp]!;
        const b = out[above + i]!;
        const c = out[above + i - bpp]!;
        const pa = b > c ? b - c : c - b;
        const pb = a > c ? a - c : c - a;
        const pc = Math.abs(a + b - c - c);
        out[row + i] = scanlines[src + i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
    } else {
      return null;
    }
  }
  return out;
}
