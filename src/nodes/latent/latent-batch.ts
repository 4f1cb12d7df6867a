// Batch handling of latents: LatentFromBatch and RepeatLatentBatch (nodes.py), LatentBatch and
// LatentBatchSeedBehavior (comfy_extras/nodes_latent.py). `batch_index` records which noise index each item gets
// from the sampler's seed, so slicing and repeating keep it in step with the samples.
import type { Latent } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { copyLatent, requireChoice, requireInt, requireLatent } from '../utils/node-args.ts';
import { cat, narrow, repeatBatch } from '../utils/tensor-ops.ts';
import { v3Combo, v3Socket } from '../utils/v3-io.ts';
import { reshapeLatentTo } from './latent-reshape.ts';

const range = (start: number, end: number) => Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);

export const latentFromBatchNode: NodeDefinition = {
  name: 'LatentFromBatch',
  schemaFormat: 'v1',
  displayName: 'Latent From Batch',
  pythonModule: 'nodes',
  category: 'latent/batch',
  inputs: {
    required: {
      samples: ['LATENT'],
      batch_index: ['INT', { default: 0, min: 0, max: 63 }],
      length: ['INT', { default: 1, min: 1, max: 64 }],
    },
  },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    const t = samples.samples;
    const b = t.shape[0]!;
    if (b === 0) throw new Error('LatentFromBatch: the latent batch is empty');
    const index = Math.min(b - 1, requireInt('batch_index', inputs.batch_index, 0, 63));
    const length = Math.min(b - index, requireInt('length', inputs.length, 1, 64));
    const out = copyLatent(samples);
    out.samples = narrow(t, 0, index, length);
    const masks = samples.noise_mask;
    if (masks) {
      if (masks.shape[0] === 1) {
        out.noise_mask = masks.clone();
      } else {
        // A shorter mask batch is repeated to cover the samples before slicing.
        const mb = masks.shape[0]!;
        const full = mb < b ? narrow(repeatBatch(masks, Math.ceil(b / mb)), 0, 0, b) : masks;
        const from = Math.min(index, full.shape[0]!);
        out.noise_mask = narrow(full, 0, from, Math.min(length, full.shape[0]! - from));
      }
    }
    out.batch_index = samples.batch_index ? samples.batch_index.slice(index, index + length) : range(index, index + length);
    return [out];
  },
};

export const repeatLatentBatchNode: NodeDefinition = {
  name: 'RepeatLatentBatch',
  schemaFormat: 'v1',
  displayName: 'Repeat Latent Batch',
  pythonModule: 'nodes',
  category: 'latent/batch',
  inputs: { required: { samples: ['LATENT'], amount: ['INT', { default: 1, min: 1, max: 64 }] } },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    const amount = requireInt('amount', inputs.amount, 1, 64);
    const out = copyLatent(samples);
    out.samples = repeatBatch(samples.samples, amount);
    // A single-item mask broadcasts over any batch, so only multi-item masks are repeated.
    if (samples.noise_mask && samples.noise_mask.shape[0]! > 1) out.noise_mask = repeatBatch(samples.noise_mask, amount);
    if (samples.batch_index && samples.batch_index.length > 0) {
      const bi = samples.batch_index;
      const offset = Math.max(...bi) - Math.min(...bi) + 1;
      const extra: number[] = [];
      for (let i = 1; i < amount; i++) for (const x of bi) extra.push(x + i * offset);
      out.batch_index = [...bi, ...extra];
    }
    return [out];
  },
};

export function latentBatch(samples1: Latent, samples2: Latent): Latent {
  const s1 = samples1.samples;
  const s2 = reshapeLatentTo(s1.shape, samples2.samples, false);
  const out = copyLatent(samples1);
  out.samples = cat([s1, s2], 0);
  out.batch_index = [...(samples1.batch_index ?? range(0, s1.shape[0]!)), ...(samples2.batch_index ?? range(0, s2.shape[0]!))];
  return out;
}

export const latentBatchNode: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_latent',
  category: 'latent/batch',
  name: 'LatentBatch',
  deprecated: true,
  inputs: { required: { samples1: v3Socket('LATENT'), samples2: v3Socket('LATENT') } },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    return [latentBatch(requireLatent('samples1', inputs.samples1), requireLatent('samples2', inputs.samples2))];
  },
};

const SEED_BEHAVIORS = ['random', 'fixed'] as const;

export const latentBatchSeedBehaviorNode: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_latent',
  category: 'latent/advanced',
  name: 'LatentBatchSeedBehavior',
  inputs: { required: { samples: v3Socket('LATENT'), seed_behavior: v3Combo(SEED_BEHAVIORS, { default: 'fixed' }) } },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    const behavior = requireChoice('seed_behavior', inputs.seed_behavior, SEED_BEHAVIORS);
    const out = copyLatent(samples);
    if (behavior === 'random') {
      delete out.batch_index;
    } else {
      const first = samples.batch_index?.[0] ?? 0;
      out.batch_index = new Array<number>(samples.samples.shape[0]!).fill(first);
    }
    return [out];
  },
};
