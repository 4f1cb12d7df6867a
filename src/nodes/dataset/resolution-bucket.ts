// ResolutionBucket (nodes_dataset.py): splits every latent batch into items, pairs item i with entry i of its
// conditioning, and regroups the items into one batch per latent resolution (H, W), in first-seen order.
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { requireLatent } from '../utils/node-args.ts';
import { narrow } from '../utils/tensor-ops.ts';
import { v3Socket } from '../utils/v3-io.ts';
import { DATASET_MODULE } from './dataset-node.ts';

export const resolutionBucket: NodeDefinition = {
  name: 'ResolutionBucket',
  schemaFormat: 'v3',
  displayName: 'Resolution Bucket',
  pythonModule: DATASET_MODULE,
  category: 'dataset',
  experimental: true,
  inputIsList: true,
  inputs: {
    required: {
      latents: v3Socket('LATENT', { tooltip: 'List of latent dicts to bucket by resolution.' }),
      conditioning: v3Socket('CONDITIONING', { tooltip: 'List of conditioning lists (must match latents length).' }),
    },
  },
  outputs: [
    { type: 'LATENT', name: 'latents', isList: true, tooltip: 'List of batched latent dicts, one per resolution bucket.' },
    { type: 'CONDITIONING', name: 'conditioning', isList: true, tooltip: 'List of condition lists, one per resolution bucket.' },
  ],
  execute(inputs) {
    const latents = inputs.latents as unknown[];
    const conditioning = inputs.conditioning as unknown[];
    if (latents.length !== conditioning.length) {
      throw new Error(`Number of latents (${latents.length}) does not match number of conditions (${conditioning.length}).`);
    }
    const buckets = new Map<string, { items: Tensor[]; conds: unknown[] }>();
    latents.forEach((value, n) => {
      const samples = requireLatent(`latents[${n}]`, value).samples;
      const cond = conditioning[n];
      const batch = samples.shape[0]!;
      if (!Array.isArray(cond) || cond.length < batch) {
        throw new Error(`conditioning[${n}] must hold one entry per latent of the batch (${batch})`);
      }
      for (let i = 0; i < batch; i++) {
        const key = samples.shape.slice(-2).join('x');
        const bucket = buckets.get(key) ?? { items: [], conds: [] };
        buckets.set(key, bucket);
        bucket.items.push(narrow(samples, 0, i, 1));
        bucket.conds.push(cond[i]);
      }
    });
    const out = [...buckets.values()];
    return [out.map((b) => ({ samples: Tensor.concatBatch(b.items) })), out.map((b) => b.conds)];
  },
};
