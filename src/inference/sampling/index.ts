// Sampling mathematics: torch-identical noise, model sampling (σ tables, eps/v), schedulers, samplers,
// CFG and the KSampler pipeline, latent previews.
export { TorchGenerator, randn, prepareNoise, defaultNoiseSampler, addToSeed, seedLow32, type Seed, type NoiseSampler } from './noise.ts';
export { createDiscreteModelSampling, isMaxDenoise, type ModelSampling, type PredictionType } from './model-sampling.ts';
export { SD15_LATENT_FORMAT, SDXL_LATENT_FORMAT, processIn, processOut, type LatentFormat } from './latent-format.ts';
export {
  SCHEDULER_NAMES,
  SCHEDULERS,
  calculateSigmas,
  ksamplerSigmas,
  basicSchedulerSigmas,
  applyStepWindow,
  type SchedulerName,
} from './schedulers.ts';
export { SAMPLER_NAMES, getSampler, implementedSamplers, isSamplerName, type SamplerName, type StepInfo, type Denoiser } from './samplers/index.ts';
export { createCfgDenoiser, type DiffusionModel, type ModelCond } from './cfg.ts';
export type { Conditioning, ConditioningEntry, ConditioningOptions } from './conditioning.ts';
export { commonKSampler, advancedOptions, fitEmptyLatent, inpaintDenoiser, type KSamplerInput } from './ksampler.ts';
export { latentPreview, latentToRgb, encodePreview, samplingProgress, type PreviewImageData, type ProgressSink } from './latent-preview.ts';
