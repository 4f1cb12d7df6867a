// The Paeth predictor (PNG spec §9.4) as WebAssembly SIMD code over eight 16-bit lanes, shared by the PNG writer
// (filtering) and reader (unfiltering). 16 bits because |a + b − 2c| reaches 510.
import { get, set, simd, v } from './wasm-module.ts';

/**
 * Code that leaves, in each lane, a if pa ≤ pb and pa ≤ pc, else b if pb ≤ pc, else c, where pa = |b − c|,
 * pb = |a − c| and pc = |a + b − 2c|; a, b and c are the numbers of v128 locals holding 16-bit lanes, and pa, pb,
 * pc the numbers of three scratch v128 locals.
 */
export function paethPrediction(l: { a: number; b: number; c: number; pa: number; pb: number; pc: number }): number[] {
  return [
    ...get(l.b), ...get(l.c), ...v(simd.i16x8Sub), ...v(simd.i16x8Abs), ...set(l.pa),
    ...get(l.a), ...get(l.c), ...v(simd.i16x8Sub), ...v(simd.i16x8Abs), ...set(l.pb),
    ...get(l.a), ...get(l.b), ...v(simd.i16x8Add), ...get(l.c), ...v(simd.i16x8Sub), ...get(l.c), ...v(simd.i16x8Sub),
    ...v(simd.i16x8Abs), ...set(l.pc),
    // bitselect(x, y, mask): x where the mask's bits are set, else y.
    ...get(l.a),
    ...get(l.b), ...get(l.c), ...get(l.pb), ...get(l.pc), ...v(simd.i16x8LeS), ...v(simd.v128Bitselect),
    ...get(l.pa), ...get(l.pb), ...v(simd.i16x8LeS), ...get(l.pa), ...get(l.pc), ...v(simd.i16x8LeS), ...v(simd.v128And),
    ...v(simd.v128Bitselect),
  ];
}
