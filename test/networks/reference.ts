// Straightforward float64 reference implementations of the blocks' math, for tiny shapes in tests.

/** NCHW convolution; w [O, C, k, k]; pads [top, left, bottom, right]. */
export function conv2d(
  x: ArrayLike<number>, [B, C, H, W]: number[], w: ArrayLike<number>, O: number, k: number, b: ArrayLike<number> | null,
  stride = 1, pads: [number, number, number, number] = [0, 0, 0, 0],
): { data: Float64Array; shape: number[] } {
  const [pt, pl, pb, pr] = pads;
  const Ho = Math.floor((H + pt + pb - k) / stride) + 1;
  const Wo = Math.floor((W + pl + pr - k) / stride) + 1;
  const out = new Float64Array(B * O * Ho * Wo);
  for (let n = 0; n < B; n++) for (let o = 0; o < O; o++) for (let y = 0; y < Ho; y++) for (let xo = 0; xo < Wo; xo++) {
    let s = b ? b[o]! : 0;
    for (let c = 0; c < C; c++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      const yy = y * stride + i - pt;
      const xx = xo * stride + j - pl;
      if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;
      s += x[((n * C + c) * H + yy) * W + xx]! * w[((o * C + c) * k + i) * k + j]!;
    }
    out[((n * O + o) * Ho + y) * Wo + xo] = s;
  }
  return { data: out, shape: [B, O, Ho, Wo] };
}

/** GroupNorm over [B, C, …spatial] with per-channel affine. */
export function groupNorm(x: ArrayLike<number>, B: number, C: number, spatial: number, groups: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number): Float64Array {
  const out = new Float64Array(B * C * spatial);
  const per = (C / groups) * spatial;
  for (let n = 0; n < B; n++) for (let g = 0; g < groups; g++) {
    const start = (n * C + g * (C / groups)) * spatial;
    let mean = 0;
    for (let i = 0; i < per; i++) mean += x[start + i]!;
    mean /= per;
    let v = 0;
    for (let i = 0; i < per; i++) v += (x[start + i]! - mean) ** 2;
    v /= per;
    for (let i = 0; i < per; i++) {
      const c = g * (C / groups) + Math.floor(i / spatial);
      out[start + i] = ((x[start + i]! - mean) / Math.sqrt(v + eps)) * gamma[c]! + beta[c]!;
    }
  }
  return out;
}

/** LayerNorm over rows of width `d`. */
export function layerNorm(x: ArrayLike<number>, d: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let mean = 0;
    for (let i = 0; i < d; i++) mean += x[r * d + i]!;
    mean /= d;
    let v = 0;
    for (let i = 0; i < d; i++) v += (x[r * d + i]! - mean) ** 2;
    v /= d;
    for (let i = 0; i < d; i++) out[r * d + i] = ((x[r * d + i]! - mean) / Math.sqrt(v + eps)) * gamma[i]! + beta[i]!;
  }
  return out;
}

/** Rows of width `inDim` times wᵀ ([out, in]) plus b. */
export function linear(x: ArrayLike<number>, inDim: number, w: ArrayLike<number>, outDim: number, b: ArrayLike<number> | null): Float64Array {
  const rows = x.length / inDim;
  const out = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) for (let o = 0; o < outDim; o++) {
    let s = b ? b[o]! : 0;
    for (let i = 0; i < inDim; i++) s += x[r * inDim + i]! * w[o * inDim + i]!;
    out[r * outDim + o] = s;
  }
  return out;
}

/** Multi-head attention: q [B, S, h·d], k/v [B, L, h·d], scale 1/√d, optional causal mask. */
export function attention(q: ArrayLike<number>, k: ArrayLike<number>, v: ArrayLike<number>, B: number, S: number, L: number, heads: number, d: number, causal = false): Float64Array {
  const D = heads * d;
  const out = new Float64Array(B * S * D);
  for (let n = 0; n < B; n++) for (let h = 0; h < heads; h++) for (let i = 0; i < S; i++) {
    const scores = new Float64Array(L);
    let max = -Infinity;
    for (let j = 0; j < L; j++) {
      let s = 0;
      for (let e = 0; e < d; e++) s += q[(n * S + i) * D + h * d + e]! * k[(n * L + j) * D + h * d + e]!;
      scores[j] = causal && j > i ? -Infinity : s / Math.sqrt(d);
      max = Math.max(max, scores[j]!);
    }
    let sum = 0;
    for (let j = 0; j < L; j++) sum += scores[j] = Math.exp(scores[j]! - max);
    for (let e = 0; e < d; e++) {
      let s = 0;
      for (let j = 0; j < L; j++) s += (scores[j]! / sum) * v[(n * L + j) * D + h * d + e]!;
      out[(n * S + i) * D + h * d + e] = s;
    }
  }
  return out;
}

/** erf with |error| < 1.2e-7 (Numerical Recipes' erfc approximation). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}

export const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));
export const silu = (x: number) => x / (1 + Math.exp(-x));
