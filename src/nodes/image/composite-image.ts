// ImageCompositeMasked's paste on IMAGE tensors as they are ([B,H,W,C]): the same result as ComfyUI's `composite`
// (src/nodes/mask/composite.ts works on NCHW latents), without transposing both images there and back, and with
// the source and mask batches indexed modulo their size instead of being repeated into copies.
import { commonUpscale, upscaleImage } from '../../imaging/resize.ts';
import { Tensor } from '../../inference/tensor.ts';

export function compositeImage(destination: Tensor, source: Tensor, x: number, y: number, mask: Tensor | undefined, resizeSource: boolean): Tensor {
  if (destination.rank !== 4 || source.rank !== 4) {
    throw new Error(`composite: expected 4-D tensors, got [${destination.shape.join(', ')}] and [${source.shape.join(', ')}]`);
  }
  const [db, dh, dw, dc] = destination.shape as [number, number, number, number];
  const src = resizeSource ? upscaleImage(source, dw, dh, 'bilinear', 'disabled') : source;
  const [sb, sh, sw, sc] = src.shape as [number, number, number, number];
  if (sb === 0 && db > 0) throw new Error('cannot repeat an empty batch');
  if (sc !== dc && sc !== 1) throw new Error(`composite: source has ${sc} channels but destination has ${dc}`);
  x = Math.max(-sw, Math.min(x, dw));
  y = Math.max(-sh, Math.min(y, dh));
  const left = Math.floor(x);
  const top = Math.floor(y);
  if (left < 0 || top < 0) throw new Error('composite: x and y must not be negative');

  let m: Float32Array | null = null;
  let mb = 1;
  if (mask) {
    if (mask.rank < 2) throw new Error(`composite: a mask needs at least 2 dimensions, got [${mask.shape.join(', ')}]`);
    const mh = mask.shape[mask.rank - 2]!;
    const mw = mask.shape[mask.rank - 1]!;
    mb = mask.size / (mh * mw);
    if (mb === 0 && db > 0) throw new Error('cannot repeat an empty batch');
    m = commonUpscale(mask.reshape([mb, 1, mh, mw]), sw, sh, 'bilinear', 'disabled').data;
  }

  const o = destination.data.slice();
  const s = src.data;
  const rows = Math.max(0, Math.min(sh, dh - top));
  const cols = Math.max(0, Math.min(sw, dw - left));
  const sStep = sc === 1 ? 0 : 1;
  for (let b = 0; b < db; b++) {
    const sImage = (b % sb) * sh * sw;
    const mImage = (b % mb) * sh * sw;
    for (let r = 0; r < rows; r++) {
      let sp = (sImage + r * sw) * sc;
      let dp = ((b * dh + top + r) * dw + left) * dc;
      if (m === null) {
        for (let k = 0; k < cols; k++, sp += sc, dp += dc) for (let c = 0; c < dc; c++) o[dp + c] = s[sp + c * sStep]!;
        continue;
      }
      const mRow = mImage + r * sw;
      for (let k = 0; k < cols; k++, sp += sc, dp += dc) {
        const mv = m[mRow + k]!;
        const inv = Math.fround(1 - mv);
        for (let c = 0; c < dc; c++) o[dp + c] = Math.fround(Math.fround(mv * s[sp + c * sStep]!) + Math.fround(inv * o[dp + c]!));
      }
    }
  }
  return new Tensor(destination.shape, o);
}
