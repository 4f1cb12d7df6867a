// Decoding of the PNGs most inputs are (8-bit RGB or RGBA, not interlaced, one frame) with Node's zlib instead of
// sharp, for two reasons measured here:
//   - speed: libvips spends ~0.45 ms setting up any decode, so a 512×512 file takes ~1.5 ms through sharp and
//     ~0.3 ms here (inflate plus unfiltering; the npm PNG decoders, pngjs and fast-png, take 2.5–3.6 ms);
//   - fidelity: like Pillow, and so ComfyUI, this returns the stored values; libvips converts them from an
//     embedded ICC profile, which gave other pixels than ComfyUI's for iCCP files.
// Every other PNG, and any file this reader finds malformed, goes to sharp as before. Rows are unfiltered by
// WebAssembly SIMD code, one pixel per step (each depends on the one to its left): in JavaScript, Paeth rows took
// 8–10 ms for a 512×512 photograph, longer than sharp's whole decode.
import { inflateSync } from 'node:zlib';
import type { DecodedFrame } from './codec.ts';
import { paethPrediction } from './png-paeth.ts';
import { isPng, pngChunks } from './png-text.ts';
import { body, get, i32, instantiate, I32, mem, op, set, simd, v, V128 } from './wasm-module.ts';

/** Larger images decode on sharp's threads: an inflate and unfilter here run on the event loop (~4 ms per 512² of noise). */
const MAX_PIXELS = 1024 * 1024;
const MAX_SIDE = 8192;

// Memory: the scanlines (type byte + row, each) at IN_BASE; a zero row (the row above the first) then the unfiltered
// rows at OUT_BASE; 16 bytes of slack after each region, as every pixel is loaded and stored as a whole vector.
const MAX_STRIDE = MAX_SIDE * 4;
const IN_BASE = 0;
const OUT_BASE = IN_BASE + MAX_PIXELS * 4 + MAX_SIDE + 16 + MAX_STRIDE;
const PAGES = Math.ceil((OUT_BASE + MAX_PIXELS * 4 + 16) / 65536);

/**
 * row(src, dst, stride, bpp): unfilters one row, pixel by pixel: out = x + prediction (mod 256), from a (the pixel
 * to the left, 0 at first), b (above) and c (above left, 0 at first), each widened to eight 16-bit lanes of which
 * the first bpp count. Locals: 0 src, 1 dst, 2 stride, 3 bpp (params), 4 j, 5 a, 6 b, 7 c, 8 0x00ff in every lane,
 * 9–11 pa pb pc.
 */
function unfilterRow(prediction: number[]): number[] {
  const widened = (address: number[]) => [...address, ...mem(simd.load, 0), ...v(simd.i16x8ExtendLowI8x16U)];
  const step = [
    ...widened([...get(1), ...get(2), op.i32Sub, ...get(4), op.i32Add]), ...set(6),
    ...get(1), ...get(4), op.i32Add,
    ...widened([...get(0), ...get(4), op.i32Add]), ...prediction, ...v(simd.i16x8Add), ...get(8), ...v(simd.v128And), ...set(5),
    ...get(5), ...get(5), ...v(simd.i8x16NarrowI16x8U), ...mem(simd.store, 0),
    ...get(6), ...set(7),
  ];
  return body([[1, I32], [7, V128]], [
    ...i32(255), ...v(simd.i16x8Splat), ...set(8),
    op.block, 0x40, op.loop, 0x40,
    ...get(4), ...get(2), op.i32GeU, op.brIf, 1,
    ...step,
    ...get(4), ...get(3), op.i32Add, ...set(4),
    op.br, 0, op.end, op.end,
  ]);
}
const rowKernels = instantiate({
  functions: [
    { name: 'sub', params: [I32, I32, I32, I32], body: unfilterRow(get(5)) },
    { name: 'up', params: [I32, I32, I32, I32], body: unfilterRow(get(6)) },
    { name: 'average', params: [I32, I32, I32, I32], body: unfilterRow([...get(5), ...get(6), ...v(simd.i16x8Add), ...i32(1), ...v(simd.i16x8ShrU)]) },
    { name: 'paeth', params: [I32, I32, I32, I32], body: unfilterRow(paethPrediction({ a: 5, b: 6, c: 7, pa: 9, pb: 10, pc: 11 })) },
  ],
  memory: { min: PAGES, max: PAGES }, // fixed size, so the view below never detaches
}) as ReturnType<typeof instantiate> & Record<'sub' | 'up' | 'average' | 'paeth', (src: number, dst: number, stride: number, bpp: number) => void>;
const memory = new Uint8Array(rowKernels.memory.buffer);
/** The kernel of each filter type (PNG spec §9.2), None aside. */
const UNFILTER = [null, rowKernels.sub, rowKernels.up, rowKernels.average, rowKernels.paeth] as const;

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
  if (width === 0 || height === 0 || width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS) return null;
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
 * Undoes the per-row PNG filters of `height` rows of `stride` bytes, each after its filter-type byte, for `bpp`
 * bytes per pixel. Null for an unknown filter type.
 */
function unfilter(scanlines: Buffer, stride: number, height: number, bpp: number): Buffer | null {
  memory.set(scanlines, IN_BASE);
  for (let y = 0; y < height; y++) {
    const src = IN_BASE + y * (stride + 1) + 1;
    const dst = OUT_BASE + y * stride;
    const filter = memory[src - 1]!;
    if (filter === 0) memory.copyWithin(dst, src, src + stride);
    else if (filter < UNFILTER.length) UNFILTER[filter]!(src, dst, stride, bpp);
    else return null;
  }
  return Buffer.from(memory.subarray(OUT_BASE, OUT_BASE + stride * height));
}
