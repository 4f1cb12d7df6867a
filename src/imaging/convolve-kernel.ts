// The inner loop of the separable filters (ImageBlur, ImageSharpen) as a WebAssembly SIMD kernel:
// out[q] = Σ_t k[t] · src[q + t·step] over one contiguous run, four float32 lanes at a time (torch's conv2d also
// computes in float32). A run is a band of image rows laid out with a fixed row stride, so one call filters the
// whole band: along rows with step = channels, along columns with step = the row stride.
import { body, f32Splat, get, i32, instantiate, I32, layOut, mem, op, set, simd, v, V128, whileBelow } from './wasm-module.ts';

/** Up to 64 taps (radius 31 gives 63), each stored splatted over 4 lanes at the start of memory. */
const MAX_TAPS = 64;
const COEF_BYTES = MAX_TAPS * 16;

// convolve(src, dst, countBytes, taps, stepBytes): params 0–4; locals 5 p, 6 t, 7 address, 8 acc.
const [SRC, DST, COUNT, TAPS, STEP, P, T, ADDR, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const convolveBody = body([[3, I32], [1, V128]], whileBelow(P, COUNT, 16, [
  ...f32Splat(0), ...set(ACC),
  ...i32(0), ...set(T),
  ...get(SRC), ...get(P), op.i32Add, ...set(ADDR),
  ...whileBelow(T, TAPS, 1, [
    ...get(ACC),
    ...get(T), ...i32(4), op.i32Shl, ...mem(simd.load),
    ...get(ADDR), ...mem(simd.load),
    ...v(simd.f32x4Mul), ...v(simd.f32x4Add), ...set(ACC),
    ...get(ADDR), ...get(STEP), op.i32Add, ...set(ADDR),
  ]),
  ...get(DST), ...get(P), op.i32Add, ...get(ACC), ...mem(simd.store),
]));

const kernel = instantiate({
  functions: [{ name: 'convolve', params: [I32, I32, I32, I32, I32], body: convolveBody }],
  memory: { min: 1 },
}) as ReturnType<typeof instantiate> & { convolve(src: number, dst: number, countBytes: number, taps: number, stepBytes: number): void };

/** Float32 views of the kernel's memory: coefficients, then the regions asked for (each 16-byte aligned). */
export function kernelMemory(regionFloats: readonly number[]): { coefficients: Float32Array; regions: Float32Array[]; offsets: number[] } {
  const offsets = layOut(kernel.memory, COEF_BYTES, regionFloats.map((floats) => floats * 4));
  const buffer = kernel.memory.buffer;
  return {
    coefficients: new Float32Array(buffer, 0, MAX_TAPS * 4),
    regions: regionFloats.map((floats, i) => new Float32Array(buffer, offsets[i]!, floats)),
    offsets,
  };
}

/**
 * Writes the taps (as float32, each over 4 lanes) and runs out[q] = Σ_t k[t]·in[q + t·step] for q < count (rounded
 * up to 4; the region after `in` must hold (taps − 1)·step + 4 more floats).
 */
export function convolveRun(coefficients: Float32Array, taps: Float64Array, inOffset: number, outOffset: number, count: number, stepFloats: number): void {
  if (taps.length > MAX_TAPS) throw new Error(`a filter of ${taps.length} taps is longer than ${MAX_TAPS}`);
  taps.forEach((k, t) => coefficients.fill(k, 4 * t, 4 * t + 4));
  kernel.convolve(inOffset, outOffset, Math.ceil(count / 4) * 16, taps.length, stepFloats * 4);
}
