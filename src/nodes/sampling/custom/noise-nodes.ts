// NOISE values and their nodes (comfy_extras/nodes_custom_sampler.py): RandomNoise draws the same CPU noise as
// KSampler from its seed (`prepare_noise`, honouring batch_index), DisableNoise gives zeros (and seed 0 for the
// sampler's own noise). AddNoise noises a latent to the level of a σ list without sampling.
import { prepareNoise, processIn, processOut, TorchGenerator, type Seed } from '../../../inference/sampling/index.ts';
import { isAllZero } from '../../../inference/sampling/latent-format.ts';
import type { Latent } from '../../../inference/tensor.ts';
import { Tensor } from '../../../inference/tensor.ts';
import type { NodeDefinition } from '../../node-definition.ts';
import { requireLatent } from '../../utils/node-args.ts';
import { v3Int, v3Socket } from '../../utils/v3-io.ts';
import { MAX_SEED, requireModel, requireSeed } from '../ksampler.ts';
import { requireSigmas } from './sigmas.ts';

export interface NoiseObject {
  readonly kind: 'noise';
  /** The seed the sampler's own noise (ancestral and SDE steps) derives from. */
  readonly seed: Seed;
  /** Initial noise for a latent of this shape. */
  generate(latent: Latent, shape: readonly number[]): Float32Array;
  /**
   * torch's global generator as ComfyUI leaves it after this noise (RandomNoise seeds it, DisableNoise leaves it
   * wherever it was: here, seeded with 0), for samplers that call `torch.randn_like`.
   */
  globalGenerator(latent: Latent, shape: readonly number[]): TorchGenerator;
  toString(): string;
}

export function requireNoise(name: string, value: unknown): NoiseObject {
  if ((value as NoiseObject | null)?.kind !== 'noise') throw new Error(`${name} must be a NOISE (from RandomNoise or DisableNoise)`);
  return value as NoiseObject;
}

export function randomNoise(seed: Seed): NoiseObject {
  return {
    kind: 'noise',
    seed,
    generate: (latent, shape) => prepareNoise(shape, seed, latent.batch_index),
    globalGenerator(latent, shape) {
      const generator = new TorchGenerator(seed);
      prepareNoise(shape, seed, latent.batch_index, generator);
      return generator;
    },
    toString: () => `<NOISE random seed ${seed}>`,
  };
}

export const EMPTY_NOISE: NoiseObject = {
  kind: 'noise',
  seed: 0,
  generate: (_latent, shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)),
  globalGenerator: () => new TorchGenerator(0),
  toString: () => '<NOISE disabled>',
};

const NOISE_NODE = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_custom_sampler', category: 'sampling/custom_sampling/noise' } as const;

export const randomNoiseNode: NodeDefinition = {
  ...NOISE_NODE,
  name: 'RandomNoise',
  inputs: { required: { noise_seed: v3Int({ default: 0, min: 0, max: MAX_SEED, controlAfterGenerate: true }) } },
  outputs: [{ type: 'NOISE' }],
  execute: (inputs) => [randomNoise(requireSeed('noise_seed', inputs.noise_seed))],
};

export const disableNoiseNode: NodeDefinition = {
  ...NOISE_NODE,
  name: 'DisableNoise',
  inputs: { required: {} },
  outputs: [{ type: 'NOISE' }],
  execute: () => [EMPTY_NOISE],
};

const F32_FINITE = (v: number) => (Number.isFinite(v) ? v : 0);

export const addNoiseNode: NodeDefinition = {
  ...NOISE_NODE,
  name: 'AddNoise',
  category: '_for_testing/custom_sampling/noise',
  experimental: true,
  inputs: { required: { model: v3Socket('MODEL'), noise: v3Socket('NOISE'), sigmas: v3Socket('SIGMAS'), latent_image: v3Socket('LATENT') } },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const model = requireModel(inputs.model);
    const noise = requireNoise('noise', inputs.noise);
    const sigmas = requireSigmas('sigmas', inputs.sigmas);
    const latent = requireLatent('latent_image', inputs.latent_image);
    if (sigmas.length === 0) return [latent];
    const samples = latent.samples;
    const drawn = noise.generate(latent, samples.shape);
    const scale = sigmas.length > 1 ? Math.abs(Math.fround(sigmas[0]! - sigmas[sigmas.length - 1]!)) : sigmas[0]!;
    // An all-zero (empty) latent is not shifted into model space.
    const start = isAllZero(samples.data) ? samples.data : processIn(model.latentFormat, samples.data);
    const noised = processOut(model.latentFormat, model.modelSampling.noiseScaling(scale, drawn, start, false));
    return [{ ...latent, samples: new Tensor(samples.shape, noised.map(F32_FINITE)) }];
  },
};
