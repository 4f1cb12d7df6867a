// RebatchLatents (comfy_extras/nodes_rebatch.py, V3, INPUT_IS_LIST): regroups a list of latent batches into batches
// of `batch_size`, carrying noise masks (all-ones when absent; dropped again when a result's mask is all ones) and
// batch indices (running offsets when absent). A change of latent size closes the current batch.
import type { Latent, Tensor } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { allocTensor, requireInt, requireLatent } from '../utils/node-args.ts';
import { cat, narrow, repeatBatch } from '../utils/tensor-ops.ts';
import { v3Int, v3Socket } from '../utils/v3-io.ts';

interface Batch {
  samples: Tensor;
  mask: Tensor;
  indices: number[];
}

function toBatch(latent: Latent, offset: number): Batch {
  const samples = latent.samples;
  const [b, , h, w] = samples.shape as [number, number, number, number];
  let mask = latent.noise_mask;
  if (!mask) {
    mask = allocTensor([b, 1, h * 8, w * 8], 'noise mask');
    mask.data.fill(1);
  }
  if (mask.shape[0]! < b) {
    // ComfyUI repeats a short mask batch as a 4-D tensor.
    const m4 = mask.rank === 4 ? mask : mask.reshape([mask.shape[0]!, 1, mask.shape[mask.rank - 2]!, mask.shape[mask.rank - 1]!]);
    mask = narrow(repeatBatch(m4, Math.floor((b - 1) / m4.shape[0]!) + 1), 0, 0, b);
  }
  const indices = latent.batch_index ?? Array.from({ length: b }, (_, x) => x + offset);
  return { samples, mask, indices };
}

/** Python slice [start, end) along dim 0, clamped. */
function head(t: Tensor, start: number, end: number): Tensor {
  const n = t.shape[0]!;
  const a = Math.min(start, n);
  return narrow(t, 0, a, Math.max(0, Math.min(end, n) - a));
}

function sliceBatch(batch: Batch, start: number, end: number): Latent {
  return { samples: head(batch.samples, start, end), noise_mask: head(batch.mask, start, end), batch_index: batch.indices.slice(start, end) };
}

function join(a: Batch, b: Batch): Batch {
  if (a.mask.shape.slice(1).join() !== b.mask.shape.slice(1).join()) {
    throw new Error(`RebatchLatents: noise masks of shapes [${a.mask.shape.join(', ')}] and [${b.mask.shape.join(', ')}] cannot be batched together`);
  }
  return { samples: cat([a.samples, b.samples], 0), mask: cat([a.mask, b.mask], 0), indices: [...a.indices, ...b.indices] };
}

export function rebatchLatents(latents: readonly Latent[], batchSize: number): Latent[] {
  const out: Latent[] = [];
  let current: Batch | null = null;
  let processed = 0;
  for (const latent of latents) {
    const next = toBatch(latent, processed);
    processed += next.indices.length;
    if (!current) {
      current = next;
    } else if (next.samples.shape[3] !== current.samples.shape[3] || next.samples.shape[2] !== current.samples.shape[2]) {
      out.push(sliceBatch(current, 0, batchSize));
      current = next;
    } else {
      current = join(current, next);
    }
    const size = current.samples.shape[0]!;
    if (size > batchSize) {
      const num = Math.floor(size / batchSize);
      for (let i = 0; i < num; i++) out.push(sliceBatch(current, i * batchSize, (i + 1) * batchSize));
      current = num * batchSize < size ? { samples: head(current.samples, num * batchSize, size), mask: head(current.mask, num * batchSize, Infinity), indices: current.indices.slice(num * batchSize) } : null;
    }
  }
  if (current) out.push(sliceBatch(current, 0, batchSize));
  for (const latent of out) {
    const m = latent.noise_mask!;
    let sum = 0;
    for (let i = 0; i < m.size; i++) sum += m.data[i]!;
    if (m.size > 0 && sum / m.size === 1.0) delete latent.noise_mask;
  }
  return out;
}

export const rebatchLatentsNode: NodeDefinition = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_rebatch',
  category: 'latent/batch',
  name: 'RebatchLatents',
  displayName: 'Rebatch Latents',
  inputIsList: true,
  inputs: { required: { latents: v3Socket('LATENT'), batch_size: v3Int({ default: 1, min: 1, max: 4096 }) } },
  outputs: [{ type: 'LATENT', isList: true }],
  execute(inputs) {
    const latents = (Array.isArray(inputs.latents) ? inputs.latents : [inputs.latents]).map((l, i) => requireLatent(`latents[${i}]`, l));
    for (const l of latents) if (l.samples.rank !== 4) throw new Error('RebatchLatents: latents must have 4 dimensions [batch, channels, height, width]');
    const batchSize = requireInt('batch_size', Array.isArray(inputs.batch_size) ? inputs.batch_size[0] : inputs.batch_size, 1, 4096);
    return [rebatchLatents(latents, batchSize)];
  },
};
