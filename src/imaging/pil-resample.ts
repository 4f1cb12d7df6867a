// Pillow's `Image.resize` on 8-bit images (libImaging/Resample.c): separable convolution with fixed-point
// coefficients, a horizontal pass over the rows the vertical pass needs, then a vertical pass, each rounding and
// clipping to uint8. ComfyUI's "lanczos" upscale goes through Pillow, so this reproduces its pixels exactly;
// libvips (sharp) uses another kernel normalisation and differs by a few levels.
// RGBA is premultiplied around the resize, as Pillow does for RGBA/LA with any filter but NEAREST. Both passes run
// through one SIMD kernel (resample-kernel.ts) with the same integer arithmetic, the horizontal one on transposed rows.
import { resampleVertical, type ResampleCoefficients } from './resample-kernel.ts';
import { transposeGrid } from './transpose.ts';

export interface PilFilter {
  support: number;
  weight(x: number): number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

export const PIL_FILTERS = {
  /** Image.Resampling.LANCZOS: sinc windowed by sinc, a = 3. */
  lanczos: { support: 3, weight: (x: number) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
  /** Image.Resampling.BILINEAR (triangle). */
  bilinear: { support: 1, weight: (x: number) => (x < 0 ? (x > -1 ? 1 + x : 0) : x < 1 ? 1 - x : 0) },
  /** Image.Resampling.BICUBIC, a = -0.5. */
  bicubic: {
    support: 2,
    weight: (x: number) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
  /** Image.Resampling.BOX. */
  box: { support: 0.5, weight: (x: number) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
} satisfies Record<string, PilFilter>;

const PRECISION_BITS = 32 - 8 - 2;


/** Resample.c `precompute_coeffs` followed by `normalize_coeffs_8bpc`. */
function precompute(inSize: number, outSize: number, filter: PilFilter): ResampleCoefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      k[x] = filter.weight((x + xmin - center + 0.5) * ss);
      ww += k[x]!;
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x]! / ww : k[x]!;
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * 2 ** PRECISION_BITS) : Math.trunc(0.5 + w * 2 ** PRECISION_BITS);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, weights };
}

/**
 * Resample.c's horizontal pass over `rows` rows from `rowFirst`: the same fixed-point sums along a row, done as the
 * vertical kernel's pass over the transposed rows (contiguous, SIMD) and transposed back.
 */
function resampleHorizontal(
  src: Uint8Array, srcW: number, channels: number, rowFirst: number, rows: number, outW: number, c: ResampleCoefficients,
): Uint8Array {
  const rowBytes = srcW * channels;
  const columns = transposeGrid(src.subarray(rowFirst * rowBytes, (rowFirst + rows) * rowBytes), new Uint8Array(rows * rowBytes), 1, rows, srcW, channels);
  const resampled = resampleVertical(columns, rows * channels, outW, c, 0);
  return transposeGrid(resampled, new Uint8Array(resampled.length), 1, outW, rows, channels);
}


/** Pillow's RGBA → RGBa conversion (premultiply with rounding). */
function premultiply(px: Uint8Array): void {
  for (let i = 0; i < px.length; i += 4) {
    const a = px[i + 3]!;
    for (let c = 0; c < 3; c++) {
      const t = px[i + c]! * a + 128;
      px[i + c] = ((t >> 8) + t) >> 8;
    }
  }
}

/** Pillow's RGBa → RGBA conversion (integer division, clipped). */
function unpremultiply(px: Uint8Array): void {
  for (let i = 0; i < px.length; i += 4) {
    const a = px[i + 3]!;
    if (a === 0 || a === 255) continue;
    for (let c = 0; c < 3; c++) px[i + c] = Math.min(255, Math.floor((255 * px[i + c]!) / a));
  }
}

/**
 * Resizes interleaved 8-bit pixels (1–4 channels) as Pillow's `Image.resize((outW, outH), filter)` does for modes
 * L, LA, RGB and RGBA. Returns a new buffer.
 */
export function pilResize(
  src: Uint8Array, width: number, height: number, channels: number, outW: number, outH: number,
  filter: PilFilter = PIL_FILTERS.lanczos,
): Uint8Array {
  if (outW === width && outH === height) return src.slice();
  const alpha = channels === 4 || channels === 2;
  let input = src;
  if (channels === 4) {
    input = src.slice();
    premultiply(input);
  } else if (channels === 2) {
    input = src.slice();
    for (let i = 0; i < input.length; i += 2) {
      const t = input[i]! * input[i + 1]! + 128;
      input[i] = ((t >> 8) + t) >> 8;
    }
  }
  const horiz = precompute(width, outW, filter);
  const vert = precompute(height, outH, filter);
  const rowFirst = vert.bounds[0]!;
  const rowLast = vert.bounds[(outH - 1) * 2]! + vert.bounds[(outH - 1) * 2 + 1]!;
  let out: Uint8Array;
  if (outW !== width) {
    const temp = resampleHorizontal(input, width, channels, rowFirst, rowLast - rowFirst, outW, horiz);
    out = outH !== height ? resampleVertical(temp, outW * channels, outH, vert, rowFirst) : temp;
  } else {
    out = resampleVertical(input, width * channels, outH, vert, 0);
  }
  if (channels === 4) unpremultiply(out);
  else if (alpha) {
    for (let i = 0; i < out.length; i += 2) {
      const a = out[i + 1]!;
      if (a !== 0 && a !== 255) out[i] = Math.min(255, Math.floor((255 * out[i]!) / a));
    }
  }
  return out;
}
