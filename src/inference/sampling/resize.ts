// Bilinear resizing of [N, H, W] planes exactly as torch's `F.interpolate(mode='bilinear',
// align_corners=False)` without antialiasing (what ComfyUI uses for noise masks and conditioning masks).
const f = Math.fround;

interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
}

function taps(inSize: number, outSize: number): Taps {
  const scale = f(inSize / outSize);
  const t: Taps = { i0: new Int32Array(outSize), i1: new Int32Array(outSize), w0: new Float32Array(outSize), w1: new Float32Array(outSize) };
  for (let o = 0; o < outSize; o++) {
    const src = Math.max(f(f(scale * f(o + 0.5)) - 0.5), 0);
    const i0 = Math.trunc(src);
    t.i0[o] = i0;
    t.i1[o] = i0 + (i0 < inSize - 1 ? 1 : 0);
    t.w1[o] = f(src - i0);
    t.w0[o] = f(1 - t.w1[o]!);
  }
  return t;
}

/** Resizes `planes` planes of inH×inW to outH×outW. */
export function resizeBilinear(data: Float32Array, planes: number, inH: number, inW: number, outH: number, outW: number): Float32Array {
  if (inH === outH && inW === outW) return new Float32Array(data.subarray(0, planes * inH * inW));
  const ty = taps(inH, outH);
  const tx = taps(inW, outW);
  const out = new Float32Array(planes * outH * outW);
  for (let p = 0; p < planes; p++) {
    const src = p * inH * inW;
    const dst = p * outH * outW;
    for (let y = 0; y < outH; y++) {
      const r0 = src + ty.i0[y]! * inW;
      const r1 = src + ty.i1[y]! * inW;
      const h0 = ty.w0[y]!;
      const h1 = ty.w1[y]!;
      for (let x = 0; x < outW; x++) {
        const c0 = tx.i0[x]!;
        const c1 = tx.i1[x]!;
        const w0 = tx.w0[x]!;
        const w1 = tx.w1[x]!;
        const top = f(f(w0 * data[r0 + c0]!) + f(w1 * data[r0 + c1]!));
        const bottom = f(f(w0 * data[r1 + c0]!) + f(w1 * data[r1 + c1]!));
        out[dst + y * outW + x] = f(h0 * top) + f(h1 * bottom);
      }
    }
  }
  return out;
}

/**
 * ComfyUI's `reshape_mask` for 2-D latents: a mask of shape [..., H, W] is resized to the latent's H×W,
 * repeated over channels and batch (`repeat_to_batch_size`), giving [B, C, H, W].
 */
export function reshapeMask(mask: Float32Array, maskShape: readonly number[], latentShape: readonly number[]): Float32Array {
  const [batch, channels, h, w] = latentShape as [number, number, number, number];
  const mh = maskShape[maskShape.length - 2]!;
  const mw = maskShape[maskShape.length - 1]!;
  const planes = mask.length / (mh * mw);
  const resized = resizeBilinear(mask, planes, mh, mw, h, w);
  const plane = h * w;
  const out = new Float32Array(batch * channels * plane);
  for (let b = 0; b < batch; b++) {
    const source = resized.subarray((b % planes) * plane, (b % planes + 1) * plane);
    for (let c = 0; c < channels; c++) out.set(source, (b * channels + c) * plane);
  }
  return out;
}
