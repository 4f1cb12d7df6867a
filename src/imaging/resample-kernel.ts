// The vertical pass of Pillow's 8-bit resampling (Resample.c `ImagingResampleVertical_8bpc`) as a WebAssembly SIMD
// kernel: for every byte of an output row, ss = 2^21 + Σ_t k[t] · in[row t][x] in wrapping int32, then clip8
// (ss >> 22 saturated to 0..255), sixteen bytes at a time. The same integer arithmetic as Pillow, so the bytes are
// identical. Rows go through the kernel's memory in bands, so it stays a few megabytes whatever the image size.
import { body, get, i32, instantiate, I32, layOut, mem, op, set, simd, v, V128, whileBelow } from './wasm-module.ts';

const PRECISION_BITS = 32 - 8 - 2;
const BAND_BYTES = 8 * 1024 * 1024;

// resampleRows(src, dst, countBytes, taps, strideBytes): params 0–4; locals 5 p, 6 t, 7 address, 8 k, 9 x, 10 half,
// 11–14 four int32 accumulators.
const [SRC, DST, COUNT, TAPS, STRIDE, P, T, ADDR, K, X, HALF, A0] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const accumulate = (acc: number, widen: number) => [
  ...get(acc), ...get(HALF), ...v(widen), ...get(K), ...v(simd.i32x4Mul), ...v(simd.i32x4Add), ...set(acc),
];
const shifted = (acc: number) => [...get(acc), ...i32(PRECISION_BITS), ...v(simd.i32x4ShrS)];
const resampleBody = body([[3, I32], [7, V128]], whileBelow(P, COUNT, 16, [
  ...[0, 1, 2, 3].flatMap((a) => [...i32(1 << (PRECISION_BITS - 1)), ...v(simd.i32x4Splat), ...set(A0 + a)]),
  ...i32(0), ...set(T),
  ...get(SRC), ...get(P), op.i32Add, ...set(ADDR),
  ...whileBelow(T, TAPS, 1, [
    ...get(T), ...i32(4), op.i32Shl, ...mem(simd.load), ...set(K),
    ...get(ADDR), ...mem(simd.load), ...set(X),
    ...get(X), ...v(simd.i16x8ExtendLowI8x16U), ...set(HALF),
    ...accumulate(A0, simd.i32x4ExtendLowI16x8U), ...accumulate(A0 + 1, simd.i32x4ExtendHighI16x8U),
    ...get(X), ...v(simd.i16x8ExtendHighI8x16U), ...set(HALF),
    ...accumulate(A0 + 2, simd.i32x4ExtendLowI16x8U), ...accumulate(A0 + 3, simd.i32x4ExtendHighI16x8U),
    ...get(ADDR), ...get(STRIDE), op.i32Add, ...set(ADDR),
  ]),
  ...get(DST), ...get(P), op.i32Add,
  ...shifted(A0), ...shifted(A0 + 1), ...v(simd.i16x8NarrowI32x4S),
  ...shifted(A0 + 2), ...shifted(A0 + 3), ...v(simd.i16x8NarrowI32x4S),
  ...v(simd.i8x16NarrowI16x8U), ...mem(simd.store),
]));

const kernel = instantiate({
  functions: [{ name: 'resampleRows', params: [I32, I32, I32, I32, I32], body: resampleBody }],
  memory: { min: 1 },
}) as ReturnType<typeof instantiate> & { resampleRows(src: number, dst: number, countBytes: number, taps: number, strideBytes: number): void };

/** Resample.c's precomputed filter along one axis. */
export interface ResampleCoefficients {
  /** Number of taps stored per output sample. */
  ksize: number;
  /** Per output sample: first input index and tap count. */
  bounds: Int32Array;
  /** Fixed-point weights, `ksize` per output sample. */
  weights: Int32Array;
}

/** Pillow's vertical pass over `src` rows of `rowLen` bytes; input row indices are offset by `shift`. */
export function resampleVertical(src: Uint8Array, rowLen: number, outH: number, c: ResampleCoefficients, shift: number): Uint8Array {
  const { ksize, bounds, weights } = c;
  // The taps' int32 weights, each over 4 lanes, lie at the start of the kernel's memory.
  const coefBytes = ksize * 16;
  const out = new Uint8Array(rowLen * outH);
  const count = Math.ceil(rowLen / 16) * 16;
  const bandRows = Math.max(1, Math.floor(BAND_BYTES / (2 * rowLen)));
  for (let first = 0; first < outH; first += bandRows) {
    const rows = Math.min(bandRows, outH - first);
    let inFirst = Infinity;
    let inEnd = 0;
    for (let yy = first; yy < first + rows; yy++) {
      inFirst = Math.min(inFirst, bounds[yy * 2]! - shift);
      inEnd = Math.max(inEnd, bounds[yy * 2]! - shift + bounds[yy * 2 + 1]!);
    }
    // 16 spare bytes after each region: a row's last 16-byte group may read and write past its end.
    const [inAt, outAt] = layOut(kernel.memory, coefBytes, [(inEnd - inFirst) * rowLen + 16, rows * rowLen + 16]) as [number, number];
    const memory = new Uint8Array(kernel.memory.buffer);
    const coefficients = new Int32Array(kernel.memory.buffer, 0, ksize * 4);
    memory.set(src.subarray(inFirst * rowLen, inEnd * rowLen), inAt);
    for (let j = 0; j < rows; j++) {
      const yy = first + j;
      const ymin = bounds[yy * 2]! - shift;
      const taps = bounds[yy * 2 + 1]!;
      for (let t = 0; t < taps; t++) coefficients.fill(weights[yy * ksize + t]!, 4 * t, 4 * t + 4);
      kernel.resampleRows(inAt + (ymin - inFirst) * rowLen, outAt + j * rowLen, count, taps, rowLen);
    }
    out.set(memory.subarray(outAt, outAt + rows * rowLen), first * rowLen);
  }
  return out;
}
