// SamplerCustom and SamplerCustomAdvanced (comfy_extras/nodes_custom_sampler.py): sampling from explicit
// SAMPLER and SIGMAS values; the advanced node also takes NOISE and GUIDER values. Both return the sampled
// latent and the model's last denoised prediction (`denoised_output`, the input unchanged when no step ran).
import type { Latent } from '../../../inference/tensor.ts';
import type { NodeContext, NodeDefinition } from '../../node-definition.ts';
import { requireLatent, requireNumber } from '../../utils/node-args.ts';
import { v3Boolean, v3Float, v3Int, v3Socket } from '../../utils/v3-io.ts';
import { requireConditioning } from '../../conditioning/conditioning-args.ts';
import { MAX_SEED, requireModel, requireSeed, stepReporter } from '../ksampler.ts';
import { fitEmptyLatent } from '../../../inference/sampling/index.ts';
import { guidedSample } from './guided-sampling.ts';
import { cfgGuider, requireGuider, type GuiderObject } from './guider-nodes.ts';
import { EMPTY_NOISE, randomNoise, requireNoise, type NoiseObject } from './noise-nodes.ts';
import { isSamplerObject, type SamplerObject } from './sampler-object.ts';
import { requireSigmas } from './sigmas.ts';

function requireSampler(name: string, value: unknown): SamplerObject {
  if (!isSamplerObject(value)) throw new Error(`${name} must be a SAMPLER (from KSamplerSelect or a Sampler* node)`);
  return value;
}

async function run(ctx: NodeContext, guider: GuiderObject, noise: NoiseObject, inputs: Record<string, unknown>): Promise<[Latent, Latent]> {
  const input = requireLatent('latent_image', inputs.latent_image);
  const latent: Latent = { ...input, samples: fitEmptyLatent(input.samples, guider.model.latentFormat.latentChannels) };
  const sampler = requireSampler('sampler', inputs.sampler);
  const sigmas = requireSigmas('sigmas', inputs.sigmas);
  const { samples, denoised } = await guidedSample({
    guider,
    sampler,
    noise,
    sigmas,
    latent,
    onStep: stepReporter(ctx, guider.model, latent.samples.shape),
    checkInterrupted: () => ctx.checkInterrupted(),
  });
  const out: Latent = { ...latent, samples };
  return [out, denoised ? { ...latent, samples: denoised } : out];
}

const CUSTOM = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_custom_sampler', category: 'sampling/custom_sampling' } as const;
const OUTPUTS = [{ type: 'LATENT', name: 'output' }, { type: 'LATENT', name: 'denoised_output' }] as const;

export const samplerCustom: NodeDefinition = {
  ...CUSTOM,
  name: 'SamplerCustom',
  inputs: {
    required: {
      model: v3Socket('MODEL'),
      add_noise: v3Boolean({ default: true }),
      noise_seed: v3Int({ default: 0, min: 0, max: MAX_SEED, controlAfterGenerate: true }),
      cfg: v3Float({ default: 8.0, min: 0.0, max: 100.0, step: 0.1, round: 0.01 }),
      positive: v3Socket('CONDITIONING'),
      negative: v3Socket('CONDITIONING'),
      sampler: v3Socket('SAMPLER'),
      sigmas: v3Socket('SIGMAS'),
      latent_image: v3Socket('LATENT'),
    },
  },
  outputs: OUTPUTS,
  execute(inputs, ctx) {
    const guider = cfgGuider(
      requireModel(inputs.model),
      requireConditioning('positive', inputs.positive),
      requireConditioning('negative', inputs.negative),
      requireNumber('cfg', inputs.cfg, 0, 100),
    );
    const seed = requireSeed('noise_seed', inputs.noise_seed);
    // Without noise the sampler's own noise is still seeded from noise_seed (ComfyUI passes seed=noise_seed).
    const noise: NoiseObject = inputs.add_noise === false ? { ...EMPTY_NOISE, seed } : randomNoise(seed);
    return run(ctx, guider, noise, inputs);
  },
};

export const samplerCustomAdvanced: NodeDefinition = {
  ...CUSTOM,
  name: 'SamplerCustomAdvanced',
  inputs: {
    required: {
      noise: v3Socket('NOISE'),
      guider: v3Socket('GUIDER'),
      sampler: v3Socket('SAMPLER'),
      sigmas: v3Socket('SIGMAS'),
      latent_image: v3Socket('LATENT'),
    },
  },
  outputs: OUTPUTS,
  execute: (inputs, ctx) => run(ctx, requireGuider('guider', inputs.guider), requireNoise('noise', inputs.noise), inputs),
};
