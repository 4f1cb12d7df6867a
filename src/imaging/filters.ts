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

/** out[p] = Σ_t kernel[t] · src[base + p + t·step] for p < len: one tap at a time over contiguous memory. */
function convolveRun(src: Float32Array, base: number, step: number, kernel: Float64Array, out: Float32Array, outBase: number, len: number): void {
  const w0 = kernel[0]!;
  for (let p = 0; p < len; p++) out[outBase + p] = w0 * src[base + p]!;
  for (let t = 1; t < kernel.length; t++) {
    const wt = kernel[t]!;
    const off = base + t * step;
    for (let p = 0; p < len; p++) out[outBase + p] += wt * src[off + p]!;
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
