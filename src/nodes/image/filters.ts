// ImageBlend, ImageBlur and ImageSharpen (comfy_extras/nodes_post_processing.py, V3 schemas).
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { convolveSeparableReflect, gaussianKernel1D } from '../../imaging/filters.ts';
import { upscaleImage } from '../../imaging/resize.ts';
import { requireChoice, requireImage, requireInt, requireNumber } from '../utils/node-args.ts';
import { v3Combo, v3Float, v3Int, v3Socket } from '../utils/v3-io.ts';
import { imageAlphaFix } from './image-args.ts';

const BLEND_MODES = ['normal', 'multiply', 'screen', 'overlay', 'soft_light', 'difference'] as const;
type BlendMode = (typeof BLEND_MODES)[number];

const softLightG = (x: number) => (x <= 0.25 ? ((16 * x - 12) * x + 4) * x : Math.sqrt(x));

function blendPixel(a: number, b: number, mode: BlendMode): number {
  switch (mode) {
    case 'normal':
      return b;
    case 'multiply':
      return a * b;
    case 'screen':
      return 1 - (1 - a) * (1 - b);
    case 'overlay':
      return a <= 0.5 ? 2 * a * b : 1 - 2 * (1 - a) * (1 - b);
    case 'soft_light':
      return b <= 0.5 ? a - (1 - 2 * b) * a * (1 - a) : a + (2 * b - 1) * (softLightG(a) - a);
    case 'difference':
      return a - b;
  }
}

export const imageBlend: NodeDefinition = {
  name: 'ImageBlend',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_post_processing',
  category: 'image/postprocessing',
  inputs: {
    required: {
      image1: v3Socket('IMAGE'),
      image2: v3Socket('IMAGE'),
      blend_factor: v3Float({ default: 0.5, min: 0.0, max: 1.0, step: 0.01 }),
      blend_mode: v3Combo(BLEND_MODES),
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    let [image1, image2] = imageAlphaFix(requireImage('image1', inputs.image1), requireImage('image2', inputs.image2));
    const factor = requireNumber('blend_factor', inputs.blend_factor, 0, 1);
    const mode = requireChoice('blend_mode', inputs.blend_mode, BLEND_MODES);
    if (image1.shape.join() !== image2.shape.join()) {
      image2 = upscaleImage(image2, image1.shape[2]!, image1.shape[1]!, 'bicubic', 'center');
    }
    const [b1, , , c1] = image1.shape as number[];
    const [b2, , , c2] = image2.shape as number[];
    if (c1 !== c2) throw new Error(`ImageBlend: image1 has ${c1} channels but image2 has ${c2}`);
    if (b1 !== b2 && b1 !== 1 && b2 !== 1) throw new Error(`ImageBlend: batch sizes ${b1} and ${b2} do not match`);
    const batch = Math.max(b1!, b2!);
    const item = image1.size / b1!;
    const out = new Tensor([batch, ...image1.shape.slice(1)]);
    const f = Math.fround(factor);
    for (let i = 0; i < batch; i++) {
      const o1 = (b1 === 1 ? 0 : i) * item;
      const o2 = (b2 === 1 ? 0 : i) * item;
      for (let p = 0; p < item; p++) {
        const a = image1.data[o1 + p]!;
        const v = a * (1 - f) + blendPixel(a, image2.data[o2 + p]!, mode) * f;
        out.data[i * item + p] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
    return [out];
  },
};

export const imageBlur: NodeDefinition = {
  name: 'ImageBlur',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_post_processing',
  category: 'image/postprocessing',
  inputs: {
    required: {
      image: v3Socket('IMAGE'),
      blur_radius: v3Int({ default: 1, min: 1, max: 31, step: 1 }),
      sigma: v3Float({ default: 1.0, min: 0.1, max: 10.0, step: 0.1 }),
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const radius = requireInt('blur_radius', inputs.blur_radius, 0, 31);
    const sigma = requireNumber('sigma', inputs.sigma, 0.1, 10);
    if (radius === 0) return [image];
    return [convolveSeparableReflect(image, gaussianKernel1D(radius, sigma))];
  },
};

export const imageSharpen: NodeDefinition = {
  name: 'ImageSharpen',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_post_processing',
  category: 'image/postprocessing',
  inputs: {
    required: {
      image: v3Socket('IMAGE'),
      sharpen_radius: v3Int({ default: 1, min: 1, max: 31, step: 1 }),
      sigma: v3Float({ default: 1.0, min: 0.1, max: 10.0, step: 0.01 }),
      alpha: v3Float({ default: 1.0, min: 0.0, max: 5.0, step: 0.01 }),
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const radius = requireInt('sharpen_radius', inputs.sharpen_radius, 0, 31);
    const sigma = requireNumber('sigma', inputs.sigma, 0.1, 10);
    const alpha = requireNumber('alpha', inputs.alpha, 0, 5);
    if (radius === 0) return [image];
    // ComfyUI's kernel is -10α·G with 1 + 10α added at the centre: (1 + 10α)·x − 10α·blur(x), clamped.
    const blurred = convolveSeparableReflect(image, gaussianKernel1D(radius, sigma));
    const k = alpha * 10;
    const out = blurred;
    for (let i = 0; i < out.size; i++) {
      const v = (1 + k) * image.data[i]! - k * out.data[i]!;
      out.data[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
    return [out];
  },
};
