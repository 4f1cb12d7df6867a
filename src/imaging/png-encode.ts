// PNG encoding with Node's zlib: every row Paeth-filtered (PNG spec §9.4) by a WebAssembly SIMD kernel, then
// deflated with zlib's run-length strategy. Measured here on 512×512 photographs: files within 1% of the size
// Pillow writes for ComfyUI (adaptive filters, zlib level 4) in ~8 ms, where sharp (libvips) can only choose
// unfiltered rows (40% larger files, 15–18 ms) or libpng's adaptive filters (30 ms), and Pillow takes ~40 ms.
// Filtering reads only source pixels, so 16 bytes are filtered per step with no dependency between steps.
import { promisify } from 'node:util';
import { constants, deflate, deflateSync, type ZlibOptions } from 'node:zlib';
import { paethPrediction } from './png-paeth.ts';
import { PNG_SIGNATURE, pngChunk, textChunk } from './png-text.ts';
import { body, get, i32, instantiate, I32, mem, op, set, simd, v, V128, whileBelow } from './wasm-module.ts';

/** PNG colour type by interleaved channel count: grey, grey+alpha, RGB, RGBA. */
export const PNG_COLOUR_TYPE: Readonly<Record<number, number>> = { 1: 0, 2: 4, 3: 2, 4: 6 };

/** Bytes filtered per kernel call; a band of rows, the row above it first, must fit (the widest row is 64 KiB). */
const BAND = 1 << 20;
/** The band's rows start after 16 bytes, so the kernel's reads up and to the left stay inside memory. */
const IN_BASE = 16;
const OUT_BASE = IN_BASE + BAND + 16;
const PAGES = Math.ceil((OUT_BASE + BAND + 16) / 65536);

// paeth(n, stride, bpp): for k < n, out[k] = x[k] − paeth(x[k − bpp], x[k − stride], x[k − stride − bpp]), where
// x = IN_BASE + stride (the row above sits before it) and out = OUT_BASE; each half of 16 bytes is widened to 16 bits
// for the predictor. Locals: 0 n, 1 stride, 2 bpp (params), 3 k, 4 address of x[k], 5–8 x a b c, 9–11 widened
// a b c, 12–14 pa pb pc.
const load = (address: number[]) => [...address, ...mem(simd.load, 0)];
const widenedPrediction = (extend: number) => [
  ...get(6), ...v(extend), ...set(9),
  ...get(7), ...v(extend), ...set(10),
  ...get(8), ...v(extend), ...set(11),
  ...paethPrediction({ a: 9, b: 10, c: 11, pa: 12, pb: 13, pc: 14 }),
];
const paethStep = [
  ...get(3), ...i32(IN_BASE), op.i32Add, ...get(1), op.i32Add, ...set(4),
  ...load(get(4)), ...set(5),
  ...load([...get(4), ...get(2), op.i32Sub]), ...set(6),
  ...load([...get(4), ...get(1), op.i32Sub]), ...set(7),
  ...load([...get(4), ...get(1), op.i32Sub, ...get(2), op.i32Sub]), ...set(8),
  ...get(3), ...get(5),
  ...widenedPrediction(simd.i16x8ExtendLowI8x16U), ...widenedPrediction(simd.i16x8ExtendHighI8x16U), ...v(simd.i8x16NarrowI16x8U),
  ...v(simd.i8x16Sub),
  ...mem(simd.store, OUT_BASE),
];
const kernel = instantiate({
  functions: [{ name: 'paeth', params: [I32, I32, I32], body: body([[2, I32], [10, V128]], whileBelow(3, 0, 16, paethStep)) }],
  memory: { min: PAGES, max: PAGES }, // fixed size, so the views below never detach
}) as ReturnType<typeof instantiate> & { paeth: (n: number, stride: number, bpp: number) => void };
const inRegion = new Uint8Array(kernel.memory.buffer, IN_BASE, BAND + 16);
const outRegion = new Uint8Array(kernel.memory.buffer, OUT_BASE, BAND);

/** The scanlines of an image (`channels` interleaved 8-bit values per pixel), each row Paeth-filtered after its type byte. */
export function paethScanlines(pixels: Uint8Array, width: number, height: number, channels: number): Buffer {
  const stride = width * channels;
  if (2 * stride > BAND) throw new Error(`PNG: a row of ${width} pixels is too wide`);
  const out = Buffer.allocUnsafe((stride + 1) * height);
  const rowsPerBand = Math.floor(BAND / stride) - 1;
  for (let y0 = 0; y0 < height; y0 += rowsPerBand) {
    const rows = Math.min(rowsPerBand, height - y0);
    if (y0 === 0) inRegion.fill(0, 0, stride); // the row above the image reads as zeros
    else inRegion.set(pixels.subarray((y0 - 1) * stride, y0 * stride));
    inRegion.set(pixels.subarray(y0 * stride, (y0 + rows) * stride), stride);
    kernel.paeth(rows * stride, stride, channels);
    for (let r = 0; r < rows; r++) {
      const y = y0 + r;
      const line = y * (stride + 1);
      out[line] = 4;
      out.set(outRegion.subarray(r * stride, (r + 1) * stride), line + 1);
      // The kernel read the row before as the first pixel's left neighbours; with none (a = c = 0), Paeth predicts b.
      for (let i = 0; i < channels; i++) out[line + 1 + i] = pixels[y * stride + i]! - (y > 0 ? pixels[(y - 1) * stride + i]! : 0);
    }
  }
  return out;
}

/** zlib settings for filtered scanlines: run-length matches only (see the top of this file); level 0 stores. */
export function scanlineDeflateOptions(level: number, inputBytes: number): ZlibOptions {
  // One output chunk for the whole stream (deflate never grows data by more than its block headers).
  return { level, strategy: constants.Z_RLE, chunkSize: Math.max(64 * 1024, inputBytes + (inputBytes >> 10) + 64) };
}

/** The deflated Paeth scanlines of one image, synchronously (APNG frames). */
export function compressImageData(pixels: Uint8Array, width: number, height: number, channels: number, level: number): Buffer {
  const scanlines = paethScanlines(pixels, width, height, channels);
  return deflateSync(scanlines, scanlineDeflateOptions(level, scanlines.length));
}

const deflateAsync = promisify(deflate);

export interface PngOptions {
  /** zlib level 0–9 (ComfyUI: 4 for SaveImage, 1 for previews); 0 stores the rows uncompressed. */
  compressionLevel: number;
  /** Text chunks, in order, before the image data (as Pillow writes PngInfo text). */
  text?: ReadonlyArray<readonly [string, string]>;
}

/** An 8-bit PNG of one image; the deflate runs on the libuv threadpool, off the event loop. */
export async function encodePng(
  item: { pixels: Uint8Array; width: number; height: number; channels: 1 | 2 | 3 | 4 }, options: PngOptions,
): Promise<Buffer> {
  const { pixels, width, height, channels } = item;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, PNG_COLOUR_TYPE[channels]!, 0, 0, 0], 8);
  const scanlines = paethScanlines(pixels, width, height, channels);
  const data = await deflateAsync(scanlines, scanlineDeflateOptions(options.compressionLevel, scanlines.length));
  return Buffer.concat([
    PNG_SIGNATURE, pngChunk('IHDR', ihdr), ...(options.text ?? []).map(([key, text]) => textChunk(key, text)),
    pngChunk('IDAT', data), pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
