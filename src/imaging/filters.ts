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

/** Separable convolution of every channel with `kernel` (odd length) and reflect padding. */
export function convolveSeparableReflect(image: Tensor, kernel: Float64Array): Tensor {
  const [b, h, w, c] = image.shape as [number, number, number, number];
  const r = (kernel.length - 1) / 2;
  if (r >= h || r >= w) {
    throw new Error(`a radius of ${r} needs an image larger than ${r}x${r} pixels (reflect padding), got ${w}x${h}`);
  }
  const xs = reflectIndex(w, r);
  const ys = reflectIndex(h, r);
  const k = kernel.length;
  const src = image.data;
  const tmp = new Float32Array(h * w * c);
  const out = new Tensor(image.shape);
  const dst = out.data;
  const plane = h * w * c;
  const padded = new Float32Array((w + 2 * r) * c);
  const rowLen = w * c;
  for (let i = 0; i < b; i++) {
    const base = i * plane;
    for (let y = 0; y < h; y++) {
      const row = base + y * rowLen;
      // The row with its reflected margins, so the taps index it directly.
      for (let x = 0; x < w + 2 * r; x++) {
        const s0 = row + xs[x]! * c;
        for (let ch = 0; ch < c; ch++) padded[x * c + ch] = src[s0 + ch]!;
      }
      const o = y * rowLen;
      for (let p = 0; p < rowLen; p++) {
        let s = 0;
        for (let t = 0, q = p; t < k; t++, q += c) s += kernel[t]! * padded[q]!;
        tmp[o + p] = s;
      }
    }
    for (let y = 0; y < h; y++) {
      const o = base + y * rowLen;
      for (let t = 0; t < k; t++) {
        const wt = kernel[t]!;
        const srcRow = ys[y + t]! * rowLen;
        if (t === 0) for (let p = 0; p < rowLen; p++) dst[o + p] = wt * tmp[srcRow + p]!;
        else for (let p = 0; p < rowLen; p++) dst[o + p] += wt * tmp[srcRow + p]!;
      }
    }
  }
  return out;
}
