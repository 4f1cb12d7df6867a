// The dataset nodes that see the whole image list (INPUT_IS_LIST): shuffles (NumPy's seeded permutation),
// average-hash deduplication, a Lanczos image grid, and the image-list pass-through.
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { allocTensor, requireImage, requireInt, requireNumber } from '../utils/node-args.ts';
import { v3Float, v3Int, v3Socket, v3String } from '../utils/v3-io.ts';
import { DATASET_MODULE, imageProcessingNode } from './dataset-node.ts';
import { datasetSeed, NumpyLegacyRandom } from './numpy-random.ts';
import { resizeLanczos, toLuma, toPilImages, toRgb } from './pil-images.ts';

const SEED_MAX = 0xffffffffffffffffn;
const seedInput = () => v3Int({ tooltip: 'Random seed.', default: 0, min: 0, max: SEED_MAX });

function seedOf(value: unknown): number {
  if (typeof value === 'bigint' && value >= 0n && value <= SEED_MAX) return datasetSeed(value);
  return datasetSeed(requireInt('seed', value, 0, Number.MAX_SAFE_INTEGER));
}

export const shuffleDataset: NodeDefinition = imageProcessingNode({
  name: 'ShuffleDataset',
  displayName: 'Shuffle Image Dataset',
  group: true,
  extraInputs: { seed: seedInput() },
  execute(images: unknown[], params) {
    return new NumpyLegacyRandom(seedOf(params.seed)).permutation(images.length).map((i) => images[i]);
  },
});

export const shuffleImageTextDataset: NodeDefinition = {
  name: 'ShuffleImageTextDataset',
  schemaFormat: 'v3',
  displayName: 'Shuffle Image-Text Dataset',
  pythonModule: DATASET_MODULE,
  category: 'dataset/image',
  experimental: true,
  inputIsList: true,
  inputs: {
    required: {
      images: v3Socket('IMAGE', { tooltip: 'List of images to shuffle.' }),
      texts: v3String({ tooltip: 'List of texts to shuffle.' }),
      seed: seedInput(),
    },
  },
  outputs: [
    { type: 'IMAGE', name: 'images', isList: true, tooltip: 'Shuffled images' },
    { type: 'STRING', name: 'texts', isList: true, tooltip: 'Shuffled texts' },
  ],
  execute(inputs) {
    const images = inputs.images as unknown[];
    const texts = inputs.texts as unknown[];
    if (texts.length < images.length) throw new Error(`ShuffleImageTextDataset: ${images.length} images but only ${texts.length} texts`);
    const order = new NumpyLegacyRandom(seedOf((inputs.seed as unknown[])[0])).permutation(images.length);
    return [order.map((i) => images[i]), order.map((i) => texts[i])];
  },
};

/** 64-bit average hash: the 8×8 Lanczos thumbnail in luma, one bit per pixel brighter than the mean. */
function averageHash(image: unknown): boolean[] {
  const item = toPilImages('images', image)[0]!;
  const luma = toLuma(resizeLanczos(item, 8, 8));
  const mean = luma.reduce((a, b) => a + b, 0) / luma.length;
  return Array.from(luma, (p) => p > mean);
}

export const imageDeduplication: NodeDefinition = imageProcessingNode({
  name: 'ImageDeduplication',
  displayName: 'Image Deduplication',
  group: true,
  extraInputs: {
    similarity_threshold: v3Float({
      tooltip: 'Similarity threshold (0-1). Higher means more similar. Images above this threshold are considered duplicates.',
      default: 0.95, min: 0.0, max: 1.0,
    }),
  },
  execute(images: unknown[], params) {
    const threshold = requireNumber('similarity_threshold', params.similarity_threshold, 0, 1);
    const hashes = images.map(averageHash);
    const kept: number[] = [];
    hashes.forEach((hash, i) => {
      const duplicate = kept.some((j) => 1 - hash.filter((bit, k) => bit !== hashes[j]![k]).length / 64 >= threshold);
      if (!duplicate) kept.push(i);
    });
    return kept.map((i) => images[i]);
  },
});

export const imageGrid: NodeDefinition = imageProcessingNode({
  name: 'ImageGrid',
  displayName: 'Image Grid',
  group: true,
  outputIsList: false,
  extraInputs: {
    columns: v3Int({ tooltip: 'Number of columns in the grid.', default: 4, min: 1, max: 20 }),
    cell_width: v3Int({ tooltip: 'Width of each cell in the grid.', default: 256, min: 32, max: 2048 }),
    cell_height: v3Int({ tooltip: 'Height of each cell in the grid.', default: 256, min: 32, max: 2048 }),
    padding: v3Int({ tooltip: 'Padding between images.', default: 4, min: 0, max: 50 }),
  },
  execute(images: unknown[], params) {
    if (images.length === 0) throw new Error('Cannot create grid from empty image list');
    const columns = requireInt('columns', params.columns, 1, 20);
    const cellW = requireInt('cell_width', params.cell_width, 32, 2048);
    const cellH = requireInt('cell_height', params.cell_height, 32, 2048);
    const padding = requireInt('padding', params.padding, 0, 50);
    const rows = Math.ceil(images.length / columns);
    const gridW = columns * cellW + (columns - 1) * padding;
    const gridH = rows * cellH + (rows - 1) * padding;
    const grid = allocTensor([1, gridH, gridW, 3], 'image grid');
    images.forEach((image, idx) => {
      requireImage(`images[${idx}]`, image);
      const cell = toRgb(resizeLanczos(toPilImages('images', image)[0]!, cellW, cellH));
      const x0 = (idx % columns) * (cellW + padding);
      const y0 = Math.floor(idx / columns) * (cellH + padding);
      for (let y = 0; y < cellH; y++) {
        for (let i = 0; i < cellW * 3; i++) grid.data[((y0 + y) * gridW + x0) * 3 + i] = cell.pixels[y * cellW * 3 + i]! / 255;
      }
    });
    return grid;
  },
});

export const mergeImageLists: NodeDefinition = imageProcessingNode({
  name: 'MergeImageLists',
  displayName: 'Merge Image Lists',
  group: true,
  execute: (images: unknown[]) => images.map((t, i) => requireImage(`images[${i}]`, t) satisfies Tensor),
});
