// comfy_extras/nodes_advanced_samplers.py: SamplerLCMUpscale (LCM that enlarges the latent over the first steps)
// and SamplerEulerCFGpp (euler_cfg_pp, or the node's own "alternative" CFG++ Euler).
import { makeSampler, type SamplerObject } from './sampler-object.ts';
import type { Denoiser, SamplerOptions } from '../../../inference/sampling/samplers/common.ts';
import { copyOf, f, report, requireUncond } from '../../../inference/sampling/samplers/common.ts';
import type { SamplerEntry } from '../../../inference/sampling/samplers/index.ts';
import { commonUpscale, pyRound } from '../../../imaging/resize.ts';
import { Tensor } from '../../../inference/tensor.ts';
import type { NodeDefinition } from '../../node-definition.ts';
import { requireChoice, requireInt, requireNumber } from '../../utils/node-args.ts';
import { v3Combo, v3Float, v3Int } from '../../utils/v3-io.ts';

const MODULE = 'comfy_extras.nodes_advanced_samplers';
const UPSCALE_METHODS = ['bislerp', 'nearest-exact', 'bilinear', 'area', 'bicubic'] as const;

/** A SAMPLER built from a sampler function that is not in k-diffusion's named list (ComfyUI's `KSAMPLER(fn)`). */
function customSampler(base: Parameters<typeof makeSampler>[0], entry: SamplerEntry, label: string): SamplerObject {
  return { ...makeSampler(base), entry, toString: () => `<SAMPLER ${label}>` };
}

/** `np.linspace(1, total, steps)[1:]`: the scale after each of the first steps. */
function upscaleSchedule(total: number, steps: number): number[] {
  const step = (total - 1) / (steps - 1);
  return Array.from({ length: steps - 1 }, (_, k) => (k === steps - 2 ? total : 1 + step * (k + 1)));
}

/**
 * `sample_lcm_upscale`: each step takes the prediction, enlarges it for the first steps (common_upscale of the
 * original size × the schedule's scale, Python-rounded), and while σ_next > 0 adds σ_next · randn_like (torch's
 * global generator, which continues after the initial noise).
 */
function lcmUpscaleSampler(totalUpscale: number, method: string, scaleSteps: number | null): SamplerEntry['sample'] {
  return async (denoise, x0, sigmas, opts) => {
    const original = opts.shape;
    const randnLike = opts.randnLike;
    if (!original || !randnLike) throw new Error('lcm_upscale needs the latent shape and torch\'s global generator (opts.shape, opts.randnLike)');
    const steps = scaleSteps === null ? Math.max(Math.floor(sigmas.length / 2) + 1, 2) : Math.min(scaleSteps + 1, sigmas.length + 1);
    const scales = upscaleSchedule(totalUpscale, steps);
    let shape: readonly number[] = original;
    let x = copyOf(x0);
    for (let i = 0; i < sigmas.length - 1; i++) {
      const denoised = await denoise(x, sigmas[i]!, shape);
      await report(opts, i, sigmas, x, denoised, sigmas[i]!, shape);
      x = copyOf(denoised);
      if (i < scales.length) {
        const [batch, channels, height, width] = original as [number, number, number, number];
        const resized = commonUpscale(new Tensor(shape, x), pyRound(width * scales[i]!), pyRound(height * scales[i]!), method, 'disabled');
        [x, shape] = [resized.data, [batch, channels, resized.shape[2]!, resized.shape[3]!]];
        opts.onResize?.(shape);
      }
      const next = f(sigmas[i + 1]!);
      if (next > 0) {
        const n = randnLike(x.length);
        for (let j = 0; j < x.length; j++) x[j] = f(x[j]! + f(next * n[j]!));
      }
    }
    return x;
  };
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
    const method = requireChoice('upscale_method', inputs.upscale_method, UPSCALE_METHODS);
    const scaleSteps = requireInt('scale_steps', inputs.scale_steps, -1, 1000);
    const sample = lcmUpscaleSampler(ratio, method, scaleSteps < 0 ? null : scaleSteps);
    return [customSampler('lcm', { sample, noise: 'global' }, `lcm_upscale ${method}`)];
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
