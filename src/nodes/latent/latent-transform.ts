// Geometric latent transforms (nodes.py): LatentRotate, LatentFlip, LatentCrop, and SetLatentNoiseMask.
import type { NodeDefinition } from '../node-definition.ts';
import { copyLatent, MAX_RESOLUTION, requireChoice, requireInt, requireLatent, requireMask } from '../utils/node-args.ts';
import { flip, slice, transpose } from '../utils/tensor-ops.ts';

const ROTATIONS = ['none', '90 degrees', '180 degrees', '270 degrees'] as const;
const FLIPS = ['x-axis: vertically', 'y-axis: horizontally'] as const;

const v1 = { schemaFormat: 'v1', pythonModule: 'nodes' } as const;

export const latentRotateNode: NodeDefinition = {
  ...v1,
  name: 'LatentRotate',
  displayName: 'Rotate Latent',
  category: 'latent/transform',
  inputs: { required: { samples: ['LATENT'], rotation: [ROTATIONS] } },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    const k = ROTATIONS.indexOf(requireChoice('rotation', inputs.rotation, ROTATIONS));
    if (samples.samples.rank < 4) throw new Error('LatentRotate: the latent needs 4 dimensions [batch, channels, height, width]');
    // torch.rot90(x, k, dims=[3, 2]): k=1 flips dim 2 then swaps 2↔3; k=3 flips dim 3 then swaps.
    const t = samples.samples;
    const out = copyLatent(samples);
    if (k === 0) out.samples = t;
    else if (k === 1) out.samples = transpose(flip(t, 2), 2, 3);
    else if (k === 2) out.samples = flip(flip(t, 2), 3);
    else out.samples = transpose(flip(t, 3), 2, 3);
    return [out];
  },
};

export const latentFlipNode: NodeDefinition = {
  ...v1,
  name: 'LatentFlip',
  displayName: 'Flip Latent',
  category: 'latent/transform',
  inputs: { required: { samples: ['LATENT'], flip_method: [FLIPS] } },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    const method = requireChoice('flip_method', inputs.flip_method, FLIPS);
    if (samples.samples.rank < 4) throw new Error('LatentFlip: the latent needs 4 dimensions [batch, channels, height, width]');
    const out = copyLatent(samples);
    out.samples = flip(samples.samples, method.startsWith('x') ? 2 : 3);
    return [out];
  },
};

export const latentCropNode: NodeDefinition = {
  ...v1,
  name: 'LatentCrop',
  displayName: 'Crop Latent',
  category: 'latent/transform',
  inputs: {
    required: {
      samples: ['LATENT'],
      width: ['INT', { default: 512, min: 64, max: MAX_RESOLUTION, step: 8 }],
      height: ['INT', { default: 512, min: 64, max: MAX_RESOLUTION, step: 8 }],
      x: ['INT', { default: 0, min: 0, max: MAX_RESOLUTION, step: 8 }],
      y: ['INT', { default: 0, min: 0, max: MAX_RESOLUTION, step: 8 }],
    },
  },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    const t = samples.samples;
    if (t.rank !== 4) throw new Error('LatentCrop: the latent needs 4 dimensions [batch, channels, height, width]');
    const width = requireInt('width', inputs.width, 64, MAX_RESOLUTION);
    const height = requireInt('height', inputs.height, 64, MAX_RESOLUTION);
    let x = Math.floor(requireInt('x', inputs.x, 0, MAX_RESOLUTION) / 8);
    let y = Math.floor(requireInt('y', inputs.y, 0, MAX_RESOLUTION) / 8);
    // ComfyUI keeps the origin at least 8 latent pixels (64 px) inside the latent.
    if (x > t.shape[3]! - 8) x = t.shape[3]! - 8;
    if (y > t.shape[2]! - 8) y = t.shape[2]! - 8;
    const out = copyLatent(samples);
    // Python slicing, including its reading of a negative origin (latents under 8 wide) as counted from the end.
    out.samples = slice(slice(t, 2, y, y + Math.floor(height / 8)), 3, x, x + Math.floor(width / 8));
    if (out.samples.shape[2] === 0 || out.samples.shape[3] === 0) throw new Error('LatentCrop: the crop is empty');
    return [out];
  },
};

export const setLatentNoiseMaskNode: NodeDefinition = {
  ...v1,
  name: 'SetLatentNoiseMask',
  displayName: 'Set Latent Noise Mask',
  category: 'latent/inpaint',
  inputs: { required: { samples: ['LATENT'], mask: ['MASK'] } },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    const mask = requireMask('mask', inputs.mask);
    const out = copyLatent(samples);
    out.noise_mask = mask.reshape([mask.shape[0]!, 1, mask.shape[1]!, mask.shape[2]!]);
    return [out];
  },
};
