// Convolution filters of ComfyUI's post-processing nodes on IMAGE tensors [B,H,W,C]: the Gaussian kernel of
// ImageBlur/ImageSharpen (sampled on linspace(-1, 1, 2r+1), so sigma is relative to the radius, not in pixels)
// applied with reflect padding. The 2-D kernel is separable, so it runs as a row pass and a column pass (SIMD,
// convolve-kernel.ts).
import { Tensor } from '../inference/tensor.ts';
import { convolveRun, kernelMemory } from './convolve-kernel.ts';

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

/** Rows of the image filtered per kernel call: about 24 MB of kernel memory for the three band regions. */
const BAND_BYTES = 24 * 1024 * 1024;

/**
 * Separable convolution of every channel with `kernel` (odd length) and reflect padding. The image goes through
 * the SIMD kernel in bands of rows: each band's rows (and r reflected rows above and below) are copied in with
 * r reflected pixels on each side, filtered along rows, then along columns, and the band's rows copied out.
 */
export function convolveSeparableReflect(image: Tensor, kernel: Float64Array): Tensor {
  const [b, h, w, c] = image.shape as [number, number, number, number];
  const r = (kernel.length - 1) / 2;
  if (r >= h || r >= w) {
    throw new Error(`a radius of ${r} needs an image larger than ${r}x${r} pixels (reflect padding), got ${w}x${h}`);
  }
  const xs = reflectIndex(w, r);
  const ys = reflectIndex(h, r);
  const src = image.data;
  const out = new Tensor(image.shape);
  const rowLen = w * c;
  const stride = (w + 2 * r) * c; // a padded row in the kernel's memory
  const bandRows = Math.max(1, Math.min(h, Math.floor(BAND_BYTES / (12 * stride)) - 2 * r));
  const inRows = bandRows + 2 * r;
  const slack = 2 * r * stride + 8;
  const { coefficients, regions, offsets } = kernelMemory([inRows * stride + slack, inRows * stride + slack, bandRows * stride + 8]);
  const [band, , filtered] = regions as [Float32Array, Float32Array, Float32Array];
  const [bandAt, rowsAt, filteredAt] = offsets as [number, number, number];
  for (let i = 0; i < b; i++) {
    const base = i * h * rowLen;
    for (let y0 = 0; y0 < h; y0 += bandRows) {
      const rows = Math.min(bandRows, h - y0);
      for (let j = 0; j < rows + 2 * r; j++) {
        const row = base + ys[y0 + j]! * rowLen;
        const at = j * stride;
        band.set(src.subarray(row, row + rowLen), at + r * c);
        for (let x = 0; x < r; x++) {
          for (let ch = 0; ch < c; ch++) {
            band[at + x * c + ch] = src[row + xs[x]! * c + ch]!;
            band[at + (w + r + x) * c + ch] = src[row + xs[w + r + x]! * c + ch]!;
          }
        }
      }
      convolveRun(coefficients, kernel, bandAt, rowsAt, (rows + 2 * r) * stride, c);
      convolveRun(coefficients, kernel, rowsAt, filteredAt, rows * stride, stride);
      for (let j = 0; j < rows; j++) out.data.set(filtered.subarray(j * stride, j * stride + rowLen), base + (y0 + j) * rowLen);
    }
  }
  return out;
}
