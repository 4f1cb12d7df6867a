// comfy_extras/nodes_advanced_samplers.py: SamplerLCMUpscale (LCM that enlarges the latent over the first steps)
// and SamplerEulerCFGpp (euler_cfg_pp, or the node's own "alternative" CFG++ Euler).
import { makeSampler, type SamplerObject } from './sampler-object.ts';
import type { Denoiser, SamplerOptions } from '../../../inference/sampling/samplers/common.ts';
import { copyOf, f, report, requireNoise, requireUncond } from '../../../inference/sampling/samplers/common.ts';
import type { SamplerEntry } from '../../../inference/sampling/samplers/index.ts';
import type { NodeDefinition } from '../../node-definition.ts';
import { requireChoice, requireInt, requireNumber } from '../../utils/node-args.ts';
import { v3Combo, v3Float, v3Int } from '../../utils/v3-io.ts';

const MODULE = 'comfy_extras.nodes_advanced_samplers';
const UPSCALE_METHODS = ['bislerp', 'nearest-exact', 'bilinear', 'area', 'bicubic'] as const;

/** A SAMPLER built from a sampler function that is not in k-diffusion's named list (ComfyUI's `KSAMPLER(fn)`). */
function customSampler(base: Parameters<typeof makeSampler>[0], entry: SamplerEntry, label: string): SamplerObject {
  return { ...makeSampler(base), entry, toString: () => `<SAMPLER ${label}>` };
}

/**
 * `sample_lcm_upscale` at a constant size: each step takes the prediction and, while σ_next > 0, adds σ_next·noise
 * (plain addition, not the model's noise scaling).
 */
async function sampleLcmSameSize(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  const noise = requireNoise(opts, 'lcm_upscale');
  let x = copyOf(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    await report(opts, i, sigmas, x, denoised);
    x = copyOf(denoised);
    const next = f(sigmas[i + 1]!);
    if (next > 0) {
      const n = noise(sigmas[i]!, sigmas[i + 1]!);
      for (let j = 0; j < x.length; j++) x[j] = f(x[j]! + f(next * n[j]!));
    }
  }
  return x;
}

/** `sample_euler_pp`: Euler along d = (x − 2·D + D_uncond)/σ, the node's "alternative" CFG++. */
async function sampleEulerPp(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  const x = copyOf(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = f(sigmas[i]!);
    const denoised = await denoise(x, sigmas[i]!);
    const uncond = requireUncond(opts, 'euler_pp');
    await report(opts, i, sigmas, x, denoised);
    const dt = f(f(sigmas[i + 1]!) - sigma);
    for (let j = 0; j < x.length; j++) {
      const d = f(f(f(f(x[j]! - denoised[j]!) + uncond[j]!) - denoised[j]!) / sigma);
      x[j] = f(x[j]! + f(d * dt));
    }
  }
  return x;
}

export const samplerLcmUpscale: NodeDefinition = {
  name: 'SamplerLCMUpscale',
  schemaFormat: 'v3',
  pythonModule: MODULE,
  category: 'sampling/custom_sampling/samplers',
  inputs: {
    required: {
      scale_ratio: v3Float({ default: 1.0, min: 0.1, max: 20.0, step: 0.01 }),
      scale_steps: v3Int({ default: -1, min: -1, max: 1000, step: 1 }),
      upscale_method: v3Combo(UPSCALE_METHODS),
    },
  },
  outputs: [{ type: 'SAMPLER' }],
  execute(inputs) {
    const ratio = requireNumber('scale_ratio', inputs.scale_ratio, 0.1, 20.0);
    requireInt('scale_steps', inputs.scale_steps, -1, 1000);
    const method = requireChoice('upscale_method', inputs.upscale_method, UPSCALE_METHODS);
    // Resizing the latent between steps needs a denoiser that accepts a new shape, which comfy-ts's lacks.
    if (ratio !== 1.0) throw new Error(`SamplerLCMUpscale: scale_ratio ${ratio} is not implemented in comfy-ts yet (only 1.0, no resize)`);
    return [customSampler('lcm', { sample: sampleLcmSameSize, noise: 'default' }, `lcm_upscale ${method}`)];
  },
};

export const samplerEulerCfgPp: NodeDefinition = {
  name: 'SamplerEulerCFGpp',
  schemaFormat: 'v3',
  displayName: 'SamplerEulerCFG++',
  pythonModule: MODULE,
  category: '_for_testing',
  experimental: true,
  inputs: { required: { version: v3Combo(['regular', 'alternative']) } },
  outputs: [{ type: 'SAMPLER' }],
  execute(inputs) {
    const version = requireChoice('version', inputs.version, ['regular', 'alternative']);
    if (version === 'regular') return [makeSampler('euler_cfg_pp')];
    return [customSampler('euler_cfg_pp', { sample: sampleEulerPp, needsUncond: true }, 'euler_pp')];
  },
};
