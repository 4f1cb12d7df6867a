// Video-latent helpers of particular models: NormalizeVideoLatentStart (nodes_kandinsky5.py) evens out the first
// frames' statistics; LTXVCropGuides (nodes_lt.py) drops the guide frames LTXVAddGuide appended.
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor, type Latent } from '../../inference/tensor.ts';
import type { Conditioning } from '../../inference/sampling/index.ts';
import { requireConditioning, setValues } from '../conditioning/conditioning-args.ts';
import { isTensor, MAX_RESOLUTION, requireInt, requireLatent } from '../utils/node-args.ts';
import { f32, slice } from '../utils/tensor-ops.ts';
import { v3Int, v3Socket } from '../utils/v3-io.ts';

function requireVideoLatent(name: string, value: unknown): Latent {
  const latent = requireLatent(name, value);
  if (latent.samples.rank !== 5) throw new Error(`${name}: expected a video latent [batch, channels, frames, height, width], got [${latent.samples.shape.join(', ')}]`);
  return latent;
}

/** Mean and unbiased standard deviation (torch.std) of a list of values. */
function meanStd(values: ArrayLike<number>): [number, number] {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i]! - mean) ** 2;
  return [mean, Math.sqrt(sq / (values.length - 1))];
}

const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);

export const normalizeVideoLatentStart: NodeDefinition = {
  name: 'NormalizeVideoLatentStart',
  schemaFormat: 'v3',
  description: 'Normalizes the initial frames of a video latent to match the mean and standard deviation of subsequent reference frames. Helps reduce differences between the starting frames and the rest of the video.',
  pythonModule: 'comfy_extras.nodes_kandinsky5',
  category: 'conditioning/video_models',
  inputs: {
    required: {
      latent: v3Socket('LATENT'),
      start_frame_count: v3Int({ tooltip: 'Number of latent frames to normalize, counted from the start', default: 4, min: 1, max: MAX_RESOLUTION, step: 1 }),
      reference_frame_count: v3Int({ tooltip: 'Number of latent frames after the start frames to use as reference', default: 5, min: 1, max: MAX_RESOLUTION, step: 1 }),
    },
  },
  outputs: [{ type: 'LATENT', name: 'latent' }],
  execute(inputs) {
    const latent = requireVideoLatent('latent', inputs.latent);
    const start = requireInt('start_frame_count', inputs.start_frame_count ?? 4, 1, MAX_RESOLUTION);
    const refCount = requireInt('reference_frame_count', inputs.reference_frame_count ?? 5, 1, MAX_RESOLUTION);
    const [b, c, t, h, w] = latent.samples.shape as [number, number, number, number, number];
    if (t <= 1) return [latent];
    const reference = slice(latent.samples, 2, start, start + Math.min(refCount, t - 1));
    if (reference.size < 2) throw new Error(`start_frame_count ${start} leaves no reference frames in a latent of ${t} frames`);
    // The reference statistics are taken over every reference value; each start frame (per batch item) is
    // shifted and scaled to them, within a band around its own statistics.
    const [refMean, refStd] = meanStd(reference.data);
    const samples = latent.samples.clone();
    const hw = h * w;
    for (let bi = 0; bi < b; bi++) {
      for (let ti = 0; ti < Math.min(start, t); ti++) {
        const frame = new Float32Array(c * hw);
        for (let ci = 0; ci < c; ci++) frame.set(samples.data.subarray(((bi * c + ci) * t + ti) * hw, ((bi * c + ci) * t + ti + 1) * hw), ci * hw);
        const [mean, std] = meanStd(frame);
        const targetMean = clamp(refMean, mean - 0.3, mean + 0.35);
        const targetStd = clamp(refStd, std - 0.35, std + 0.5);
        for (let ci = 0; ci < c; ci++) {
          const o = ((bi * c + ci) * t + ti) * hw;
          for (let p = 0; p < hw; p++) samples.data[o + p] = f32(((samples.data[o + p]! - mean) / (std + 1e-8)) * targetStd + targetMean);
        }
      }
    }
    return [{ ...latent, samples }];
  },
};

/** How many guide frames LTXVAddGuide appended: the distinct start frame indices in `keyframe_idxs` [B, 3, N, 2]. */
function keyframeCount(positive: Conditioning): number {
  const entry = positive.find(([, options]) => 'keyframe_idxs' in options);
  const idxs = entry?.[1].keyframe_idxs;
  if (idxs === undefined || idxs === null) return 0;
  if (!isTensor(idxs) || idxs.rank !== 4) throw new Error('positive: keyframe_idxs must be a tensor [batch, 3, keyframes, 2]');
  const [b, d, n, two] = idxs.shape as [number, number, number, number];
  const starts = new Set<number>();
  for (let bi = 0; bi < b; bi++) for (let k = 0; k < n; k++) starts.add(idxs.data[((bi * d) * n + k) * two]!);
  return starts.size;
}

export const ltxvCropGuides: NodeDefinition = {
  name: 'LTXVCropGuides',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_lt',
  category: 'conditioning/video_models',
  inputs: { required: { positive: v3Socket('CONDITIONING'), negative: v3Socket('CONDITIONING'), latent: v3Socket('LATENT') } },
  outputs: [{ type: 'CONDITIONING', name: 'positive' }, { type: 'CONDITIONING', name: 'negative' }, { type: 'LATENT', name: 'latent' }],
  execute(inputs) {
    const positive = requireConditioning('positive', inputs.positive);
    const negative = requireConditioning('negative', inputs.negative);
    const latent = requireVideoLatent('latent', inputs.latent);
    const [b, , t] = latent.samples.shape as [number, number, number];
    const mask = latent.noise_mask ? latent.noise_mask.clone() : Tensor.full([b, 1, t, 1, 1], 1);
    const count = keyframeCount(positive);
    if (count === 0) return [positive, negative, { samples: latent.samples.clone(), noise_mask: mask }];
    if (mask.rank < 3) throw new Error(`latent: noise_mask must have a frame axis, got [${mask.shape.join(', ')}]`);
    const cropped = { samples: slice(latent.samples, 2, 0, -count), noise_mask: slice(mask, 2, 0, -count) };
    return [setValues(positive, { keyframe_idxs: null }), setValues(negative, { keyframe_idxs: null }), cropped];
  },
};
