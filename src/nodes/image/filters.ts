// ImageBlend, ImageBlur, ImageSharpen and ImageQuantize (comfy_extras/nodes_post_processing.py, V3 schemas).
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { convolveSeparableReflect, gaussianKernel1D } from '../../imaging/filters.ts';
import { upscaleImage } from '../../imaging/resize.ts';
import { mapToPalette, medianCutPalette } from '../../imaging/quantize.ts';
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
    // torch broadcasting: a batch or channel dimension of 1 stretches; anything else must match.
    if (c1 !== c2 && c2 !== 1) throw new Error(`ImageBlend: image1 has ${c1} channels but image2 has ${c2}`);
    if (b1 !== b2 && b1 !== 1 && b2 !== 1) throw new Error(`ImageBlend: batch sizes ${b1} and ${b2} do not match`);
    const batch = Math.max(b1!, b2!);
    const pixels = image1.shape[1]! * image1.shape[2]!;
    const out = new Tensor([batch, image1.shape[1]!, image1.shape[2]!, c1!]);
    const f = Math.fround(factor);
    for (let i = 0; i < batch; i++) {
      const o1 = (b1 === 1 ? 0 : i) * pixels * c1!;
      const o2 = (b2 === 1 ? 0 : i) * pixels * c2!;
      for (let p = 0; p < pixels; p++) {
        for (let k = 0; k < c1!; k++) {
          const a = image1.data[o1 + p * c1! + k]!;
          const v = a * (1 - f) + blendPixel(a, image2.data[o2 + p * c2! + (c2 === 1 ? 0 : k)]!, mode) * f;
          out.data[(i * pixels + p) * c1! + k] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
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

const DITHERS = ['none', 'floyd-steinberg', 'bayer-2', 'bayer-4', 'bayer-8', 'bayer-16'] as const;

/** ComfyUI's normalized_bayer_matrix(n): the recursive 2^n × 2^n ordered-dither matrix. */
function bayerMatrix(n: number): Float64Array {
  if (n === 0) return new Float64Array([0]);
  const prev = bayerMatrix(n - 1);
  const half = 1 << (n - 1);
  const size = half * 2;
  const q = 4 ** n;
  const out = new Float64Array(size * size);
  const offsets = [[-1.5, 0.5], [1.5, -0.5]];
  for (let by = 0; by < 2; by++)
    for (let bx = 0; bx < 2; bx++)
      for (let y = 0; y < half; y++)
        for (let x = 0; x < half; x++) out[(by * half + y) * size + bx * half + x] = (q * prev[y * half + x]! + offsets[by]![bx]!) / q;
  return out;
}

/** Quantize.bayer: add the scaled matrix to the 8-bit pixels (float32, clamped, truncated) before mapping. */
function bayerDither(rgb: Uint8Array, w: number, h: number, paletteSize: number, order: number): Uint8Array {
  const n = Math.log2(order);
  const m = bayerMatrix(n);
  const spread = (2 * 256) / paletteSize;
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const add = spread * m[(y % order) * order + (x % order)]! + 0.5;
      for (let k = 0; k < 3; k++) {
        const v = Math.fround(rgb[(y * w + x) * 3 + k]! + add);
        out[(y * w + x) * 3 + k] = v <= 0 ? 0 : v >= 255 ? 255 : v;
      }
    }
  }
  return out;
}

export const imageQuantize: NodeDefinition = {
  name: 'ImageQuantize',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_post_processing',
  category: 'image/postprocessing',
  inputs: {
    required: {
      image: v3Socket('IMAGE'),
      colors: v3Int({ default: 256, min: 1, max: 256, step: 1 }),
      dither: v3Combo(DITHERS),
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const colors = requireInt('colors', inputs.colors, 1, 256);
    const dither = requireChoice('dither', inputs.dither, DITHERS);
    const [b, h, w, c] = image.shape as [number, number, number, number];
    if (c !== 3) throw new Error(`ImageQuantize needs RGB images (3 channels), got ${c}`);
    const out = new Tensor(image.shape);
    const rgb = new Uint8Array(h * w * 3);
    for (let i = 0; i < b; i++) {
      // (image * 255).to(uint8): truncation.
      const src = image.data.subarray(i * h * w * 3, (i + 1) * h * w * 3);
      for (let p = 0; p < rgb.length; p++) rgb[p] = Math.min(255, Math.max(0, Math.fround(src[p]! * 255)));
      const { palette, size } = medianCutPalette(rgb, h * w, colors);
      const indices = dither.startsWith('bayer')
        ? mapToPalette(bayerDither(rgb, w, h, size, Number(dither.split('-')[1])), w, h, palette, size, false)
        : mapToPalette(rgb, w, h, palette, size, dither === 'floyd-steinberg');
      const o = i * h * w * 3;
      for (let p = 0; p < h * w; p++) {
        for (let k = 0; k < 3; k++) out.data[o + p * 3 + k] = palette[indices[p]! * 3 + k]! / 255;
      }
    }
    return [out];
  },
};
