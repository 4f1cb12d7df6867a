// The KSampler pipeline (nodes.common_ksampler → comfy.sample.sample → KSampler → CFGGuider → KSAMPLER;
// models.md §6.4) over an abstract diffusion model: initial noise from the seed, σ schedule with denoise
// and KSamplerAdvanced's step window, model-space latent, noising, the sampler with the CFG denoiser,
// inpainting through the noise mask, and back to VAE space.
import { Tensor, type Latent } from '../tensor.ts';
import { createCfgDenoiser, type DiffusionModel } from './cfg.ts';
import type { Conditioning } from './conditioning.ts';
import { brownianNoiseSampler } from './brownian.ts';
import { isAllZero, processIn, processOut } from './latent-format.ts';
import { isMaxDenoise } from './model-sampling.ts';
import { addToSeed, defaultNoiseSampler, prepareNoise, randn, type Seed } from './noise.ts';
import { reshapeMask } from './resize.ts';
import { getSampler, type Denoiser, type StepInfo } from './samplers/index.ts';
import { applyStepWindow, ksamplerSigmas } from './schedulers.ts';

const f = Math.fround;

export interface KSamplerInput {
  model: DiffusionModel;
  seed: Seed;
  steps: number;
  cfg: number;
  samplerName: string;
  scheduler: string;
  positive: Conditioning;
  negative: Conditioning;
  latent: Latent;
  denoise?: number;
  /** KSamplerAdvanced `add_noise` = disable → false (the latent is sampled as it is). */
  addNoise?: boolean;
  /** KSamplerAdvanced `start_at_step` / `end_at_step`. */
  startStep?: number;
  lastStep?: number;
  /** KSamplerAdvanced `return_with_leftover_noise` = disable → true (the last σ is forced to 0). */
  forceFullDenoise?: boolean;
  /** Explicit σ list (SamplerCustom-style); replaces scheduler/steps/denoise. */
  sigmas?: Float64Array;
  /** After each sampler step: progress is (i + 1) of `total`; `denoised` (model space) feeds previews. */
  onStep?: (info: StepInfo) => void | Promise<void>;
  /** Throws to stop sampling (checked before every model evaluation and after every step). */
  checkInterrupted?: () => void;
}

/** `comfy.sample.fix_empty_latent_channels`: an all-zero latent gets the model's channel count. */
export function fitEmptyLatent(samples: Tensor, channels: number): Tensor {
  if (samples.shape[1] === channels || !isAllZero(samples.data)) return samples;
  return Tensor.zeros([samples.shape[0]!, channels, ...samples.shape.slice(2)]);
}

/** KSampler / KSamplerAdvanced: returns the input LATENT with `samples` replaced. */
export async function commonKSampler(input: KSamplerInput): Promise<Latent> {
  const { model } = input;
  const ms = model.modelSampling;
  const format = model.latentFormat;
  const latentImage = fitEmptyLatent(input.latent.samples, format.latentChannels);
  const shape = latentImage.shape;
  const size = latentImage.size;
  const noise = input.addNoise === false ? new Float32Array(size) : prepareNoise(shape, input.seed, input.latent.batch_index);

  let sigmas = input.sigmas ?? ksamplerSigmas(ms, input.scheduler, input.samplerName, input.steps, input.denoise ?? 1);
  const windowed = applyStepWindow(sigmas, input.startStep, input.lastStep, input.forceFullDenoise ?? false);
  if (windowed === null || windowed.length === 0) return { ...input.latent, samples: latentImage };
  sigmas = windowed;

  const entry = getSampler(input.samplerName);
  const mask = input.latent.noise_mask ? reshapeMask(input.latent.noise_mask.data, input.latent.noise_mask.shape, shape) : null;
  const latentModel = isAllZero(latentImage.data) ? latentImage.data : processIn(format, latentImage.data);

  const cfg = createCfgDenoiser({
    model,
    positive: input.positive,
    negative: input.negative,
    cfg: input.cfg,
    shape,
    disableCfg1Optimization: entry.needsUncond,
  });
  const inpaintNoise = entry.randomInpaintNoise ? randn(addToSeed(input.seed, 1), shape) : noise;
  const denoise = withInterrupt(mask ? inpaintDenoiser(cfg.denoise, mask, latentModel, inpaintNoise, ms) : cfg.denoise, input.checkInterrupted);

  const x = ms.noiseScaling(sigmas[0]!, noise, latentModel, isMaxDenoise(ms, sigmas[0]!));
  const positiveSigmas = Array.from(sigmas).filter((s) => s > 0);
  const samples = await entry.sample(denoise, x, sigmas, {
    modelSampling: ms,
    noise: entry.noise === 'default' ? defaultNoiseSampler(size, input.seed) : undefined,
    brownian:
      entry.noise === 'brownian' && positiveSigmas.length > 0
        ? brownianNoiseSampler(size, Math.min(...positiveSigmas), Math.max(...sigmas), input.seed)
        : undefined,
    uncondDenoised: () => cfg.lastUncond() ?? new Float32Array(0),
    onStep: async (info) => {
      await input.onStep?.(info);
      input.checkInterrupted?.();
    },
  });
  const restored = ms.inverseNoiseScaling(sigmas[sigmas.length - 1]!, samples);
  return { ...input.latent, samples: new Tensor(shape, processOut(format, restored)) };
}

function withInterrupt(denoise: Denoiser, check?: () => void): Denoiser {
  if (!check) return denoise;
  return (x, sigma, shape) => {
    check();
    return denoise(x, sigma, shape);
  };
}

/**
 * KSamplerX0Inpaint: where the mask is 0 the model sees the original latent noised to σ, and the
 * prediction there is replaced by the original latent.
 */
export function inpaintDenoiser(denoise: Denoiser, mask: Float32Array, latent: Float32Array, noise: Float32Array, ms: DiffusionModel['modelSampling']): Denoiser {
  const keep = Float32Array.from(mask, (m) => 1 - m);
  const mixed = new Float32Array(mask.length);
  return async (x, sigma, shape) => {
    if (x.length !== mask.length) throw new Error('a noise mask cannot follow a latent that changes size while sampling');
    const noised = ms.noiseScaling(sigma, noise, latent, false, mixed);
    for (let i = 0; i < x.length; i++) mixed[i] = f(x[i]! * mask[i]!) + f(noised[i]! * keep[i]!);
    const out = await denoise(mixed, sigma, shape);
    for (let i = 0; i < out.length; i++) out[i] = f(out[i]! * mask[i]!) + f(latent[i]! * keep[i]!);
    return out;
  };
}

/** The inputs of the KSamplerAdvanced node mapped onto commonKSampler's. */
export function advancedOptions(addNoise: string, startAtStep: number, endAtStep: number, returnWithLeftoverNoise: string) {
  return {
    addNoise: addNoise !== 'disable',
    startStep: startAtStep,
    lastStep: endAtStep,
    forceFullDenoise: returnWithLeftoverNoise !== 'enable',
  };
}
