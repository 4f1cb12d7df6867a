// BatchLatentsNode (comfy_extras/nodes_post_processing.py, new in 0.8.0): concatenates 2–50 latents (autogrow
// inputs `latents.latent0` …), each brought to the first one's shape without repeating batches; batch indices are
// concatenated (0…n−1 for a latent without them); other keys come from the first latent.
import type { Latent } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { copyLatent, requireLatent } from '../utils/node-args.ts';
import { cat } from '../utils/tensor-ops.ts';
import { autogrowValues, v3AutogrowPrefix } from '../utils/v3-io.ts';
import { reshapeLatentTo } from './latent-reshape.ts';

export function batchLatents(latents: readonly Latent[]): Latent {
  if (latents.length === 0) throw new Error('Batch Latents: no latents were connected');
  const out = copyLatent(latents[0]!);
  const first = latents[0]!.samples;
  const indices: number[] = [];
  const tensors = latents.map((l) => {
    const b = l.samples.shape[0]!;
    indices.push(...(l.batch_index ?? Array.from({ length: b }, (_, i) => i)));
    return reshapeLatentTo(first.shape, l.samples, false);
  });
  out.samples = cat(tensors, 0);
  out.batch_index = indices;
  return out;
}

export const batchLatentsNode: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_post_processing',
  category: 'latent',
  name: 'BatchLatentsNode',
  displayName: 'Batch Latents',
  inputs: { required: { latents: v3AutogrowPrefix('latent', 'LATENT', 'latent', 2, 50) } },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const latents = autogrowValues(inputs, 'latents', 'latent', 50).map((l, i) => requireLatent(`latents.latent${i}`, l));
    return [batchLatents(latents)];
  },
};
