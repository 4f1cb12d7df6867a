// The float32 log, sine and cosine that torch's CPU `randn` uses on x86 (AVX2 kernel `normal_fill_16_AVX2`,
// whose `log256_ps` / `sincos256_ps` come from avx_mathfun.h: Cephes polynomials by Julien Pommier,
// ported to AVX). Reproducing them op for op in float32 makes our normal draws bit-identical to torch's
// (checked against shared/data/torch-noise). The compiler fuses some multiply–adds of those
// routines into FMA instructions; `fmaf` marks exactly the ones it fuses (found by matching the reference
// draws), every other step rounds to float32 on its own.
const f = Math.fround;

/** a·b + c rounded once to float32 (a, b, c float32), like the FMA instruction. */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b; // exact: two 24-bit significands fit in a double
  const s = p + c;
  const r = f(s);
  if (r === s) return r;
  const bb = s - p;
  const err = p - (s - bb) + (c - bb); // s + err == p + c exactly
  if (err === 0) return r;
  // s was rounded in double; only a float midpoint can round the wrong way, then err decides.
  const d = s - r;
  const other = f(r + 2 * d);
  if (other - r !== 2 * d) return r;
  return err > 0 === d > 0 ? other : r;
}

const i32 = new Int32Array(1);
const f32 = new Float32Array(i32.buffer);

const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f);
const SQRT_HALF = f(0.707106781186547524);
const LOG_Q1 = f(-2.1219444e-4);
const LOG_Q2 = f(0.693359375);

/** avx_mathfun `log256_ps` for a positive normal float32 (torch's u1 is in (0, 1]). */
export function logf(x0: number): number {
  f32[0] = x0;
  const bits = i32[0]!;
  let e = f((bits >>> 23) - 0x7f + 1);
  i32[0] = (bits & ~0x7f800000) | 0x3f000000; // mantissa in [0.5, 1)
  let x = f32[0]!;
  const small = x < SQRT_HALF;
  const xIfSmall = small ? x : 0;
  x = f(x - 1);
  if (small) e = f(e - 1);
  x = f(x + xIfSmall);
  const z = f(x * x);
  let y = LOG_P[0]!;
  for (let k = 1; k < LOG_P.length; k++) y = fmaf(y, x, LOG_P[k]!);
  y = f(y * x);
  y = fmaf(y, z, f(e * LOG_Q1));
  y = fmaf(z, -0.5, y);
  x = f(x + y);
  return fmaf(e, LOG_Q2, x);
}

const FOUR_OVER_PI = f(1.27323954473516);
const MINUS_DP1 = f(-0.78515625);
const MINUS_DP2 = f(-2.4187564849853515625e-4);
const MINUS_DP3 = f(-3.77489497744594108e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);

/** avx_mathfun `sincos256_ps`: writes [sin x, cos x] into `out`. */
export function sincosf(x0: number, out: Float64Array | number[]): void {
  let sinNegative = x0 < 0;
  let x = Math.abs(x0);
  let j = Math.trunc(f(x * FOUR_OVER_PI)) | 0;
  j = (j + 1) & ~1; // Cephes: round the octant up to even
  const y = j;
  if (j & 4) sinNegative = !sinNegative;
  const sinPolyForSin = (j & 2) === 0;
  const cosNegative = ((j - 2) & 4) === 0;
  // Extended-precision modular arithmetic: x - j·π/4 in three parts.
  x = fmaf(y, MINUS_DP1, x);
  x = fmaf(y, MINUS_DP2, x);
  x = fmaf(y, MINUS_DP3, x);
  const z = f(x * x);
  let c = fmaf(COS_P[0]!, z, COS_P[1]!);
  c = fmaf(c, z, COS_P[2]!);
  c = f(c * z);
  c = fmaf(c, z, -f(z * 0.5));
  c = f(c + 1);
  let s = fmaf(SIN_P[0]!, z, SIN_P[1]!);
  s = fmaf(s, z, SIN_P[2]!);
  s = f(s * z);
  s = fmaf(s, x, x);
  const sinValue = sinPolyForSin ? s : c;
  const cosValue = sinPolyForSin ? c : s;
  out[0] = sinNegative ? -sinValue : sinValue;
  out[1] = cosNegative ? -cosValue : cosValue;
}
