// comfy_extras/nodes_compositing.py (V3): PorterDuffImageComposite, SplitImageWithAlpha, JoinImageWithAlpha.
// Masks are inverted alpha (1 = transparent), as everywhere in ComfyUI.
import { commonUpscale } from '../../imaging/resize.ts';
import { Tensor } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { requireChoice, requireImage, requireMask } from '../utils/node-args.ts';
import { v3Combo, v3Socket } from '../utils/v3-io.ts';

const f = Math.fround;
const COMPOSITING = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_compositing', category: 'mask/compositing' } as const;

export const PORTER_DUFF_MODES = [
  'ADD', 'CLEAR', 'DARKEN', 'DST', 'DST_ATOP', 'DST_IN', 'DST_OUT', 'DST_OVER', 'LIGHTEN', 'MULTIPLY', 'OVERLAY',
  'SCREEN', 'SRC', 'SRC_ATOP', 'SRC_IN', 'SRC_OUT', 'SRC_OVER', 'XOR',
] as const;
type Mode = (typeof PORTER_DUFF_MODES)[number];

const clamp01 = (v: number) => Math.min(Math.max(v, 0), 1);
const over = (a: number, b: number) => f(f(a + b) - f(a * b));

/** Output alpha from source and destination alpha. */
const ALPHA: Record<Mode, (sa: number, da: number) => number> = {
  ADD: (sa, da) => clamp01(f(sa + da)),
  CLEAR: () => 0,
  DARKEN: over,
  DST: (_sa, da) => da,
  DST_ATOP: (sa) => sa,
  DST_IN: (sa, da) => f(sa * da),
  DST_OUT: (sa, da) => f(f(1 - sa) * da),
  DST_OVER: (sa, da) => f(da + f(f(1 - da) * sa)),
  LIGHTEN: over,
  MULTIPLY: (sa, da) => f(sa * da),
  OVERLAY: over,
  SCREEN: over,
  SRC: (sa) => sa,
  SRC_ATOP: (_sa, da) => da,
  SRC_IN: (sa, da) => f(sa * da),
  SRC_OUT: (sa, da) => f(f(1 - da) * sa),
  SRC_OVER: (sa, da) => f(sa + f(f(1 - sa) * da)),
  XOR: (sa, da) => f(f(f(1 - da) * sa) + f(f(1 - sa) * da)),
};

/** Premultiplied output colour from alphas and premultiplied source/destination colours. */
const COLOUR: Record<Mode, (sa: number, da: number, s: number, d: number) => number> = {
  ADD: (_sa, _da, s, d) => clamp01(f(s + d)),
  CLEAR: () => 0,
  DARKEN: (sa, da, s, d) => f(f(f(f(1 - da) * s) + f(f(1 - sa) * d)) + Math.min(s, d)),
  DST: (_sa, _da, _s, d) => d,
  DST_ATOP: (sa, da, s, d) => f(f(sa * d) + f(f(1 - da) * s)),
  DST_IN: (sa, _da, _s, d) => f(d * sa),
  DST_OUT: (sa, _da, _s, d) => f(f(1 - sa) * d),
  DST_OVER: (_sa, da, s, d) => f(d + f(f(1 - da) * s)),
  LIGHTEN: (sa, da, s, d) => f(f(f(f(1 - da) * s) + f(f(1 - sa) * d)) + Math.max(s, d)),
  MULTIPLY: (_sa, _da, s, d) => f(s * d),
  OVERLAY: (sa, da, s, d) => (f(2 * d) < da ? f(f(2 * s) * d) : f(f(sa * da) - f(f(2 * f(da - s)) * f(sa - d)))),
  SCREEN: (_sa, _da, s, d) => f(f(s + d) - f(s * d)),
  SRC: (_sa, _da, s) => s,
  SRC_ATOP: (sa, da, s, d) => f(f(da * s) + f(f(1 - sa) * d)),
  SRC_IN: (_sa, da, s) => f(s * da),
  SRC_OUT: (_sa, da, s) => f(f(1 - da) * s),
  SRC_OVER: (sa, _da, s, d) => f(s + f(f(1 - sa) * d)),
  XOR: (sa, da, s, d) => f(f(f(1 - da) * s) + f(f(1 - sa) * d)),
};

/** Resizes one [h, w, c] item (as a [1, c, h, w] tensor) with bicubic + centre crop, as the node does. */
function resizeItem(data: Float32Array, h: number, w: number, c: number, toW: number, toH: number): Float32Array {
  const nchw = new Tensor([1, c, h, w]);
  for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) nchw.data[k * h * w + p] = data[p * c + k]!;
  const r = commonUpscale(nchw, toW, toH, 'bicubic', 'center');
  const out = new Float32Array(toH * toW * c);
  for (let p = 0; p < toH * toW; p++) for (let k = 0; k < c; k++) out[p * c + k] = r.data[k * toH * toW + p]!;
  return out;
}

export function porterDuff(source: Tensor, sourceAlpha: Tensor, destination: Tensor, destinationAlpha: Tensor, mode: Mode): [Tensor, Tensor] {
  const batch = Math.min(source.shape[0]!, sourceAlpha.shape[0]!, destination.shape[0]!, destinationAlpha.shape[0]!);
  const [, dh, dw, c] = destination.shape as [number, number, number, number];
  const [, sh, sw, sc] = source.shape as [number, number, number, number];
  if (sc !== c) throw new Error(`Porter-Duff: source has ${sc} channels but destination has ${c}`);
  const images = new Tensor([batch, dh, dw, c]);
  const alphas = new Tensor([batch, dh, dw]);
  const alphaFn = ALPHA[mode];
  const colourFn = COLOUR[mode];
  const plane = (t: Tensor, i: number) => t.data.subarray(i * t.size / t.shape[0]!, (i + 1) * t.size / t.shape[0]!);
  for (let i = 0; i < batch; i++) {
    let dA = plane(destinationAlpha, i);
    let [dah, daw] = [destinationAlpha.shape[1]!, destinationAlpha.shape[2]!];
    if (dah !== dh || daw !== dw) {
      dA = resizeItem(dA, dah, daw, 1, dw, dh);
      [dah, daw] = [dh, dw];
    }
    const sImg = sh !== dh || sw !== dw ? resizeItem(plane(source, i), sh, sw, c, dw, dh) : plane(source, i);
    let sA = plane(sourceAlpha, i);
    const [sah, saw] = [sourceAlpha.shape[1]!, sourceAlpha.shape[2]!];
    if (sah !== dah || saw !== daw) sA = resizeItem(sA, sah, saw, 1, daw, dah);
    const dImg = plane(destination, i);
    for (let p = 0; p < dh * dw; p++) {
      const sa = f(1 - sA[p]!);
      const da = f(1 - dA[p]!);
      const oa = alphaFn(sa, da);
      for (let k = 0; k < c; k++) {
        const s = f(sImg[p * c + k]! * sa);
        const d = f(dImg[p * c + k]! * da);
        const o = colourFn(sa, da, s, d);
        images.data[(i * dh * dw + p) * c + k] = clamp01(oa > 1e-5 ? f(o / oa) : 0);
      }
      alphas.data[i * dh * dw + p] = 1 - oa;
    }
  }
  return [images, alphas];
}

export const porterDuffImageCompositeNode: NodeDefinition = {
  ...COMPOSITING,
  name: 'PorterDuffImageComposite',
  displayName: 'Porter-Duff Image Composite',
  inputs: {
    required: {
      source: v3Socket('IMAGE'),
      source_alpha: v3Socket('MASK'),
      destination: v3Socket('IMAGE'),
      destination_alpha: v3Socket('MASK'),
      mode: v3Combo(PORTER_DUFF_MODES, { default: 'DST' }),
    },
  },
  outputs: [{ type: 'IMAGE' }, { type: 'MASK' }],
  execute(inputs) {
    return porterDuff(
      requireImage('source', inputs.source),
      requireMask('source_alpha', inputs.source_alpha),
      requireImage('destination', inputs.destination),
      requireMask('destination_alpha', inputs.destination_alpha),
      requireChoice('mode', inputs.mode, PORTER_DUFF_MODES),
    );
  },
};

export const splitImageWithAlphaNode: NodeDefinition = {
  ...COMPOSITING,
  name: 'SplitImageWithAlpha',
  displayName: 'Split Image with Alpha',
  inputs: { required: { image: v3Socket('IMAGE') } },
  outputs: [{ type: 'IMAGE' }, { type: 'MASK' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const [b, h, w, c] = image.shape as [number, number, number, number];
    if (c < 3) throw new Error(`SplitImageWithAlpha: the image needs at least 3 channels, it has ${c}`);
    const rgb = new Tensor([b, h, w, 3]);
    const mask = new Tensor([b, h, w]);
    for (let p = 0; p < b * h * w; p++) {
      rgb.data[p * 3] = image.data[p * c]!;
      rgb.data[p * 3 + 1] = image.data[p * c + 1]!;
      rgb.data[p * 3 + 2] = image.data[p * c + 2]!;
      mask.data[p] = c > 3 ? 1 - image.data[p * c + 3]! : 0;
    }
    return [rgb, mask];
  },
};

export const joinImageWithAlphaNode: NodeDefinition = {
  ...COMPOSITING,
  name: 'JoinImageWithAlpha',
  displayName: 'Join Image with Alpha',
  inputs: { required: { image: v3Socket('IMAGE'), alpha: v3Socket('MASK') } },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const alpha = requireMask('alpha', inputs.alpha);
    const [b, h, w, c] = image.shape as [number, number, number, number];
    if (c < 3) throw new Error(`JoinImageWithAlpha: the image needs at least 3 channels, it has ${c}`);
    const batch = Math.min(b, alpha.shape[0]!);
    // The mask is bilinearly resized to the image (a no-op at equal size), then inverted into alpha.
    const resized = commonUpscale(alpha.reshape([alpha.shape[0]!, 1, alpha.shape[1]!, alpha.shape[2]!]), w, h, 'bilinear', 'disabled');
    const out = new Tensor([batch, h, w, 4]);
    for (let p = 0; p < batch * h * w; p++) {
      out.data[p * 4] = image.data[p * c]!;
      out.data[p * 4 + 1] = image.data[p * c + 1]!;
      out.data[p * 4 + 2] = image.data[p * c + 2]!;
      out.data[p * 4 + 3] = 1 - resized.data[p]!;
    }
    return [out];
  },
};
