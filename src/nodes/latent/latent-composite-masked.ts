// LatentCompositeMasked (comfy_extras/nodes_mask.py, V3 in 0.8.0): pastes `source` into `destination` at (x, y)
// pixels (÷8 in latent space) through an optional mask.
import type { NodeDefinition } from '../node-definition.ts';
import { compositeNCHW } from '../mask/composite.ts';
import { copyLatent, MAX_RESOLUTION, requireInt, requireLatent, requireMask } from '../utils/node-args.ts';
import { v3Boolean, v3Int, v3Socket } from '../utils/v3-io.ts';

export const latentCompositeMaskedNode: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_mask',
  category: 'latent',
  name: 'LatentCompositeMasked',
  inputs: {
    required: {
      destination: v3Socket('LATENT'),
      source: v3Socket('LATENT'),
      x: v3Int({ default: 0, min: 0, max: MAX_RESOLUTION, step: 8 }),
      y: v3Int({ default: 0, min: 0, max: MAX_RESOLUTION, step: 8 }),
      resize_source: v3Boolean({ default: false }),
    },
    optional: { mask: v3Socket('MASK') },
  },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const destination = requireLatent('destination', inputs.destination);
    const source = requireLatent('source', inputs.source);
    const x = requireInt('x', inputs.x, 0, MAX_RESOLUTION);
    const y = requireInt('y', inputs.y, 0, MAX_RESOLUTION);
    const mask = inputs.mask === undefined || inputs.mask === null ? undefined : requireMask('mask', inputs.mask);
    const out = copyLatent(destination);
    out.samples = compositeNCHW(destination.samples, source.samples, x, y, mask, 8, inputs.resize_source === true);
    return [out];
  },
};
