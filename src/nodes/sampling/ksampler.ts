// KSampler and KSamplerAdvanced (nodes.py): denoise a LATENT with a MODEL under classifier-free guidance
// (models.md §6.4). Each step reports progress, with a latent2rgb preview when --preview-method asks for one,
// and honours an interrupt between model evaluations.
import { diffusionModelOf, type SdModel } from '../../inference/models/sd-models.ts';
import {
  advancedOptions,
  commonKSampler,
  SAMPLER_NAMES,
  samplingProgress,
  SCHEDULER_NAMES,
  type Conditioning,
  type KSamplerInput,
  type StepInfo,
} from '../../inference/sampling/index.ts';
import type { NodeContext, NodeDefinition } from '../node-definition.ts';
import { requireChoice, requireInt, requireLatent, requireNumber } from '../utils/node-args.ts';

export const MAX_SEED = 0xffffffffffffffffn;

export function requireModel(value: unknown): SdModel {
  if ((value as SdModel | null)?.kind !== 'sd-unet') throw new Error('model input is not a diffusion model');
  return value as SdModel;
}

function requireConditioning(name: string, value: unknown): Conditioning {
  if (!Array.isArray(value)) throw new Error(`${name} must be a CONDITIONING list`);
  return value as Conditioning;
}

export function requireSeed(name: string, value: unknown): number | bigint {
  const ok = (typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'bigint' && value >= 0n && value <= MAX_SEED);
  if (!ok) throw new Error(`${name} must be an integer between 0 and ${MAX_SEED}, got ${String(value)}`);
  return value as number | bigint;
}

/** `progress` after every step, with a preview of the step's prediction when previews are enabled. */
export function stepReporter(ctx: NodeContext, model: SdModel, shape: readonly number[]): (info: StepInfo) => Promise<void> {
  const { previewMethod, previewSize } = ctx.services.options;
  // taesd is not available, so every preview method other than none uses latent2rgb, as ComfyUI falls back.
  return samplingProgress((value, max, preview) => ctx.progress(value, max, preview), {
    format: model.latentFormat, shape, previews: previewMethod !== 'none', previewSize,
  });
}

async function sample(ctx: NodeContext, inputs: Record<string, any>, seedName: string, extra: Partial<KSamplerInput>) {
  const model = requireModel(inputs.model);
  const latent = requireLatent('latent_image', inputs.latent_image);
  const out = await commonKSampler({
    model: diffusionModelOf(model),
    seed: requireSeed(seedName, inputs[seedName]),
    steps: requireInt('steps', inputs.steps, 1, 10000),
    cfg: requireNumber('cfg', inputs.cfg, 0, 100),
    samplerName: requireChoice('sampler_name', inputs.sampler_name, SAMPLER_NAMES),
    scheduler: requireChoice('scheduler', inputs.scheduler, SCHEDULER_NAMES),
    positive: requireConditioning('positive', inputs.positive),
    negative: requireConditioning('negative', inputs.negative),
    latent,
    onStep: stepReporter(ctx, model, latent.samples.shape),
    checkInterrupted: () => ctx.checkInterrupted(),
    ...extra,
  });
  return [out];
}

const TOOLTIPS = {
  cfg: 'The Classifier-Free Guidance scale balances creativity and adherence to the prompt. Higher values result in images more closely matching the prompt however too high values will negatively impact quality.',
  denoise: 'The amount of denoising applied, lower values will maintain the structure of the initial image allowing for image to image sampling.',
};

export const kSampler: NodeDefinition = {
  name: 'KSampler',
  schemaFormat: 'v1',
  displayName: 'KSampler',
  description: 'Uses the provided model, positive and negative conditioning to denoise the latent image.',
  pythonModule: 'nodes',
  category: 'sampling',
  inputs: {
    required: {
      model: ['MODEL', { tooltip: 'The model used for denoising the input latent.' }],
      seed: ['INT', { default: 0, min: 0, max: MAX_SEED, control_after_generate: true, tooltip: 'The random seed used for creating the noise.' }],
      steps: ['INT', { default: 20, min: 1, max: 10000, tooltip: 'The number of steps used in the denoising process.' }],
      cfg: ['FLOAT', { default: 8.0, min: 0.0, max: 100.0, step: 0.1, round: 0.01, tooltip: TOOLTIPS.cfg }],
      sampler_name: [SAMPLER_NAMES, { tooltip: 'The algorithm used when sampling, this can affect the quality, speed, and style of the generated output.' }],
      scheduler: [SCHEDULER_NAMES, { tooltip: 'The scheduler controls how noise is gradually removed to form the image.' }],
      positive: ['CONDITIONING', { tooltip: 'The conditioning describing the attributes you want to include in the image.' }],
      negative: ['CONDITIONING', { tooltip: 'The conditioning describing the attributes you want to exclude from the image.' }],
      latent_image: ['LATENT', { tooltip: 'The latent image to denoise.' }],
      denoise: ['FLOAT', { default: 1.0, min: 0.0, max: 1.0, step: 0.01, tooltip: TOOLTIPS.denoise }],
    },
  },
  outputs: [{ type: 'LATENT', tooltip: 'The denoised latent.' }],
  execute: (inputs, ctx) => sample(ctx, inputs, 'seed', { denoise: requireNumber('denoise', inputs.denoise ?? 1, 0, 1) }),
};

export const kSamplerAdvanced: NodeDefinition = {
  name: 'KSamplerAdvanced',
  schemaFormat: 'v1',
  displayName: 'KSampler (Advanced)',
  pythonModule: 'nodes',
  category: 'sampling',
  inputs: {
    required: {
      model: ['MODEL'],
      add_noise: [['enable', 'disable']],
      noise_seed: ['INT', { default: 0, min: 0, max: MAX_SEED, control_after_generate: true }],
      steps: ['INT', { default: 20, min: 1, max: 10000 }],
      cfg: ['FLOAT', { default: 8.0, min: 0.0, max: 100.0, step: 0.1, round: 0.01 }],
      sampler_name: [SAMPLER_NAMES],
      scheduler: [SCHEDULER_NAMES],
      positive: ['CONDITIONING'],
      negative: ['CONDITIONING'],
      latent_image: ['LATENT'],
      start_at_step: ['INT', { default: 0, min: 0, max: 10000 }],
      end_at_step: ['INT', { default: 10000, min: 0, max: 10000 }],
      return_with_leftover_noise: [['disable', 'enable']],
    },
  },
  outputs: [{ type: 'LATENT' }],
  execute: (inputs, ctx) =>
    sample(ctx, inputs, 'noise_seed', advancedOptions(
      requireChoice('add_noise', inputs.add_noise, ['enable', 'disable']),
      requireInt('start_at_step', inputs.start_at_step, 0, 10000),
      requireInt('end_at_step', inputs.end_at_step, 0, 10000),
      requireChoice('return_with_leftover_noise', inputs.return_with_leftover_noise, ['disable', 'enable']),
    )),
};
