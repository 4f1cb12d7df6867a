// Model-free preparation nodes of particular model families: the hooks' cond-pair combine (nodes_hooks.py),
// the SD ×4 upscaler's conditioning (nodes_sdupscale.py) and the Hunyuan Image refiner latent (nodes_hunyuan.py).
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { commonUpscale, nhwcToNchw, pyRound } from '../../imaging/resize.ts';
import { requireConditioning, setValues } from '../conditioning/conditioning-args.ts';
import { allocTensor, requireImage, requireLatent, requireNumber } from '../utils/node-args.ts';
import { mapTensor } from '../utils/tensor-ops.ts';
import { v3Float, v3Socket } from '../utils/v3-io.ts';

export const pairConditioningCombine: NodeDefinition = {
  name: 'PairConditioningCombine',
  schemaFormat: 'v1',
  displayName: 'Cond Pair Combine',
  pythonModule: 'comfy_extras.nodes_hooks',
  category: 'advanced/hooks/cond pair',
  experimental: true,
  inputs: {
    required: { positive_A: ['CONDITIONING'], negative_A: ['CONDITIONING'], positive_B: ['CONDITIONING'], negative_B: ['CONDITIONING'] },
  },
  outputs: [{ type: 'CONDITIONING', name: 'positive' }, { type: 'CONDITIONING', name: 'negative' }],
  execute(inputs) {
    // Without a mask, hooks or timesteps, ComfyUI's set_conds_props_and_combine is a plain concatenation per side.
    const [pa, na, pb, nb] = ['positive_A', 'negative_A', 'positive_B', 'negative_B'].map((k) => requireConditioning(k, inputs[k]));
    return [[...pa!, ...pb!], [...na!, ...nb!]];
  },
};

const CONDITIONING_LATENT_OUTPUTS = [
  { type: 'CONDITIONING', name: 'positive' }, { type: 'CONDITIONING', name: 'negative' }, { type: 'LATENT', name: 'latent' },
] as const;

export const sd4xUpscaleConditioning: NodeDefinition = {
  name: 'SD_4XUpscale_Conditioning',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_sdupscale',
  category: 'conditioning/upscale_diffusion',
  inputs: {
    required: {
      images: v3Socket('IMAGE'),
      positive: v3Socket('CONDITIONING'),
      negative: v3Socket('CONDITIONING'),
      scale_ratio: v3Float({ default: 4.0, min: 0.0, max: 10.0, step: 0.01 }),
      noise_augmentation: v3Float({ default: 0.0, min: 0.0, max: 1.0, step: 0.001 }),
    },
  },
  outputs: CONDITIONING_LATENT_OUTPUTS,
  execute(inputs) {
    const images = requireImage('images', inputs.images);
    const positive = requireConditioning('positive', inputs.positive);
    const negative = requireConditioning('negative', inputs.negative);
    const scale = requireNumber('scale_ratio', inputs.scale_ratio ?? 4.0, 0, 10);
    const noiseAugmentation = requireNumber('noise_augmentation', inputs.noise_augmentation ?? 0.0, 0, 1);
    const [batch, h, w] = images.shape as [number, number, number, number];
    const width = Math.max(1, pyRound(w * scale));
    const height = Math.max(1, pyRound(h * scale));
    if (width < 4 || height < 4) throw new Error(`scale_ratio ${scale} makes a ${width}x${height} image: the ×4 upscaler needs at least 4 pixels per side`);
    // The low-resolution image the upscaler concatenates, in -1..1 at a quarter of the target size.
    const signed = mapTensor(nhwcToNchw(images), (v) => v * 2.0 - 1.0);
    const pixels = commonUpscale(signed, Math.floor(width / 4), Math.floor(height / 4), 'bilinear', 'center');
    const values = { concat_image: pixels, noise_augmentation: noiseAugmentation };
    const latent = allocTensor([batch, 4, Math.floor(height / 4), Math.floor(width / 4)], 'latent');
    return [setValues(positive, values), setValues(negative, values), { samples: latent }];
  },
};

export const hunyuanRefinerLatent: NodeDefinition = {
  name: 'HunyuanRefinerLatent',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_hunyuan',
  category: 'sd',
  inputs: {
    required: {
      positive: v3Socket('CONDITIONING'),
      negative: v3Socket('CONDITIONING'),
      latent: v3Socket('LATENT'),
      noise_augmentation: v3Float({ default: 0.10, min: 0.0, max: 1.0, step: 0.01 }),
    },
  },
  outputs: CONDITIONING_LATENT_OUTPUTS,
  execute(inputs) {
    const positive = requireConditioning('positive', inputs.positive);
    const negative = requireConditioning('negative', inputs.negative);
    const samples = requireLatent('latent', inputs.latent).samples;
    const noiseAugmentation = requireNumber('noise_augmentation', inputs.noise_augmentation ?? 0.1, 0, 1);
    const values = { concat_latent_image: samples, noise_augmentation: noiseAugmentation };
    const s = samples.shape;
    const empty: Tensor = allocTensor([s[0]!, 32, s.at(-3)!, s.at(-2)!, s.at(-1)!], 'latent');
    return [setValues(positive, values), setValues(negative, values), { samples: empty }];
  },
};
