// ComfyUI's `composite` helper (comfy_extras/nodes_mask.py), shared by LatentCompositeMasked (multiplier 8: x, y in
// pixels over a latent) and ImageCompositeMasked (multiplier 1): pastes `source` into a copy of `destination` at
// (x, y) through an optional mask, bilinearly resized to the source, with the source batch repeated to the
// destination's. All tensors are NCHW.
import { commonUpscale } from '../../imaging/resize.ts';
import { Tensor } from '../../inference/tensor.ts';
import { repeatToBatchSize } from '../utils/tensor-ops.ts';

export function compositeNCHW(
  destination: Tensor,
  source: Tensor,
  x: number,
  y: number,
  mask: Tensor | undefined,
  multiplier: number,
  resizeSource: boolean,
): Tensor {
  if (destination.rank !== 4 || source.rank !== 4) {
    throw new Error(`composite: expected 4-D tensors, got [${destination.shape.join(', ')}] and [${source.shape.join(', ')}]`);
  }
  const [db, dc, dh, dw] = destination.shape as [number, number, number, number];
  let src = resizeSource ? commonUpscale(source, dw, dh, 'bilinear', 'disabled') : source;
  src = repeatToBatchSize(src, db);
  const [, sc, sh, sw] = src.shape as [number, number, number, number];
  if (sc !== dc && sc !== 1) throw new Error(`composite: source has ${sc} channels but destination has ${dc}`);
  x = Math.max(-sw * multiplier, Math.min(x, dw * multiplier));
  y = Math.max(-sh * multiplier, Math.min(y, dh * multiplier));
  const left = Math.floor(x / multiplier);
  const top = Math.floor(y / multiplier);
  if (left < 0 || top < 0) throw new Error('composite: x and y must not be negative');

  let m: Tensor | null = null;
  if (mask) {
    if (mask.rank < 2) throw new Error(`composite: a mask needs at least 2 dimensions, got [${mask.shape.join(', ')}]`);
    const mh = mask.shape[mask.rank - 2]!;
    const mw = mask.shape[mask.rank - 1]!;
    const flat = mask.reshape([mask.size / (mh * mw), 1, mh, mw]);
    m = repeatToBatchSize(commonUpscale(flat, sw, sh, 'bilinear', 'disabled'), src.shape[0]!);
  }

  const out = destination.clone();
  const rows = Math.max(0, Math.min(sh, dh - top));
  const cols = Math.max(0, Math.min(sw, dw - left));
  const o = out.data;
  const s = src.data;
  for (let b = 0; b < db; b++) {
    for (let c = 0; c < dc; c++) {
      const sPlane = (b * sc + (sc === 1 ? 0 : c)) * sh * sw;
      const dPlane = (b * dc + c) * dh * dw;
      for (let r = 0; r < rows; r++) {
        const sRow = sPlane + r * sw;
        const dRow = dPlane + (top + r) * dw + left;
        const mRow = m ? (b * sh + r) * sw : 0;
        for (let k = 0; k < cols; k++) {
          if (!m) {
            o[dRow + k] = s[sRow + k]!;
            continue;
          }
          const mv = m.data[mRow + k]!;
          const inv = Math.fround(1 - mv);
          o[dRow + k] = Math.fround(Math.fround(mv * s[sRow + k]!) + Math.fround(inv * o[dRow + k]!));
        }
      }
    }
  }
  return out;
}
