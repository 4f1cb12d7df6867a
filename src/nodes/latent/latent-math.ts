// Arithmetic on latents (comfy_extras/nodes_latent.py, V3): LatentAdd, LatentSubtract, LatentMultiply,
// LatentInterpolate. The second latent is first brought to the first one's shape (reshape_latent_to).
import { Tensor } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { copyLatent, requireLatent, requireNumber } from '../utils/node-args.ts';
import { f32 } from '../utils/tensor-ops.ts';
import { v3Float, v3Socket } from '../utils/v3-io.ts';
import { reshapeLatentTo } from './latent-reshape.ts';

const LATENT_NODE = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_latent', category: 'latent/advanced' } as const;

function binaryNode(name: string, op: (a: number, b: number) => number): NodeDefinition {
  return {
    ...LATENT_NODE,
    name,
    inputs: { required: { samples1: v3Socket('LATENT'), samples2: v3Socket('LATENT') } },
    outputs: [{ type: 'LATENT' }],
    execute(inputs) {
      const samples1 = requireLatent('samples1', inputs.samples1);
      const s1 = samples1.samples;
      const s2 = reshapeLatentTo(s1.shape, requireLatent('samples2', inputs.samples2).samples);
      const out = new Tensor(s1.shape);
      for (let i = 0; i < out.size; i++) out.data[i] = op(s1.data[i]!, s2.data[i]!);
      const result = copyLatent(samples1);
      result.samples = out;
      return [result];
    },
  };
}

export const latentAddNode = binaryNode('LatentAdd', (a, b) => a + b);
export const latentSubtractNode = binaryNode('LatentSubtract', (a, b) => a - b);

export const latentMultiplyNode: NodeDefinition = {
  ...LATENT_NODE,
  name: 'LatentMultiply',
  inputs: { required: { samples: v3Socket('LATENT'), multiplier: v3Float({ default: 1.0, min: -10.0, max: 10.0, step: 0.01 }) } },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    const m = f32(requireNumber('multiplier', inputs.multiplier));
    const s = samples.samples;
    const out = new Tensor(s.shape);
    for (let i = 0; i < out.size; i++) out.data[i] = s.data[i]! * m;
    const result = copyLatent(samples);
    result.samples = out;
    return [result];
  },
};

const F32_MAX = 3.4028234663852886e38;

/** torch.nan_to_num for float32: NaN → 0, ±inf → ±max. */
function nanToNum(v: number): number {
  if (Number.isNaN(v)) return 0;
  if (v === Infinity) return F32_MAX;
  if (v === -Infinity) return -F32_MAX;
  return v;
}

/** torch.linalg.vector_norm over dim 1: [B, C, ...rest] → [B, ...rest]. */
export function channelNorm(t: Tensor): Float32Array {
  const b = t.shape[0]!;
  const c = t.shape[1]!;
  const rest = t.size / (b * c || 1);
  const out = new Float32Array(b * rest);
  for (let n = 0; n < b; n++) {
    for (let p = 0; p < rest; p++) {
      let sum = 0;
      for (let k = 0; k < c; k++) {
        const v = t.data[(n * c + k) * rest + p]!;
        sum += v * v;
      }
      out[n * rest + p] = Math.sqrt(sum);
    }
  }
  return out;
}

/**
 * ComfyUI divides a [B, C, …] latent by its [B, …] channel norm without re-inserting the channel axis, so torch
 * broadcasting lines the norm's batch axis up with the channels: the norm used for channel c is that of batch item
 * (B == 1 ? 0 : c). That is the intended per-item norm for single latents; this helper reproduces it for batches.
 */
function normIndexer(t: Tensor): (n: number, k: number, p: number) => number {
  const b = t.shape[0]!;
  const c = t.shape[1]!;
  const rest = t.size / (b * c || 1);
  if (b !== 1 && b !== c) {
    throw new Error(`LatentInterpolate: ComfyUI cannot interpolate a batch of ${b} latents with ${c} channels (the batch must be 1 or equal the channel count)`);
  }
  return (_n, k, p) => (b === 1 ? 0 : k) * rest + p;
}

export function latentInterpolate(s1: Tensor, s2: Tensor, ratio: number): Tensor {
  const [b, c] = s1.shape as [number, number];
  const rest = s1.size / (b * c || 1);
  const at = normIndexer(s1);
  const m1 = channelNorm(s1);
  const m2 = channelNorm(s2);
  const r = f32(ratio);
  const ir = f32(1.0 - ratio);
  const t = new Tensor(s1.shape);
  for (let n = 0; n < b; n++)
    for (let k = 0; k < c; k++)
      for (let p = 0; p < rest; p++) {
        const i = (n * c + k) * rest + p;
        const a = nanToNum(f32(s1.data[i]! / m1[at(n, k, p)]!));
        const z = nanToNum(f32(s2.data[i]! / m2[at(n, k, p)]!));
        t.data[i] = f32(f32(a * r) + f32(z * ir));
      }
  const mt = channelNorm(t);
  const out = new Tensor(s1.shape);
  for (let n = 0; n < b; n++)
    for (let k = 0; k < c; k++)
      for (let p = 0; p < rest; p++) {
        const i = (n * c + k) * rest + p;
        const j = at(n, k, p);
        const st = nanToNum(f32(t.data[i]! / mt[j]!));
        out.data[i] = f32(st * f32(f32(m1[j]! * r) + f32(m2[j]! * ir)));
      }
  return out;
}

export const latentInterpolateNode: NodeDefinition = {
  ...LATENT_NODE,
  name: 'LatentInterpolate',
  inputs: {
    required: {
      samples1: v3Socket('LATENT'),
      samples2: v3Socket('LATENT'),
      ratio: v3Float({ default: 1.0, min: 0.0, max: 1.0, step: 0.01 }),
    },
  },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples1 = requireLatent('samples1', inputs.samples1);
    const s1 = samples1.samples;
    const s2 = reshapeLatentTo(s1.shape, requireLatent('samples2', inputs.samples2).samples);
    const result = copyLatent(samples1);
    result.samples = latentInterpolate(s1, s2, requireNumber('ratio', inputs.ratio));
    return [result];
  },
};
