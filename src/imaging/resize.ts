// ComfyUI's `comfy.utils.common_upscale` on float tensors: torch.nn.functional.interpolate's "nearest-exact",
// "bilinear" (align_corners=False, no antialias), "bicubic" (a = -0.75, no antialias, no clamping) and "area"
// (adaptive average pooling), Pillow's LANCZOS through 8-bit pixels ("lanczos"), and ComfyUI's "bislerp"
// (spherical interpolation of channel vectors, for latents).
// Torch computes source coordinates in float32; `f32` below mirrors that so indices match at the half-pixel edges.
import { Tensor } from '../inference/tensor.ts';
import { PIL_FILTERS, pilResize } from './pil-resample.ts';
import { bislerpNCHW } from './bislerp.ts';
import { bytesToUnit, toUint8Into } from './pixel-kernels.ts';
import { transposeGrid } from './transpose.ts';

export const UPSCALE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'] as const;
export const LATENT_UPSCALE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'bislerp'] as const;
export const CROP_METHODS = ['disabled', 'center'] as const;
export type ResizeMethod = 'nearest-exact' | 'bilinear' | 'area' | 'bicubic' | 'lanczos' | 'bislerp';
export type CropMethod = (typeof CROP_METHODS)[number];

const f32 = Math.fround;

/** Python 3's round(): halves go to the even neighbour. */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`resize: output size must be positive integers, got ${width}x${height}`);
  }
}

/**
 * Resizes the last two axes of an NCHW tensor (rank 3 `[B,H,W]` masks, rank 4 `[N,C,H,W]`, rank 5
 * `[B,C,T,H,W]` video latents) to `height`×`width` with one of ComfyUI's upscale methods.
 */
export function resizeNCHW(t: Tensor, width: number, height: number, method: string): Tensor {
  checkSize(width, height);
  if (t.rank < 2) throw new Error(`resize: expected at least 2 dimensions, got [${t.shape.join(', ')}]`);
  const h = t.shape[t.rank - 2]!;
  const w = t.shape[t.rank - 1]!;
  if (h < 1 || w < 1) throw new Error(`resize: cannot resize an empty ${w}x${h} tensor`);
  const lead = t.shape.slice(0, -2);
  if (method === 'bislerp' || method === 'lanczos') {
    // Both mix channels: fold [B,C,T,H,W] into [B*T,C,H,W] as common_upscale does.
    if (t.rank === 5) return resizeFolded5D(t, width, height, method);
    const [n, c] = t.rank === 4 ? [t.shape[0]!, t.shape[1]!] : [t.size / (h * w), 1];
    const out = method === 'bislerp'
      ? bislerpNCHW(t.data, n, c, h, w, width, height)
      : lanczosNCHW(t.data, n, c, h, w, width, height);
    return new Tensor([...lead, height, width], out);
  }
  const planes = t.size / (h * w);
  const out = new Float32Array(planes * width * height);
  const plane = planeResizer(method, w, h, width, height);
  for (let p = 0; p < planes; p++) {
    plane(t.data.subarray(p * h * w, (p + 1) * h * w), out.subarray(p * width * height, (p + 1) * width * height));
  }
  return new Tensor([...lead, height, width], out);
}

function resizeFolded5D(t: Tensor, width: number, height: number, method: string): Tensor {
  const [b, c, f, h, w] = t.shape as [number, number, number, number, number];
  const folded = new Tensor([b * f, c, h, w], permute5(t.data, b, c, f, h * w, false));
  const r = resizeNCHW(folded, width, height, method);
  return new Tensor([b, c, f, height, width], permute5(r.data, b, c, f, height * width, true));
}

/** [B,C,T,HW] ↔ [B,T,C,HW]. */
function permute5(src: Float32Array, b: number, c: number, f: number, hw: number, back: boolean): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < b; i++)
    for (let ci = 0; ci < c; ci++)
      for (let fi = 0; fi < f; fi++) {
        const a = ((i * c + ci) * f + fi) * hw;
        const z = ((i * f + fi) * c + ci) * hw;
        if (back) out.set(src.subarray(z, z + hw), a);
        else out.set(src.subarray(a, a + hw), z);
      }
  return out;
}

/** `common_upscale(samples, width, height, method, crop)` on an NCHW tensor. */
export function commonUpscale(t: Tensor, width: number, height: number, method: string, crop: string): Tensor {
  checkSize(width, height);
  const src = crop === 'center' ? centerCropNCHW(t, width / height) : t;
  return resizeNCHW(src, width, height, method);
}

/** common_upscale's centre crop to the aspect ratio `newAspect` (rounding as Python's round). */
function centerCropNCHW(t: Tensor, newAspect: number): Tensor {
  const h = t.shape[t.rank - 2]!;
  const w = t.shape[t.rank - 1]!;
  const oldAspect = w / h;
  let x = 0;
  let y = 0;
  if (oldAspect > newAspect) x = pyRound((w - w * (newAspect / oldAspect)) / 2);
  else if (oldAspect < newAspect) y = pyRound((h - h * (oldAspect / newAspect)) / 2);
  if (x === 0 && y === 0) return t;
  return cropNCHW(t, x, y, w - 2 * x, h - 2 * y);
}

/** The window [y, y+ch) × [x, x+cw) of the last two axes. */
export function cropNCHW(t: Tensor, x: number, y: number, cw: number, ch: number): Tensor {
  const h = t.shape[t.rank - 2]!;
  const w = t.shape[t.rank - 1]!;
  if (cw < 1 || ch < 1) throw new Error(`crop: empty result ${cw}x${ch}`);
  const planes = t.size / (h * w);
  const out = new Float32Array(planes * cw * ch);
  for (let p = 0; p < planes; p++) {
    for (let r = 0; r < ch; r++) {
      const s = p * h * w + (y + r) * w + x;
      out.set(t.data.subarray(s, s + cw), (p * ch + r) * cw);
    }
  }
  return new Tensor([...t.shape.slice(0, -2), ch, cw], out);
}

/** IMAGE [B,H,W,C] → [B,C,H,W]. */
export function nhwcToNchw(t: Tensor): Tensor {
  const [b, h, w, c] = t.shape as [number, number, number, number];
  return new Tensor([b, c, h, w], transposeGrid(t.data, new Float32Array(t.size), b, h * w, c));
}

/** [B,C,H,W] → IMAGE [B,H,W,C]. */
export function nchwToNhwc(t: Tensor): Tensor {
  const [b, c, h, w] = t.shape as [number, number, number, number];
  return new Tensor([b, h, w, c], transposeGrid(t.data, new Float32Array(t.size), b, c, h * w));
}

/** `common_upscale(image.movedim(-1,1), …).movedim(1,-1)` for an IMAGE [B,H,W,C]: the way image nodes call it. */
export function upscaleImage(image: Tensor, width: number, height: number, method: string, crop = 'disabled'): Tensor {
  checkSize(width, height);
  if (method === 'lanczos') {
    // Pillow works on interleaved pixels: skip the two transposes.
    const cropped = crop === 'center' ? nchwToNhwc(centerCropNCHW(nhwcToNchw(image), width / height)) : image;
    const [b, h, w, c] = cropped.shape as [number, number, number, number];
    return new Tensor([b, height, width, c], lanczosNHWC(cropped.data, b, h, w, c, width, height));
  }
  return nchwToNhwc(commonUpscale(nhwcToNchw(image), width, height, method, crop));
}

/** ComfyUI's `lanczos`: clip(255·x) truncated to uint8, Pillow LANCZOS, back to float /255. */
function lanczosNHWC(src: Float32Array, b: number, h: number, w: number, c: number, outW: number, outH: number): Float32Array {
  if (c < 1 || c > 4) throw new Error(`lanczos: images need 1 to 4 channels, got ${c}`);
  const out = new Float32Array(b * outH * outW * c);
  const n = h * w * c;
  const u8 = new Uint8Array(n);
  for (let i = 0; i < b; i++) {
    toUint8Into(src.subarray(i * n, (i + 1) * n), u8);
    const r = pilResize(u8, w, h, c, outW, outH, PIL_FILTERS.lanczos);
    bytesToUnit(r, out.subarray(i * r.length, (i + 1) * r.length));
  }
  return out;
}

function lanczosNCHW(src: Float32Array, n: number, c: number, h: number, w: number, outW: number, outH: number): Float32Array {
  const nhwc = nchwToNhwc(new Tensor([n, c, h, w], src));
  const r = new Tensor([n, outH, outW, c], lanczosNHWC(nhwc.data, n, h, w, c, outW, outH));
  return nhwcToNchw(r).data;
}

type PlaneResizer = (src: Float32Array, dst: Float32Array) => void;

function planeResizer(method: string, w: number, h: number, outW: number, outH: number): PlaneResizer {
  switch (method) {
    case 'nearest-exact':
      return nearestExact(w, h, outW, outH);
    case 'bilinear':
      return bilinear(w, h, outW, outH);
    case 'bicubic':
      return bicubic(w, h, outW, outH);
    case 'area':
      return area(w, h, outW, outH);
    default:
      throw new Error(`unknown upscale method: ${method}`);
  }
}

function nearestExactIndex(inSize: number, outSize: number): Int32Array {
  const idx = new Int32Array(outSize);
  const scale = f32(inSize / outSize);
  for (let i = 0; i < outSize; i++) {
    idx[i] = outSize === inSize ? i : Math.min(Math.floor(f32(f32(i + 0.5) * scale)), inSize - 1);
  }
  return idx;
}

function nearestExact(w: number, h: number, outW: number, outH: number): PlaneResizer {
  const xs = nearestExactIndex(w, outW);
  const ys = nearestExactIndex(h, outH);
  return (src, dst) => {
    for (let y = 0; y < outH; y++) {
      const row = ys[y]! * w;
      for (let x = 0; x < outW; x++) dst[y * outW + x] = src[row + xs[x]!]!;
    }
  };
}

/** Two-tap weights of torch's linear interpolation (align_corners=False). */
function linearTaps(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; l: Float32Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const l = new Float32Array(outSize);
  const scale = f32(inSize / outSize);
  for (let i = 0; i < outSize; i++) {
    let src = f32(f32(scale * f32(i + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.floor(src);
    i0[i] = lo;
    i1[i] = lo < inSize - 1 ? lo + 1 : lo;
    l[i] = Math.min(Math.max(f32(src - lo), 0), 1);
  }
  return { i0, i1, l };
}

function bilinear(w: number, h: number, outW: number, outH: number): PlaneResizer {
  const tx = linearTaps(w, outW);
  const ty = linearTaps(h, outH);
  return (src, dst) => {
    for (let y = 0; y < outH; y++) {
      const r0 = ty.i0[y]! * w;
      const r1 = ty.i1[y]! * w;
      const ly = ty.l[y]!;
      for (let x = 0; x < outW; x++) {
        const a = tx.i0[x]!;
        const b = tx.i1[x]!;
        const lx = tx.l[x]!;
        const top = (1 - lx) * src[r0 + a]! + lx * src[r0 + b]!;
        const bot = (1 - lx) * src[r1 + a]! + lx * src[r1 + b]!;
        dst[y * outW + x] = (1 - ly) * top + ly * bot;
      }
    }
  };
}

/** Four-tap cubic convolution weights (a = -0.75) and clamped source indices. */
function cubicTaps(inSize: number, outSize: number): { idx: Int32Array; wt: Float64Array } {
  const A = -0.75;
  const idx = new Int32Array(outSize * 4);
  const wt = new Float64Array(outSize * 4);
  const scale = f32(inSize / outSize);
  const conv1 = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
  const conv2 = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  for (let i = 0; i < outSize; i++) {
    const src = f32(f32(scale * f32(i + 0.5)) - 0.5);
    const fl = Math.floor(src);
    const t = f32(src - fl);
    const ws = [conv2(t + 1), conv1(t), conv1(1 - t), conv2(2 - t)];
    for (let k = 0; k < 4; k++) {
      idx[i * 4 + k] = Math.min(Math.max(fl - 1 + k, 0), inSize - 1);
      wt[i * 4 + k] = ws[k]!;
    }
  }
  return { idx, wt };
}

function bicubic(w: number, h: number, outW: number, outH: number): PlaneResizer {
  const tx = cubicTaps(w, outW);
  const ty = cubicTaps(h, outH);
  const rows = new Float64Array(4 * outW);
  return (src, dst) => {
    for (let y = 0; y < outH; y++) {
      for (let k = 0; k < 4; k++) {
        const row = ty.idx[y * 4 + k]! * w;
        for (let x = 0; x < outW; x++) {
          const j = x * 4;
          rows[k * outW + x] = tx.wt[j]! * src[row + tx.idx[j]!]! + tx.wt[j + 1]! * src[row + tx.idx[j + 1]!]!
            + tx.wt[j + 2]! * src[row + tx.idx[j + 2]!]! + tx.wt[j + 3]! * src[row + tx.idx[j + 3]!]!;
        }
      }
      const wy = y * 4;
      for (let x = 0; x < outW; x++) {
        dst[y * outW + x] = ty.wt[wy]! * rows[x]! + ty.wt[wy + 1]! * rows[outW + x]!
          + ty.wt[wy + 2]! * rows[2 * outW + x]! + ty.wt[wy + 3]! * rows[3 * outW + x]!;
      }
    }
  };
}

/** adaptive_avg_pool2d: output cell i averages input [floor(i·in/out), ceil((i+1)·in/out)). */
function area(w: number, h: number, outW: number, outH: number): PlaneResizer {
  const start = (i: number, inS: number, outS: number) => Math.floor((i * inS) / outS);
  const end = (i: number, inS: number, outS: number) => Math.ceil(((i + 1) * inS) / outS);
  return (src, dst) => {
    for (let oy = 0; oy < outH; oy++) {
      const y0 = start(oy, h, outH);
      const y1 = end(oy, h, outH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = start(ox, w, outW);
        const x1 = end(ox, w, outW);
        let sum = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += src[y * w + x]!;
        dst[oy * outW + ox] = sum / (y1 - y0) / (x1 - x0);
      }
    }
  };
}
