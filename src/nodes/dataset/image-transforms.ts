// The per-image dataset transforms of nodes_dataset.py: resize by shorter/longer edge (Lanczos), centre and
// random crops, normalisation, brightness and contrast. Each takes one IMAGE per call and handles every item
// of its batch the same way.
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { requireImage, requireInt, requireNumber } from '../utils/node-args.ts';
import { v3Float, v3Int } from '../utils/v3-io.ts';
import { imageProcessingNode } from './dataset-node.ts';
import { datasetSeed, NumpyLegacyRandom } from './numpy-random.ts';
import { cropPil, fromPilImages, resizeLanczos, toPilImages, type PilImage } from './pil-images.ts';

const SEED_MAX = 0xffffffffffffffffn;

function seedOf(value: unknown): number | bigint {
  if (typeof value === 'bigint' && value >= 0n && value <= SEED_MAX) return value;
  return requireInt('seed', value, 0, Number.MAX_SAFE_INTEGER);
}

function perItem(images: unknown, fn: (img: PilImage) => PilImage): Tensor {
  return fromPilImages(toPilImages('images', images).map(fn));
}

function elementwise(images: unknown, fn: (v: number) => number): Tensor {
  const image = requireImage('images', images);
  return new Tensor(image.shape, image.data.map(fn));
}

const f32 = Math.fround;
const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

export const resizeImagesByShorterEdge: NodeDefinition = imageProcessingNode({
  name: 'ResizeImagesByShorterEdge',
  displayName: 'Resize Images by Shorter Edge',
  extraInputs: { shorter_edge: v3Int({ tooltip: 'Target length for the shorter edge.', default: 512, min: 1, max: 8192 }) },
  execute(images, params) {
    const edge = requireInt('shorter_edge', params.shorter_edge, 1, 8192);
    return perItem(images, (img) => img.width < img.height
      ? resizeLanczos(img, edge, Math.max(1, Math.trunc(img.height * (edge / img.width))))
      : resizeLanczos(img, Math.max(1, Math.trunc(img.width * (edge / img.height))), edge));
  },
});

export const resizeImagesByLongerEdge: NodeDefinition = imageProcessingNode({
  name: 'ResizeImagesByLongerEdge',
  displayName: 'Resize Images by Longer Edge',
  extraInputs: { longer_edge: v3Int({ tooltip: 'Target length for the longer edge.', default: 1024, min: 1, max: 8192 }) },
  execute(images, params) {
    const edge = requireInt('longer_edge', params.longer_edge, 1, 8192);
    return perItem(images, (img) => img.width > img.height
      ? resizeLanczos(img, edge, Math.max(1, Math.trunc(img.height * (edge / img.width))))
      : resizeLanczos(img, Math.max(1, Math.trunc(img.width * (edge / img.height))), edge));
  },
});

const cropInputs = {
  width: v3Int({ tooltip: 'Crop width.', default: 512, min: 1, max: 8192 }),
  height: v3Int({ tooltip: 'Crop height.', default: 512, min: 1, max: 8192 }),
};

export const centerCropImages: NodeDefinition = imageProcessingNode({
  name: 'CenterCropImages',
  displayName: 'Center Crop Images',
  extraInputs: cropInputs,
  execute(images, params) {
    const width = requireInt('width', params.width, 1, 8192);
    const height = requireInt('height', params.height, 1, 8192);
    return perItem(images, (img) => {
      const left = Math.max(0, Math.floor((img.width - width) / 2));
      const top = Math.max(0, Math.floor((img.height - height) / 2));
      return cropPil(img, left, top, Math.min(img.width, left + width), Math.min(img.height, top + height));
    });
  },
});

export const randomCropImages: NodeDefinition = imageProcessingNode({
  name: 'RandomCropImages',
  displayName: 'Random Crop Images',
  extraInputs: { ...cropInputs, seed: v3Int({ tooltip: 'Random seed.', default: 0, min: 0, max: SEED_MAX }) },
  execute(images, params) {
    const width = requireInt('width', params.width, 1, 8192);
    const height = requireInt('height', params.height, 1, 8192);
    const seed = datasetSeed(seedOf(params.seed));
    return perItem(images, (img) => {
      // ComfyUI reseeds the global generator for every image.
      const rng = new NumpyLegacyRandom(seed);
      const maxLeft = Math.max(0, img.width - width);
      const maxTop = Math.max(0, img.height - height);
      const left = maxLeft > 0 ? rng.randint(0, maxLeft + 1) : 0;
      const top = maxTop > 0 ? rng.randint(0, maxTop + 1) : 0;
      return cropPil(img, left, top, Math.min(img.width, left + width), Math.min(img.height, top + height));
    });
  },
});

export const normalizeImages: NodeDefinition = imageProcessingNode({
  name: 'NormalizeImages',
  displayName: 'Normalize Images',
  extraInputs: {
    mean: v3Float({ tooltip: 'Mean value for normalization.', default: 0.5, min: 0.0, max: 1.0 }),
    std: v3Float({ tooltip: 'Standard deviation for normalization.', default: 0.5, min: 0.001, max: 1.0 }),
  },
  execute(images, params) {
    const mean = f32(requireNumber('mean', params.mean));
    const std = f32(requireNumber('std', params.std, 0.001));
    return elementwise(images, (v) => f32(v - mean) / std);
  },
});

export const adjustBrightness: NodeDefinition = imageProcessingNode({
  name: 'AdjustBrightness',
  displayName: 'Adjust Brightness',
  extraInputs: {
    factor: v3Float({ tooltip: 'Brightness factor. 1.0 = no change, <1.0 = darker, >1.0 = brighter.', default: 1.0, min: 0.0, max: 2.0 }),
  },
  execute(images, params) {
    const factor = f32(requireNumber('factor', params.factor, 0));
    return elementwise(images, (v) => clamp01(f32(v * factor)));
  },
});

export const adjustContrast: NodeDefinition = imageProcessingNode({
  name: 'AdjustContrast',
  displayName: 'Adjust Contrast',
  extraInputs: {
    factor: v3Float({ tooltip: 'Contrast factor. 1.0 = no change, <1.0 = less contrast, >1.0 = more contrast.', default: 1.0, min: 0.0, max: 2.0 }),
  },
  execute(images, params) {
    const factor = f32(requireNumber('factor', params.factor, 0));
    return elementwise(images, (v) => clamp01(f32(f32(f32(v - 0.5) * factor) + 0.5)));
  },
});
