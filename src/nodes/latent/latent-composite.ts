// LatentComposite and LatentBlend (nodes.py).
import { commonUpscale } from '../../imaging/resize.ts';
import { Tensor } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { copyLatent, MAX_RESOLUTION, requireInt, requireLatent, requireNumber } from '../utils/node-args.ts';
import { sameShape } from '../utils/tensor-ops.ts';

/** Python slice bounds [a, b) of `start:end` over length n. */
function pySlice(start: number, end: number, n: number): [number, number] {
  const norm = (i: number) => Math.min(Math.max(i < 0 ? n + i : i, 0), n);
  const a = norm(start);
  return [a, Math.max(a, norm(end))];
}

/**
 * The feather mask of LatentComposite over an h×w pasted region: for t < feather, row/column t (and h−1−t, w−1−t)
 * is scaled by (t+1)/feather on each side that does not touch the destination's border. The slices follow Python's
 * rules, so a feather wider than the region wraps around exactly as ComfyUI's does.
 */
function featherMask(h: number, w: number, feather: number, edges: { top: boolean; bottom: boolean; left: boolean; right: boolean }): Float32Array {
  const m = new Float32Array(h * w).fill(1);
  const scaleRows = (start: number, end: number, rate: number) => {
    const [a, b] = pySlice(start, end, h);
    for (let r = a; r < b; r++) for (let c = 0; c < w; c++) m[r * w + c] = m[r * w + c]! * rate;
  };
  const scaleCols = (start: number, end: number, rate: number) => {
    const [a, b] = pySlice(start, end, w);
    for (let r = 0; r < h; r++) for (let c = a; c < b; c++) m[r * w + c] = m[r * w + c]! * rate;
  };
  for (let t = 0; t < feather; t++) {
    const rate = Math.fround((1.0 / feather) * (t + 1));
    if (edges.top) scaleRows(t, 1 + t, rate);
    if (edges.bottom) scaleRows(h - 1 - t, h - t, rate);
    if (edges.left) scaleCols(t, 1 + t, rate);
    if (edges.right) scaleCols(w - 1 - t, w - t, rate);
  }
  return m;
}

export function latentComposite(to: Tensor, from: Tensor, xPx: number, yPx: number, featherPx: number): Tensor {
  if (to.rank !== 4 || from.rank !== 4) throw new Error('LatentComposite: both latents need 4 dimensions [batch, channels, height, width]');
  const x = Math.floor(xPx / 8);
  const y = Math.floor(yPx / 8);
  const feather = Math.floor(featherPx / 8);
  const [tb, tc, th, tw] = to.shape as [number, number, number, number];
  const [fb, fc, fh, fw] = from.shape as [number, number, number, number];
  if (fb !== tb && fb !== 1) throw new Error(`LatentComposite: samples_from has ${fb} latents but samples_to has ${tb}`);
  if (fc !== tc && fc !== 1) throw new Error(`LatentComposite: samples_from has ${fc} channels but samples_to has ${tc}`);
  const out = to.clone();
  // The pasted region: the part of samples_from that fits inside samples_to from (x, y); empty when (x, y) is outside.
  const h = Math.max(0, Math.min(fh, th - y));
  const w = Math.max(0, Math.min(fw, tw - x));
  if (h === 0 || w === 0) return out;
  const mask = feather === 0 ? null : featherMask(h, w, feather, { top: y !== 0, bottom: y + h < th, left: x !== 0, right: x + w < tw });
  const o = out.data;
  for (let b = 0; b < tb; b++) {
    for (let c = 0; c < tc; c++) {
      const fPlane = ((fb === 1 ? 0 : b) * fc + (fc === 1 ? 0 : c)) * fh * fw;
      const tPlane = (b * tc + c) * th * tw;
      for (let r = 0; r < h; r++) {
        for (let k = 0; k < w; k++) {
          const src = from.data[fPlane + r * fw + k]!;
          const dst = tPlane + (y + r) * tw + x + k;
          if (!mask) {
            o[dst] = src;
          } else {
            const mv = mask[r * w + k]!;
            o[dst] = Math.fround(Math.fround(src * mv) + Math.fround(o[dst]! * Math.fround(1 - mv)));
          }
        }
      }
    }
  }
  return out;
}

export const latentCompositeNode: NodeDefinition = {
  name: 'LatentComposite',
  schemaFormat: 'v1',
  displayName: 'Latent Composite',
  pythonModule: 'nodes',
  category: 'latent',
  inputs: {
    required: {
      samples_to: ['LATENT'],
      samples_from: ['LATENT'],
      x: ['INT', { default: 0, min: 0, max: MAX_RESOLUTION, step: 8 }],
      y: ['INT', { default: 0, min: 0, max: MAX_RESOLUTION, step: 8 }],
      feather: ['INT', { default: 0, min: 0, max: MAX_RESOLUTION, step: 8 }],
    },
  },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const to = requireLatent('samples_to', inputs.samples_to);
    const from = requireLatent('samples_from', inputs.samples_from);
    const x = requireInt('x', inputs.x, 0, MAX_RESOLUTION);
    const y = requireInt('y', inputs.y, 0, MAX_RESOLUTION);
    const feather = requireInt('feather', inputs.feather ?? 0, 0, MAX_RESOLUTION);
    const out = copyLatent(to);
    out.samples = latentComposite(to.samples, from.samples, x, y, feather);
    return [out];
  },
};

export const latentBlendNode: NodeDefinition = {
  name: 'LatentBlend',
  schemaFormat: 'v1',
  displayName: 'Latent Blend',
  pythonModule: 'nodes',
  category: '_for_testing',
  inputs: {
    required: {
      samples1: ['LATENT'],
      samples2: ['LATENT'],
      blend_factor: ['FLOAT', { default: 0.5, min: 0, max: 1, step: 0.01 }],
    },
  },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples1 = requireLatent('samples1', inputs.samples1);
    const s1 = samples1.samples;
    let s2 = requireLatent('samples2', inputs.samples2).samples;
    const factor = Math.fround(requireNumber('blend_factor', inputs.blend_factor, 0, 1));
    // Different shapes: samples2 is resized (bicubic, centre crop) to samples1's height and width.
    if (!sameShape(s1, s2)) s2 = commonUpscale(s2, s1.shape[s1.rank - 1]!, s1.shape[s1.rank - 2]!, 'bicubic', 'center');
    // A single samples2 item broadcasts over samples1's batch, as in torch.
    const broadcast = s2.shape[0] === 1 && s2.shape.slice(1).every((d, i) => d === s1.shape[i + 1]);
    if (!sameShape(s1, s2) && !broadcast) {
      throw new Error(`LatentBlend: cannot blend latents of shapes [${s1.shape.join(', ')}] and [${s2.shape.join(', ')}]`);
    }
    const inv = Math.fround(1 - requireNumber('blend_factor', inputs.blend_factor));
    const out = new Tensor(s1.shape);
    const item = s2.size;
    for (let i = 0; i < out.size; i++) {
      const v2 = s2.data[broadcast ? i % item : i]!;
      out.data[i] = Math.fround(Math.fround(s1.data[i]! * factor) + Math.fround(v2 * inv));
    }
    const result = copyLatent(samples1);
    result.samples = out;
    return [result];
  },
};
