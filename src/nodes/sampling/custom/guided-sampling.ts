// The sampling run behind SamplerCustom and SamplerCustomAdvanced (CFGGuider.sample → KSAMPLER.sample in
// comfy/samplers.py): the latent moved into model space, noised to the first σ, denoised by the sampler with
// the guider's D(x, σ) (kept to the unmasked area for inpainting), and moved back. Also returns the last
// step's prediction, which the nodes output as `denoised_output`.
import { brownianNoiseSampler } from '../../../inference/sampling/brownian.ts';
import {
  addToSeed, defaultNoiseSampler, inpaintDenoiser, isMaxDenoise, processIn, processOut, randn, type Denoiser, type Seed, type StepInfo,
} from '../../../inference/sampling/index.ts';
import { isAllZero } from '../../../inference/sampling/latent-format.ts';
import { reshapeMask } from '../../../inference/sampling/resize.ts';
import { Tensor, type Latent } from '../../../inference/tensor.ts';
import type { GuiderObject } from './guider-nodes.ts';
import type { NoiseObject } from './noise-nodes.ts';
import type { SamplerObject } from './sampler-object.ts';

export interface GuidedSampleInput {
  guider: GuiderObject;
  sampler: SamplerObject;
  noise: NoiseObject;
  sigmas: Float64Array;
  /** The input latent, its samples already fitted to the model (fitEmptyLatent). */
  latent: Latent;
  onStep?: (info: StepInfo) => void | Promise<void>;
  checkInterrupted?: () => void;
}

export interface GuidedSampleResult {
  /** VAE-space samples. */
  samples: Tensor;
  /** The last step's denoised prediction (VAE space), when any step ran. */
  denoised?: Tensor;
}

/** Samples `input.latent`; with no σ at all the latent comes back unchanged (`CFGGuider.sample`). */
export async function guidedSample(input: GuidedSampleInput): Promise<GuidedSampleResult> {
  const { guider, sampler, sigmas } = input;
  const ms = guider.model.modelSampling;
  const format = guider.model.latentFormat;
  const start = input.latent.samples;
  if (sigmas.length === 0) return { samples: start };
  const shape = start.shape;
  const seed: Seed = input.noise.seed;
  const noise = input.noise.generate(input.latent, shape);
  const latent = isAllZero(start.data) ? start.data : processIn(format, start.data);

  const { entry, knobs } = sampler;
  const guide = guider.denoiser(shape, entry.needsUncond ?? false);
  let denoise: Denoiser = guide.denoise;
  if (input.latent.noise_mask) {
    const mask = reshapeMask(input.latent.noise_mask.data, input.latent.noise_mask.shape, shape);
    denoise = inpaintDenoiser(denoise, mask, latent, entry.randomInpaintNoise ? randn(addToSeed(seed, 1), shape) : noise, ms);
  }
  const guarded: Denoiser = (x, sigma, current) => {
    input.checkInterrupted?.();
    return denoise(x, sigma, current);
  };

  let lastDenoised: Float32Array | undefined;
  let lastShape: readonly number[] = shape;
  let finalShape: readonly number[] = shape;
  const global = entry.noise === 'global' ? input.noise.globalGenerator(input.latent, shape) : null;
  const positive = Array.from(sigmas).filter((s) => s > 0);
  const x = ms.noiseScaling(sigmas[0]!, noise, latent, isMaxDenoise(ms, sigmas[0]!));
  const out = await entry.sample(guarded, x, sigmas, {
    modelSampling: ms,
    noise: entry.noise === 'default' ? defaultNoiseSampler(x.length, seed) : undefined,
    brownian: entry.noise === 'brownian' && positive.length > 0 ? brownianNoiseSampler(x.length, Math.min(...positive), Math.max(...sigmas), seed) : undefined,
    uncondDenoised: () => guide.lastUncond() ?? new Float32Array(0),
    eta: knobs.eta,
    sNoise: knobs.sNoise,
    shape,
    ...(global ? { randnLike: (size: number) => global.randn(size) } : {}),
    onResize: (resized) => (finalShape = resized),
    onStep: async (info) => {
      lastDenoised = Float32Array.from(info.denoised);
      lastShape = info.shape ?? shape;
      await input.onStep?.(info);
      input.checkInterrupted?.();
    },
  });
  const samples = new Tensor(finalShape, processOut(format, ms.inverseNoiseScaling(sigmas[sigmas.length - 1]!, out)));
  const denoised = lastDenoised && new Tensor(lastShape, processOut(format, lastDenoised));
  return { samples, denoised };
}
