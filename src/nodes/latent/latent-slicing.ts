// Cutting and joining latents along x, y or t (comfy_extras/nodes_latent.py, V3): LatentConcat, LatentCut,
// LatentCutToBatch (0.8.0) and ReplaceVideoLatentFrames (0.8.0). As in ComfyUI, "t" is the third axis from the end,
// which for a 4-D image latent is the channel axis.
import type { NodeDefinition } from '../node-definition.ts';
import { copyLatent, MAX_RESOLUTION, requireChoice, requireInt, requireLatent } from '../utils/node-args.ts';
import { cat, movedim, narrow, repeatToBatchSize } from '../utils/tensor-ops.ts';
import { v3Combo, v3Int, v3Socket } from '../utils/v3-io.ts';
import type { Tensor } from '../../inference/tensor.ts';

const LATENT_NODE = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_latent' } as const;

/** The axis index of "x", "y" or "t" (a leading "-" ignored). */
function axisOf(t: Tensor, dim: string): number {
  if (dim.includes('x')) return t.rank - 1;
  if (dim.includes('y')) return t.rank - 2;
  return t.rank - 3;
}

const CONCAT_DIMS = ['x', '-x', 'y', '-y', 't', '-t'] as const;

export const latentConcatNode: NodeDefinition = {
  ...LATENT_NODE,
  category: 'latent/advanced',
  name: 'LatentConcat',
  inputs: { required: { samples1: v3Socket('LATENT'), samples2: v3Socket('LATENT'), dim: v3Combo(CONCAT_DIMS) } },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples1 = requireLatent('samples1', inputs.samples1);
    const s1 = samples1.samples;
    const s2 = repeatToBatchSize(requireLatent('samples2', inputs.samples2).samples, s1.shape[0]!);
    const dim = requireChoice('dim', inputs.dim, CONCAT_DIMS);
    if (s1.rank !== s2.rank) throw new Error(`LatentConcat: latents of ranks ${s1.rank} and ${s2.rank} cannot be joined`);
    const out = copyLatent(samples1);
    out.samples = cat(dim.startsWith('-') ? [s2, s1] : [s1, s2], axisOf(s1, dim));
    return [out];
  },
};

const CUT_DIMS = ['x', 'y', 't'] as const;

export const latentCutNode: NodeDefinition = {
  ...LATENT_NODE,
  category: 'latent/advanced',
  name: 'LatentCut',
  inputs: {
    required: {
      samples: v3Socket('LATENT'),
      dim: v3Combo(CUT_DIMS),
      index: v3Int({ default: 0, min: -MAX_RESOLUTION, max: MAX_RESOLUTION, step: 1 }),
      amount: v3Int({ default: 1, min: 1, max: MAX_RESOLUTION, step: 1 }),
    },
  },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    const s = samples.samples;
    const axis = axisOf(s, requireChoice('dim', inputs.dim, CUT_DIMS));
    let index = requireInt('index', inputs.index, -MAX_RESOLUTION, MAX_RESOLUTION);
    let amount = requireInt('amount', inputs.amount, 1, MAX_RESOLUTION);
    const n = s.shape[axis]!;
    if (index >= 0) {
      index = Math.min(index, n - 1);
      amount = Math.min(n - index, amount);
    } else {
      index = Math.max(index, -n);
      amount = Math.min(-index, amount);
      index += n;
    }
    const out = copyLatent(samples);
    out.samples = narrow(s, axis, index, amount);
    return [out];
  },
};

const CUT_TO_BATCH_DIMS = ['t', 'x', 'y'] as const;

export const latentCutToBatchNode: NodeDefinition = {
  ...LATENT_NODE,
  category: 'latent/advanced',
  name: 'LatentCutToBatch',
  inputs: {
    required: {
      samples: v3Socket('LATENT'),
      dim: v3Combo(CUT_TO_BATCH_DIMS),
      slice_size: v3Int({ default: 1, min: 1, max: MAX_RESOLUTION, step: 1 }),
    },
  },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    const s1 = samples.samples;
    const axis = axisOf(s1, requireChoice('dim', inputs.dim, CUT_TO_BATCH_DIMS));
    let size = requireInt('slice_size', inputs.slice_size, 1, MAX_RESOLUTION);
    // Batch and channel axes are never cut (a 4-D latent has no t axis).
    if (axis < 2) return [samples];
    let s = movedim(s1, axis, 1);
    const n = s.shape[1]!;
    if (n < size) size = n;
    else if (n % size !== 0) s = narrow(s, 1, 0, Math.floor(n / size) * size);
    const rest = s.shape.slice(2);
    const slices = s.shape[0]! * (s.shape[1]! / size);
    const out = copyLatent(samples);
    out.samples = movedim(s.reshape([slices, size, ...rest]), 1, axis);
    return [out];
  },
};

export const replaceVideoLatentFramesNode: NodeDefinition = {
  ...LATENT_NODE,
  category: 'latent/batch',
  name: 'ReplaceVideoLatentFrames',
  inputs: {
    required: {
      destination: v3Socket('LATENT', { tooltip: 'The destination latent where frames will be replaced.' }),
      index: v3Int({
        default: 0, min: -MAX_RESOLUTION, max: MAX_RESOLUTION, step: 1,
        tooltip: 'The starting latent frame index in the destination latent where the source latent frames will be placed. Negative values count from the end.',
      }),
    },
    optional: {
      source: v3Socket('LATENT', {
        tooltip: 'The source latent providing frames to insert into the destination latent. If not provided, the destination latent is returned unchanged.',
      }),
    },
  },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const destination = requireLatent('destination', inputs.destination);
    let index = requireInt('index', inputs.index, -MAX_RESOLUTION, MAX_RESOLUTION);
    if (inputs.source === undefined || inputs.source === null) return [destination];
    const source = requireLatent('source', inputs.source);
    const dst = destination.samples;
    const src = source.samples;
    if (dst.rank !== 5 || src.rank !== 5) throw new Error('ReplaceVideoLatentFrames: both latents must be video latents [batch, channels, frames, height, width]');
    const destFrames = dst.shape[2]!;
    const sourceFrames = src.shape[2]!;
    if (index < 0) index += destFrames;
    if (index < 0) throw new Error(`ReplaceVideoLatentFrames: index ${inputs.index} is before the first of ${destFrames} frames`);
    if (index > destFrames) {
      console.warn(`ReplaceVideoLatentFrames: Index ${index} is out of bounds for destination latent frames ${destFrames}.`);
      return [destination];
    }
    if (index + sourceFrames > destFrames) {
      console.warn(`ReplaceVideoLatentFrames: Source latent frames ${sourceFrames} do not fit within destination latent frames ${destFrames} at the specified index ${index}.`);
      return [destination];
    }
    const [b, c, , h, w] = dst.shape as [number, number, number, number, number];
    if (src.shape[0] !== b || src.shape[1] !== c || src.shape[3] !== h || src.shape[4] !== w) {
      throw new Error(`ReplaceVideoLatentFrames: source [${src.shape.join(', ')}] does not match destination [${dst.shape.join(', ')}] outside the frame axis`);
    }
    const out = dst.clone();
    const frame = h * w;
    for (let n = 0; n < b * c; n++) {
      out.data.set(src.data.subarray(n * sourceFrames * frame, (n + 1) * sourceFrames * frame), (n * destFrames + index) * frame);
    }
    const result = copyLatent(source);
    result.samples = out;
    return [result];
  },
};
