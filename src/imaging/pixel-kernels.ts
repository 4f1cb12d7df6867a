// The two conversions every image passes through, 8-bit pixels ↔ IMAGE floats, `1 − x` (ImageInvert,
// InvertMask) and a 256-entry byte table (the 8-bit output of a byte-coded tensor), as WebAssembly SIMD kernels.
// Scalar JavaScript spends ~2 ns per value on them (a 512×512 image: ~1.5 ms each way); 128-bit lanes do 16 values
// per step (the module is assembled by wasm-module.ts). Both kernels compute in float32, exactly as ComfyUI's numpy
// code does:
//   bytes → floats: `u8.astype(float32) / 255` (a correctly rounded division per value);
//   floats → bytes: `clip(x · 255, 0, 255).astype(uint8)`: the float32 product, truncated, saturated (NaN → 0);
//   `1.0 − x` in float32 (JavaScript loops over float32 arrays run ~1.5 ns per value here, the kernel ~0.3).
// Data is copied through the module's own memory in chunks, so any size works with a fixed 1.25 MB memory.
import { Tensor, type ByteCoded } from '../inference/tensor.ts';
import { body, f32Splat, get, i32, instantiate, I32, mem, op, set, simd, v, V128, whileBelow } from './wasm-module.ts';

/** Values per kernel call: the byte region holds CHUNK bytes at 0, the float region CHUNK floats after it. */
const CHUNK = 1 << 18;
const FLOAT_BASE = CHUNK;
const PAGES = (CHUNK + 4 * CHUNK) / 65536;

/**
 * `for (i = 0; i < n; i += 16) body` around a body that reads the local `i` (local 1), with `constant` (local 2)
 * set to the given value in every lane first. Locals: 0 n (param), 1 i, 2 constant, 3 and 4 scratch vectors.
 */
function loopFunction(loopBody: number[], constant = 255): number[] {
  return body([[1, I32], [3, V128]], [...f32Splat(constant), ...set(2), ...whileBelow(1, 0, 16, loopBody)]);
}

/** Four float lanes at `FLOAT_BASE + 4i + 16k`, address pushed by the caller's `4i`. */
const floatAddress = [...get(1), ...i32(2), op.i32Shl];

// bytes → floats: 16 bytes widen to 2 × 8 u16, then 4 × 4 u32, converted and divided by 255.
const bytesToFloatsBody = [
  ...get(1), ...mem(simd.load, 0), ...set(3),
  ...[simd.i16x8ExtendLowI8x16U, simd.i16x8ExtendHighI8x16U].flatMap((half, h) => [
    ...get(3), ...v(half), ...set(4),
    ...[simd.i32x4ExtendLowI16x8U, simd.i32x4ExtendHighI16x8U].flatMap((quarter, q) => [
      ...floatAddress,
      ...get(4), ...v(quarter), ...v(simd.f32x4ConvertI32x4U), ...get(2), ...v(simd.f32x4Div),
      ...mem(simd.store, FLOAT_BASE + 32 * h + 16 * q),
    ]),
  ]),
];

// floats → bytes: 4 × 4 floats scaled and truncated to i32 (saturating, NaN → 0), narrowed to 16 bytes with
// saturation at 0 and 255.
const scaledLanes = (k: number) => [...floatAddress, ...mem(simd.load, FLOAT_BASE + 16 * k), ...get(2), ...v(simd.f32x4Mul), ...v(simd.i32x4TruncSatF32x4S)];
const floatsToBytesBody = [
  ...get(1),
  ...scaledLanes(0), ...scaledLanes(1), ...v(simd.i16x8NarrowI32x4S),
  ...scaledLanes(2), ...scaledLanes(3), ...v(simd.i16x8NarrowI32x4S),
  ...v(simd.i8x16NarrowI16x8U),
  ...mem(simd.store, 0),
];

// 1 − x, in place in the float region: 4 × 4 lanes subtracted from the constant 1.
const oneMinusBody = [0, 1, 2, 3].flatMap((k) => [
  ...floatAddress, ...get(2), ...floatAddress, ...mem(simd.load, FLOAT_BASE + 16 * k), ...v(simd.f32x4Sub),
  ...mem(simd.store, FLOAT_BASE + 16 * k),
]);

// bytes → bytes through a 256-entry table at FLOAT_BASE, in place in the byte region. A swizzle looks up 16
// entries (0 for an index ≥ 16), so each of the 16 table slices takes the bytes shifted down by 16k and the results
// are or-ed: exactly one slice hits. Locals: 1 i, 2 the shifted bytes, 3 the result, 4 sixteen, 5–20 the slices.
const tableSlices = Array.from({ length: 16 }, (_, k) => [...i32(0), ...mem(simd.load, FLOAT_BASE + 16 * k), ...set(5 + k)]).flat();
const mapBytesBody = [
  ...get(1), ...mem(simd.load, 0), ...set(2),
  ...get(5), ...get(2), ...v(simd.i8x16Swizzle), ...set(3),
  ...Array.from({ length: 15 }, (_, j) => [
    ...get(2), ...get(4), ...v(simd.i8x16Sub), ...set(2),
    ...get(3), ...get(6 + j), ...get(2), ...v(simd.i8x16Swizzle), ...v(simd.v128Or), ...set(3),
  ]).flat(),
  ...get(1), ...get(3), ...mem(simd.store, 0),
];
const mapBytesFunction = body([[1, I32], [19, V128]], [
  ...tableSlices, ...i32(16), ...v(simd.i8x16Splat), ...set(4),
  ...whileBelow(1, 0, 16, mapBytesBody),
]);

type Kernel = (n: number) => void;
const kernels = instantiate({
  functions: [
    { name: 'bytesToFloats', params: [I32], body: loopFunction(bytesToFloatsBody) },
    { name: 'floatsToBytes', params: [I32], body: loopFunction(floatsToBytesBody) },
    { name: 'oneMinus', params: [I32], body: loopFunction(oneMinusBody, 1) },
    { name: 'mapBytes', params: [I32], body: mapBytesFunction },
  ],
  memory: { min: PAGES, max: PAGES }, // fixed size, so the views below never detach
}) as ReturnType<typeof instantiate> & { bytesToFloats: Kernel; floatsToBytes: Kernel; oneMinus: Kernel; mapBytes: Kernel };
const byteRegion = new Uint8Array(kernels.memory.buffer, 0, CHUNK);
const floatRegion = new Float32Array(kernels.memory.buffer, FLOAT_BASE, CHUNK);
const byteTable = new Uint8Array(kernels.memory.buffer, FLOAT_BASE, 256);

/** `v / 255` as float32 for every byte, for code that converts interleaved values one by one. */
export const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** Runs `kernel` over `src` chunk by chunk: copied into `input`, converted, copied out of `output` into `dst`. */
function throughKernel<S extends Uint8Array | Float32Array, D extends Uint8Array | Float32Array>(
  kernel: Kernel, input: S, output: D, src: S, dst: D, length: number,
): void {
  for (let start = 0; start < length; start += CHUNK) {
    const n = Math.min(CHUNK, length - start);
    input.set(src.subarray(start, start + n));
    kernel(n);
    dst.set(output.subarray(0, n), start);
  }
}

/** 8-bit values to floats in 0..1 (`v / 255`), for the first `dst.length` values of `src`. */
export function bytesToUnit(src: Uint8Array, dst: Float32Array): void {
  throughKernel(kernels.bytesToFloats, byteRegion, floatRegion, src, dst, dst.length);
}

/** ComfyUI's 8-bit conversion: `clip(255·x, 0, 255).astype(uint8)` (truncation, NaN → 0). */
export function toUint8Into(src: Float32Array, dst: Uint8Array): void {
  throughKernel(kernels.floatsToBytes, floatRegion, byteRegion, src, dst, src.length);
}

/** `1 − x` in float32 for every value of `src`, into `dst` (which may be `src`). */
export function oneMinusInto(src: Float32Array, dst: Float32Array): void {
  throughKernel(kernels.oneMinus, floatRegion, floatRegion, src, dst, src.length);
}

/** The floats of a byte-coded tensor, `levels[code]` each (the conversion kernel when the levels are `v / 255`). */
export function expandByteCodes({ codes, levels }: ByteCoded, out: Float32Array): void {
  if (levels === BYTE_TO_UNIT) return bytesToUnit(codes, out);
  for (let i = 0; i < out.length; i++) out[i] = levels[codes[i]!]!;
}

/** A tensor of 8-bit values v, each standing for the float v / 255, kept as bytes until its floats are read. */
export function unitBytesTensor(shape: readonly number[], codes: Uint8Array): Tensor {
  return Tensor.fromByteCodes(shape, { codes, levels: BYTE_TO_UNIT }, expandByteCodes);
}

/**
 * A per-value float op on a byte-coded tensor, done on its 256 levels: the same floats as on every value, in a
 * tensor that shares the codes. Null when `t` is not byte-coded (the caller then maps its floats).
 */
export function mapByteLevels(t: Tensor, op: (src: Float32Array, dst: Float32Array) => void): Tensor | null {
  const coded = t.byteCoded;
  if (coded === null) return null;
  const levels = new Float32Array(256);
  op(coded.levels, levels);
  return Tensor.fromByteCodes(t.shape, { codes: coded.codes, levels }, expandByteCodes);
}

/** `toUint8Into` for a byte-coded tensor's values [start, start + dst.length): the 256 levels converted, then looked up. */
export function byteCodesToUint8(coded: ByteCoded, start: number, dst: Uint8Array): void {
  const table = new Uint8Array(256);
  toUint8Into(coded.levels, table);
  const codes = coded.codes.subarray(start, start + dst.length);
  if (table.every((v, i) => v === i)) return dst.set(codes);
  byteTable.set(table);
  throughKernel(kernels.mapBytes, byteRegion, byteRegion, codes, dst, dst.length);
}
