// EmptyLatentImage (nodes.py): a zero SD latent [batch, 4, height/8, width/8]; the sampler adapts the channel
// count to the model later.
import type { NodeDefinition } from '../node-definition.ts';
import { allocTensor, MAX_RESOLUTION, requireInt } from '../utils/node-args.ts';

export const emptyLatentImage: NodeDefinition = {
  name: 'EmptyLatentImage',
  schemaFormat: 'v1',
  displayName: 'Empty Latent Image',
  description: 'Create a new batch of empty latent images to be denoised via sampling.',
  pythonModule: 'nodes',
  category: 'latent',
  inputs: {
    required: {
      width: ['INT', { default: 512, min: 16, max: MAX_RESOLUTION, step: 8, tooltip: 'The width of the latent images in pixels.' }],
      height: ['INT', { default: 512, min: 16, max: MAX_RESOLUTION, step: 8, tooltip: 'The height of the latent images in pixels.' }],
      batch_size: ['INT', { default: 1, min: 1, max: 4096, tooltip: 'The number of latent images in the batch.' }],
    },
  },
  outputs: [{ type: 'LATENT', tooltip: 'The empty latent image batch.' }],
  execute(inputs) {
    const width = requireInt('width', inputs.width, 16, MAX_RESOLUTION);
    const height = requireInt('height', inputs.height, 16, MAX_RESOLUTION);
    const batchSize = requireInt('batch_size', inputs.batch_size ?? 1, 1, 4096);
    const samples = allocTensor([batchSize, 4, Math.floor(height / 8), Math.floor(width / 8)], 'EmptyLatentImage');
    return [{ samples }];
  },
};
