// Convolution filters of ComfyUI's post-processing nodes on IMAGE tensors [B,H,W,C]: the Gaussian kernel of
// ImageBlur/ImageSharpen (sampled on linspace(-1, 1, 2r+1), so sigma is relative to the radius, not in pixels)
// applied with reflect padding. The 2-D kernel is separable, so it runs as a row pass and a column pass.
import { Tensor } from '../inference/tensor.ts';

/** The normalised 1-D factor of ComfyUI's `gaussian_kernel(2r+1, sigma)`. */
export function gaussianKernel1D(radius: number, sigma: number): Float64Array {
  const size = radius * 2 + 1;
  const k = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const x = size === 1 ? -1 : -1 + (2 * i) / (size - 1);
    k[i] = Math.exp(-(x * x) / (2 * sigma * sigma));
    sum += k[i]!;
  }
  for (let i = 0; i < size; i++) k[i]! /= sum;
  return k;
}

/** Index tables for reflect padding (torch 'reflect': the edge sample is not repeated). */
function reflectIndex(n: number, radius: number): Int32Array {
  const idx = new Int32Array(n + 2 * radius);
  for (let i = -radius; i < n + radius; i++) {
    let j = i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
    if (n === 1) j = 0;
    idx[i + radius] = j;
  }
  return idx;
}

/**
 * out[p] = Σ_t kernel[t] · src[base + p + t·step] for p < len. Taps go four at a time over contiguous memory:
 * fewer read-modify-write passes over `out` than one pass per tap, and no inner loop over taps per sample.
 */
function convolveRun(src: Float32Array, base: number, step: number, kernel: Float64Array, out: Float32Array, outBase: number, len: number): void {
  const n = kernel.length;
  for (let t = 0; t < n; t += 4) {
    const b0 = base + t * step;
    const b1 = b0 + step;
    const b2 = b1 + step;
    const b3 = b2 + step;
    const c0 = kernel[t]!;
    const c1 = t + 1 < n ? kernel[t + 1]! : 0;
    const c2 = t + 2 < n ? kernel[t + 2]! : 0;
    const c3 = t + 3 < n ? kernel[t + 3]! : 0;
    const first = t === 0;
    switch (Math.min(n - t, 4)) {
      case 4:
        for (let p = 0; p < len; p++) {
          const v = c0 * src[b0 + p]! + c1 * src[b1 + p]! + c2 * src[b2 + p]! + c3 * src[b3 + p]!;
          out[outBase + p] = first ? v : out[outBase + p]! + v;
        }
        break;
      case 3:
        for (let p = 0; p < len; p++) {
          const v = c0 * src[b0 + p]! + c1 * src[b1 + p]! + c2 * src[b2 + p]!;
          out[outBase + p] = first ? v : out[outBase + p]! + v;
        }
        break;
      case 2:
        for (let p = 0; p < len; p++) {
          const v = c0 * src[b0 + p]! + c1 * src[b1 + p]!;
          out[outBase + p] = first ? v : out[outBase + p]! + v;
        }
        break;
      default:
        for (let p = 0; p < len; p++) out[outBase + p] = first ? c0 * src[b0 + p]! : out[outBase + p]! + c0 * src[b0 + p]!;
    }
  }
}

/** Separable convolution of every channel with `kernel` (odd length) and reflect padding. */
export function convolveSeparableReflect(image: Tensor, kernel: Float64Array): Tensor {
  const [b, h, w, c] = image.shape as [number, number, number, number];
  const r = (kernel.length - 1) / 2;
  if (r >= h || r >= w) {
    throw new Error(`a radius of ${r} needs an image larger than ${r}x${r} pixels (reflect padding), got ${w}x${h}`);
  }
  const xs = reflectIndex(w, r);
  const ys = reflectIndex(h, r);
  const src = image.data;
  const rowLen = w * c;
  const padded = new Float32Array((w + 2 * r) * c);
  // Rows of the horizontally filtered image with reflected rows above and below, so the column pass is
  // the same contiguous run as the row pass.
  const tmp = new Float32Array((h + 2 * r) * rowLen);
  const out = new Tensor(image.shape);
  for (let i = 0; i < b; i++) {
    const base = i * h * rowLen;
    for (let y = 0; y < h; y++) {
      const row = base + y * rowLen;
      for (let x = 0; x < w + 2 * r; x++) {
        const s0 = row + xs[x]! * c;
        for (let ch = 0; ch < c; ch++) padded[x * c + ch] = src[s0 + ch]!;
      }
      convolveRun(padded, 0, c, kernel, tmp, (y + r) * rowLen, rowLen);
    }
    for (let y = 0; y < 2 * r + h; y++) {
      if (y >= r && y < h + r) continue;
      tmp.copyWithin(y * rowLen, (ys[y]! + r) * rowLen, (ys[y]! + r + 1) * rowLen);
    }
    for (let y = 0; y < h; y++) convolveRun(tmp, y * rowLen, rowLen, kernel, out.data, base + y * rowLen, rowLen);
  }
  return out;
}
