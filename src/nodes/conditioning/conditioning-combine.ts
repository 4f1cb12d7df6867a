// Nodes that merge two CONDITIONING lists (nodes.py): ConditioningCombine (list concatenation, each entry is
// evaluated on its own while sampling), ConditioningAverage (weighted blend with the first `from` entry) and
// ConditioningConcat (the first `from` entry appended along the token axis).
import { Tensor } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { isTensor, requireNumber } from '../utils/node-args.ts';
import { firstEntry, requireConditioning } from './conditioning-args.ts';

const f = Math.fround;
const CORE = { schemaFormat: 'v1', pythonModule: 'nodes', category: 'conditioning' } as const;

export const conditioningCombine: NodeDefinition = {
  ...CORE,
  name: 'ConditioningCombine',
  displayName: 'Conditioning (Combine)',
  inputs: { required: { conditioning_1: ['CONDITIONING'], conditioning_2: ['CONDITIONING'] } },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    return [[...requireConditioning('conditioning_1', inputs.conditioning_1), ...requireConditioning('conditioning_2', inputs.conditioning_2)]];
  },
};

/** t[:, :tokens] of a [B, T, D] tensor, zero-padded to `tokens` when shorter (ComfyUI pads a batch of 1). */
function fitTokens(t: Tensor, tokens: number, dim: number): Tensor {
  const [batch, have, d] = t.shape as [number, number, number];
  if (d !== dim) throw new Error(`conditioning_from has dimension ${d} but conditioning_to has ${dim}`);
  if (have > tokens) {
    const out = new Tensor([batch, tokens, d]);
    for (let b = 0; b < batch; b++) out.data.set(t.data.subarray(b * have * d, (b * have + tokens) * d), b * tokens * d);
    return out;
  }
  if (have === tokens) return t;
  if (batch !== 1) throw new Error(`Sizes of tensors must match except in dimension 1. Expected size ${batch} but got size 1`);
  const out = new Tensor([1, tokens, d]);
  out.data.set(t.data);
  return out;
}

/** a·s + b·(1 − s) in float32 with torch broadcasting over the batch axis ([B, …] against [1, …]). */
function blend(a: Tensor, b: Tensor, strength: number): Tensor {
  const batchA = a.shape[0]!;
  const batchB = b.shape[0]!;
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) {
    throw new Error(`The size of tensor a (${batchA}) must match the size of tensor b (${batchB}) at non-singleton dimension 0`);
  }
  const batch = Math.max(batchA, batchB);
  const item = a.size / batchA;
  if (b.size / batchB !== item) throw new Error(`cannot blend tensors of shapes [${a.shape}] and [${b.shape}]`);
  const out = new Tensor([batch, ...a.shape.slice(1)]);
  const sa = f(strength);
  const sb = f(1 - strength);
  for (let n = 0; n < batch; n++) {
    const offA = (batchA === 1 ? 0 : n) * item;
    const offB = (batchB === 1 ? 0 : n) * item;
    for (let i = 0; i < item; i++) out.data[n * item + i] = f(a.data[offA + i]! * sa) + f(b.data[offB + i]! * sb);
  }
  return out;
}

export const conditioningAverage: NodeDefinition = {
  ...CORE,
  name: 'ConditioningAverage',
  // The display-name table's key has a trailing space ("ConditioningAverage "), so the class name shows.
  inputs: {
    required: {
      conditioning_to: ['CONDITIONING'],
      conditioning_from: ['CONDITIONING'],
      conditioning_to_strength: ['FLOAT', { default: 1.0, min: 0.0, max: 1.0, step: 0.01 }],
    },
  },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    const to = requireConditioning('conditioning_to', inputs.conditioning_to);
    const [condFrom, fromOptions] = firstEntry('ConditioningAverage', 'conditioning_from', requireConditioning('conditioning_from', inputs.conditioning_from));
    const strength = requireNumber('conditioning_to_strength', inputs.conditioning_to_strength);
    const pooledFrom = isTensor(fromOptions.pooled_output) ? fromOptions.pooled_output : null;
    return [to.map(([t1, options]) => {
      const t0 = fitTokens(condFrom, t1.shape[1]!, t1.shape[2]!);
      const merged = { ...options };
      const pooledTo = 'pooled_output' in options ? options.pooled_output : pooledFrom;
      if (pooledFrom && isTensor(pooledTo)) merged.pooled_output = blend(pooledTo, pooledFrom, strength);
      else if (pooledFrom) merged.pooled_output = pooledFrom;
      return [blend(t1, t0, strength), merged] as const;
    })];
  },
};

/** torch.cat((a, b), 1) of two [B, T, D] tensors. */
function concatTokens(a: Tensor, b: Tensor): Tensor {
  const [batch, ta, d] = a.shape as [number, number, number];
  const [batchB, tb, dB] = b.shape as [number, number, number];
  if (batchB !== batch || dB !== d) {
    throw new Error(`Sizes of tensors must match except in dimension 1: [${a.shape}] and [${b.shape}]`);
  }
  const out = new Tensor([batch, ta + tb, d]);
  for (let n = 0; n < batch; n++) {
    out.data.set(a.data.subarray(n * ta * d, (n + 1) * ta * d), n * (ta + tb) * d);
    out.data.set(b.data.subarray(n * tb * d, (n + 1) * tb * d), (n * (ta + tb) + ta) * d);
  }
  return out;
}

export const conditioningConcat: NodeDefinition = {
  ...CORE,
  name: 'ConditioningConcat',
  displayName: 'Conditioning (Concat)',
  inputs: { required: { conditioning_to: ['CONDITIONING'], conditioning_from: ['CONDITIONING'] } },
  outputs: [{ type: 'CONDITIONING' }],
  execute(inputs) {
    const to = requireConditioning('conditioning_to', inputs.conditioning_to);
    const [condFrom] = firstEntry('ConditioningConcat', 'conditioning_from', requireConditioning('conditioning_from', inputs.conditioning_from));
    return [to.map(([t1, options]) => [concatTokens(t1, condFrom), { ...options }] as const)];
  },
};
