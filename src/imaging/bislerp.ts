// ComfyUI's "bislerp" latent upscale (comfy/utils.py `bislerp`): a width pass then a height pass, each mixing
// the two neighbouring channel vectors by spherical interpolation (magnitudes interpolated linearly), with the
// neighbour pair and ratio taken from torch's bilinear interpolation of the index ramp.

const f32 = Math.fround;

/** torch bilinear (align_corners=False) interpolation of a 1-D array to `outSize` samples, in float32. */
function interpolateRamp(values: Float64Array, outSize: number): Float64Array {
  const inSize = values.length;
  const scale = f32(inSize / outSize);
  const out = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    let src = f32(f32(scale * f32(i + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.floor(src);
    const hi = lo < inSize - 1 ? lo + 1 : lo;
    const l = f32(src - lo);
    out[i] = f32(f32((1 - l) * values[lo]!) + f32(l * values[hi]!));
  }
  return out;
}

/** comfy's generate_bilinear_data: ratios and the two source indices per output position. */
function bilinearData(oldLen: number, newLen: number): { ratio: Float64Array; c1: Int32Array; c2: Int32Array } {
  const ramp = new Float64Array(oldLen).map((_, i) => i);
  const ramp2 = new Float64Array(oldLen).map((_, i) => (i === oldLen - 1 ? i : i + 1));
  const v1 = interpolateRamp(ramp, newLen);
  const v2 = interpolateRamp(ramp2, newLen);
  const ratio = new Float64Array(newLen);
  const c1 = new Int32Array(newLen);
  const c2 = new Int32Array(newLen);
  for (let i = 0; i < newLen; i++) {
    ratio[i] = f32(v1[i]! - Math.floor(v1[i]!));
    c1[i] = Math.trunc(v1[i]!);
    c2[i] = Math.trunc(v2[i]!);
  }
  return { ratio, c1, c2 };
}

/**
 * slerp of channel vectors a (at offsets aOff + k·stride) and b with ratio r into out, as comfy's slerp:
 * zero vectors normalise to 0, nearly equal directions copy `a`, opposite ones interpolate linearly.
 */
function slerpInto(
  src: Float32Array, aOff: number, bOff: number, stride: number, c: number, r: number,
  out: Float32Array, oOff: number, oStride: number,
): void {
  let na = 0;
  let nb = 0;
  for (let k = 0; k < c; k++) {
    const a = src[aOff + k * stride]!;
    const b = src[bOff + k * stride]!;
    na += a * a;
    nb += b * b;
  }
  na = Math.sqrt(na);
  nb = Math.sqrt(nb);
  const ia = na === 0 ? 0 : 1 / na;
  const ib = nb === 0 ? 0 : 1 / nb;
  let dot = 0;
  for (let k = 0; k < c; k++) dot += src[aOff + k * stride]! * ia * (src[bOff + k * stride]! * ib);
  if (dot > 1 - 1e-5) {
    for (let k = 0; k < c; k++) out[oOff + k * oStride] = src[aOff + k * stride]!;
    return;
  }
  if (dot < 1e-5 - 1) {
    for (let k = 0; k < c; k++) out[oOff + k * oStride] = src[aOff + k * stride]! * (1 - r) + src[bOff + k * stride]! * r;
    return;
  }
  const omega = Math.acos(dot);
  const so = Math.sin(omega);
  const wa = Math.sin((1 - r) * omega) / so;
  const wb = Math.sin(r * omega) / so;
  const mag = na * (1 - r) + nb * r;
  for (let k = 0; k < c; k++) {
    out[oOff + k * oStride] = (wa * src[aOff + k * stride]! * ia + wb * src[bOff + k * stride]! * ib) * mag;
  }
}

/** bislerp of NCHW data [n, c, h, w] to [n, c, outH, outW]. */
export function bislerpNCHW(src: Float32Array, n: number, c: number, h: number, w: number, outW: number, outH: number): Float32Array {
  const hw = h * w;
  const mid = new Float32Array(n * c * h * outW);
  const dx = bilinearData(w, outW);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < outW; x++) {
        const base = i * c * hw + y * w;
        slerpInto(src, base + dx.c1[x]!, base + dx.c2[x]!, hw, c, dx.ratio[x]!, mid, i * c * h * outW + y * outW + x, h * outW);
      }
    }
  }
  const out = new Float32Array(n * c * outH * outW);
  const dy = bilinearData(h, outH);
  const midPlane = h * outW;
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        const base = i * c * midPlane + x;
        slerpInto(mid, base + dy.c1[y]! * outW, base + dy.c2[y]! * outW, midPlane, c, dy.ratio[y]!, out,
          i * c * outH * outW + y * outW + x, outH * outW);
      }
    }
  }
  return out;
}
