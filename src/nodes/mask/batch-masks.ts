// BatchMasksNode (comfy_extras/nodes_post_processing.py, new in 0.8.0): concatenates 2–50 masks (autogrow inputs
// `masks.mask0` …); masks of another size are resized to the first one (bilinear, centre crop).
import { commonUpscale } from '../../imaging/resize.ts';
import type { Tensor } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { requireMask } from '../utils/node-args.ts';
import { cat } from '../utils/tensor-ops.ts';
import { autogrowValues, v3AutogrowPrefix } from '../utils/v3-io.ts';

export function batchMasks(masks: readonly Tensor[]): Tensor {
  if (masks.length === 0) throw new Error('Batch Masks: no masks were connected');
  const [, h, w] = masks[0]!.shape as [number, number, number];
  const resized = masks.map((m) => {
    if (m.shape[1] === h && m.shape[2] === w) return m;
    const r = commonUpscale(m.reshape([m.shape[0]!, 1, m.shape[1]!, m.shape[2]!]), w, h, 'bilinear', 'center');
    return r.reshape([m.shape[0]!, h, w]);
  });
  return cat(resized, 0);
}

export const batchMasksNode: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_post_processing',
  category: 'mask',
  name: 'BatchMasksNode',
  displayName: 'Batch Masks',
  inputs: { required: { masks: v3AutogrowPrefix('mask', 'MASK', 'mask', 2, 50) } },
  outputs: [{ type: 'MASK' }],
  execute(inputs) {
    const masks = autogrowValues(inputs, 'masks', 'mask', 50).map((m, i) => requireMask(`masks.mask${i}`, m));
    return [batchMasks(masks)];
  },
};
