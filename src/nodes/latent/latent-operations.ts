// LATENT_OPERATION values and their application (comfy_extras/nodes_latent.py, V3, experimental): an operation is
// a function from a latent tensor to a new one. LatentApplyOperationCFG needs a model and lives with the model nodes.
import { Tensor } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { copyLatent, requireInt, requireLatent, requireNumber } from '../utils/node-args.ts';
import { f32 } from '../utils/tensor-ops.ts';
import { v3Float, v3Int, v3Socket } from '../utils/v3-io.ts';
import { channelNorm } from './latent-math.ts';

/** The LATENT_OPERATION value type. */
export type LatentOperation = (latent: Tensor) => Tensor;

const OPS_NODE = {
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_latent',
  category: 'latent/advanced/operations',
  experimental: true,
} as const;

export const latentApplyOperationNode: NodeDefinition = {
  ...OPS_NODE,
  name: 'LatentApplyOperation',
  inputs: { required: { samples: v3Socket('LATENT'), operation: v3Socket('LATENT_OPERATION') } },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    if (typeof inputs.operation !== 'function') throw new Error('operation must be a LATENT_OPERATION');
    const out = copyLatent(samples);
    out.samples = (inputs.operation as LatentOperation)(samples.samples);
    return [out];
  },
};

/** Per-item, per-position channel magnitudes plus `eps`, as a [B, rest] array (rest = all axes after channels). */
function magnitudes(latent: Tensor, eps: number): Float32Array {
  const m = channelNorm(latent);
  for (let i = 0; i < m.length; i++) m[i] = f32(m[i]! + eps);
  return m;
}

/** Reinhard tone mapping of latent vector magnitudes, the white point set per item at mean + 5·std (× multiplier). */
export function tonemapReinhard(multiplier: number): LatentOperation {
  return (latent) => {
    if (latent.rank < 3) throw new Error('tonemap: the latent needs at least 3 dimensions');
    const [b, c] = latent.shape as [number, number];
    const rest = latent.size / (b * c || 1);
    const mag = magnitudes(latent, 1e-10);
    const out = new Tensor(latent.shape);
    for (let n = 0; n < b; n++) {
      const item = mag.subarray(n * rest, (n + 1) * rest);
      let sum = 0;
      for (const v of item) sum += v;
      const mean = sum / rest;
      let sq = 0;
      for (const v of item) sq += (v - mean) * (v - mean);
      // torch.std is the unbiased estimate.
      const std = Math.sqrt(sq / (rest - 1));
      const top = f32(f32(f32(f32(std) * 5) + f32(mean)) * f32(multiplier));
      const inv = f32(1.0 / top);
      for (let p = 0; p < rest; p++) {
        const m = item[p]!;
        const scaled = f32(m * inv);
        const mapped = f32(f32(scaled / f32(scaled + 1)) * top);
        for (let k = 0; k < c; k++) {
          const i = (n * c + k) * rest + p;
          out.data[i] = f32(f32(latent.data[i]! / m) * mapped);
        }
      }
    }
    return out;
  };
}

/** torch.linspace(-1, 1, n) in float32 (the second half computed from the end, as torch does). */
function linspace(n: number): Float32Array {
  const out = new Float32Array(n);
  if (n === 1) {
    out[0] = -1;
    return out;
  }
  const step = f32(2 / (n - 1));
  const half = Math.floor(n / 2);
  for (let i = 0; i < n; i++) out[i] = i < half ? f32(-1 + f32(step * i)) : f32(1 - f32(step * (n - 1 - i)));
  return out;
}

/** comfy_extras/nodes_post_processing.py gaussian_kernel: exp(−d²/(2σ²)) on a [-1, 1]² grid, normalised to sum 1. */
export function gaussianKernel(size: number, sigma: number): Float32Array {
  const axis = linspace(size);
  const k = new Float32Array(size * size);
  const denom = f32(2.0 * sigma * sigma);
  let sum = 0;
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++) {
      const d = f32(Math.sqrt(f32(f32(axis[i]! * axis[i]!) + f32(axis[j]! * axis[j]!))));
      const g = f32(Math.exp(f32(-f32(d * d) / denom)));
      k[i * size + j] = g;
      sum += g;
    }
  const total = f32(sum);
  for (let i = 0; i < k.length; i++) k[i] = f32(k[i]! / total);
  return k;
}

/** Reflect padding index (torch 'reflect': the edge is not repeated). */
function reflect(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/** Sharpening of the normalised latent with a Gaussian-difference kernel, magnitudes restored afterwards. */
export function sharpen(radius: number, sigma: number, alpha: number): LatentOperation {
  return (latent) => {
    if (latent.rank !== 4) throw new Error('sharpen: the latent needs 4 dimensions [batch, channels, height, width]');
    const [b, c, h, w] = latent.shape as [number, number, number, number];
    if (radius >= h || radius >= w) throw new Error(`sharpen: sharpen_radius ${radius} must be smaller than the latent (${w}x${h})`);
    const size = radius * 2 + 1;
    const kernel = gaussianKernel(size, sigma);
    const scale = f32(alpha * -10);
    let sum = 0;
    for (let i = 0; i < kernel.length; i++) {
      kernel[i] = f32(kernel[i]! * scale);
      sum += kernel[i]!;
    }
    const centre = radius * size + radius;
    kernel[centre] = f32(f32(kernel[centre]! - f32(sum)) + 1.0);
    const lum = magnitudes(latent, 1e-6);
    const normalized = new Float32Array(latent.size);
    const plane = h * w;
    for (let n = 0; n < b; n++)
      for (let k = 0; k < c; k++)
        for (let p = 0; p < plane; p++) {
          const i = (n * c + k) * plane + p;
          normalized[i] = f32(latent.data[i]! / lum[n * plane + p]!);
        }
    const out = new Tensor(latent.shape);
    for (let n = 0; n < b; n++)
      for (let k = 0; k < c; k++) {
        const base = (n * c + k) * plane;
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            let acc = 0;
            for (let ky = 0; ky < size; ky++) {
              const row = base + reflect(y + ky - radius, h) * w;
              for (let kx = 0; kx < size; kx++) acc += kernel[ky * size + kx]! * normalized[row + reflect(x + kx - radius, w)]!;
            }
            out.data[base + y * w + x] = f32(lum[n * plane + y * w + x]! * f32(acc));
          }
      }
    return out;
  };
}

export const latentOperationTonemapReinhardNode: NodeDefinition = {
  ...OPS_NODE,
  name: 'LatentOperationTonemapReinhard',
  inputs: { required: { multiplier: v3Float({ default: 1.0, min: 0.0, max: 100.0, step: 0.01 }) } },
  outputs: [{ type: 'LATENT_OPERATION' }],
  execute: (inputs) => [tonemapReinhard(requireNumber('multiplier', inputs.multiplier, 0, 100))],
};

export const latentOperationSharpenNode: NodeDefinition = {
  ...OPS_NODE,
  name: 'LatentOperationSharpen',
  inputs: {
    required: {
      sharpen_radius: v3Int({ default: 9, min: 1, max: 31, step: 1 }),
      sigma: v3Float({ default: 1.0, min: 0.1, max: 10.0, step: 0.1 }),
      alpha: v3Float({ default: 0.1, min: 0.0, max: 5.0, step: 0.01 }),
    },
  },
  outputs: [{ type: 'LATENT_OPERATION' }],
  execute: (inputs) => [
    sharpen(
      requireInt('sharpen_radius', inputs.sharpen_radius, 1, 31),
      requireNumber('sigma', inputs.sigma, 0.1, 10),
      requireNumber('alpha', inputs.alpha, 0, 5),
    ),
  ],
};
