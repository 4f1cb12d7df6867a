// ImageCompositeMasked (nodes_mask.py), ImageAddNoise and GetImageSize (nodes_images.py).
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { randn, type Seed } from '../../inference/sampling/noise.ts';
import { compositeImage } from './composite-image.ts';
import { isTensor, MAX_RESOLUTION, requireImage, requireInt, requireMask, requireNumber } from '../utils/node-args.ts';
import { v3Boolean, v3Float, v3Int, v3Socket } from '../utils/v3-io.ts';
import { imageAlphaFix } from './image-args.ts';

export const imageCompositeMasked: NodeDefinition = {
  name: 'ImageCompositeMasked',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_mask',
  category: 'image',
  inputs: {
    required: {
      destination: v3Socket('IMAGE'),
      source: v3Socket('IMAGE'),
      x: v3Int({ default: 0, min: 0, max: MAX_RESOLUTION, step: 1 }),
      y: v3Int({ default: 0, min: 0, max: MAX_RESOLUTION, step: 1 }),
      resize_source: v3Boolean({ default: false }),
    },
    optional: { mask: v3Socket('MASK') },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const [destination, source] = imageAlphaFix(requireImage('destination', inputs.destination), requireImage('source', inputs.source));
    const x = requireInt('x', inputs.x, 0, MAX_RESOLUTION);
    const y = requireInt('y', inputs.y, 0, MAX_RESOLUTION);
    const mask = inputs.mask === undefined || inputs.mask === null ? undefined : requireMask('mask', inputs.mask);
    return [compositeImage(destination, source, x, y, mask, inputs.resize_source === true)];
  },
};

/** A seed as the engine passes it: a number, or a bigint beyond 2^53. */
function requireSeed(value: unknown): Seed {
  if (typeof value === 'bigint' && value >= 0n && value <= 0xffffffffffffffffn) return value;
  return requireInt('seed', value, 0, Number.MAX_SAFE_INTEGER);
}

export const imageAddNoise: NodeDefinition = {
  name: 'ImageAddNoise',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_images',
  category: 'image',
  inputs: {
    required: {
      image: v3Socket('IMAGE'),
      seed: v3Int({ tooltip: 'The random seed used for creating the noise.', default: 0, min: 0, max: 0xffffffffffffffffn, controlAfterGenerate: true }),
      strength: v3Float({ default: 0.5, min: 0.0, max: 1.0, step: 0.01 }),
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const strength = Math.fround(requireNumber('strength', inputs.strength, 0, 1));
    // torch.manual_seed(seed); randn(image.shape) on the CPU generator, then clip(image + strength·noise, 0, 1).
    const noise = randn(requireSeed(inputs.seed), image.shape);
    const out = new Tensor(image.shape);
    for (let i = 0; i < out.size; i++) {
      const v = Math.fround(image.data[i]! + Math.fround(strength * noise[i]!));
      out.data[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
    return [out];
  },
};

export const getImageSize: NodeDefinition = {
  name: 'GetImageSize',
  schemaFormat: 'v3',
  displayName: 'Get Image Size',
  description: 'Returns width and height of the image, and passes it through unchanged.',
  pythonModule: 'comfy_extras.nodes_images',
  category: 'image',
  inputs: { required: { image: v3Socket('IMAGE') }, hidden: { unique_id: 'UNIQUE_ID' } },
  outputs: [{ type: 'INT', name: 'width' }, { type: 'INT', name: 'height' }, { type: 'INT', name: 'batch_size' }],
  execute(inputs, ctx) {
    if (!isTensor(inputs.image) || inputs.image.rank < 3) throw new Error('image must be an IMAGE tensor');
    const [batch, height, width] = inputs.image.shape as [number, number, number];
    if (inputs.unique_id) ctx.sendText(`width: ${width}, height: ${height}\n batch size: ${batch}`);
    return [width, height, batch];
  },
};
