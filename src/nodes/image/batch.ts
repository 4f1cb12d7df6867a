// Batch nodes: RepeatImageBatch, ImageFromBatch (nodes_images.py), RebatchImages (nodes_rebatch.py) and
// BatchImagesNode (nodes_post_processing.py, 0.8.0 autogrow inputs `images.image0` … `images.image49`).
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { requireImage, requireInt } from '../utils/node-args.ts';
import { narrow, repeatBatch } from '../utils/tensor-ops.ts';
import { autogrowValues, v3AutogrowPrefix, v3Int, v3Socket } from '../utils/v3-io.ts';
import { addAlphaChannel, resizeForBatch } from './basic.ts';

export const repeatImageBatch: NodeDefinition = {
  name: 'RepeatImageBatch',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_images',
  category: 'image/batch',
  inputs: { required: { image: v3Socket('IMAGE'), amount: v3Int({ default: 1, min: 1, max: 4096 }) } },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const amount = requireInt('amount', inputs.amount, 1, 4096);
    return [repeatBatch(image, amount)];
  },
};

export const imageFromBatch: NodeDefinition = {
  name: 'ImageFromBatch',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_images',
  category: 'image/batch',
  inputs: {
    required: {
      image: v3Socket('IMAGE'),
      batch_index: v3Int({ default: 0, min: 0, max: 4095 }),
      length: v3Int({ default: 1, min: 1, max: 4096 }),
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const b = image.shape[0]!;
    if (b === 0) throw new Error('ImageFromBatch: the image batch is empty');
    const index = Math.min(b - 1, requireInt('batch_index', inputs.batch_index, 0, 4095));
    const length = Math.min(b - index, requireInt('length', inputs.length, 1, 4096));
    return [narrow(image, 0, index, length)];
  },
};

export const rebatchImages: NodeDefinition = {
  name: 'RebatchImages',
  schemaFormat: 'v3',
  displayName: 'Rebatch Images',
  pythonModule: 'comfy_extras.nodes_rebatch',
  category: 'image/batch',
  inputIsList: true,
  inputs: { required: { images: v3Socket('IMAGE'), batch_size: v3Int({ default: 1, min: 1, max: 4096 }) } },
  outputs: [{ type: 'IMAGE', isList: true }],
  execute(inputs) {
    const images = (inputs.images as unknown[]).map((t, i) => requireImage(`images[${i}]`, t));
    const batchSize = requireInt('batch_size', (inputs.batch_size as unknown[])[0], 1, 4096);
    const singles = images.flatMap((t) => Array.from({ length: t.shape[0]! }, (_, i) => narrow(t, 0, i, 1)));
    const out: Tensor[] = [];
    for (let i = 0; i < singles.length; i += batchSize) out.push(Tensor.concatBatch(singles.slice(i, i + batchSize)));
    return [out];
  },
};

const AUTOGROW_MAX = 50;

export const batchImagesNode: NodeDefinition = {
  name: 'BatchImagesNode',
  schemaFormat: 'v3',
  displayName: 'Batch Images',
  pythonModule: 'comfy_extras.nodes_post_processing',
  category: 'image',
  inputs: {
    required: { images: v3AutogrowPrefix('image', 'IMAGE', 'image', 2, AUTOGROW_MAX) },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const images = autogrowValues(inputs, 'images', 'image', AUTOGROW_MAX).map((v, i) => requireImage(`images[${i}]`, v));
    if (images.length === 0) throw new Error('BatchImagesNode: no images given');
    const channels = Math.max(...images.map((t) => t.shape[3]!));
    // As ComfyUI: every image short of channels gets one channel of 1.0, then all are resized to the first.
    const padded = images.map((t) => (t.shape[3]! < channels ? addAlphaChannel(t) : t));
    const first = padded[0]!;
    return [Tensor.concatBatch(padded.map((t, i) => (i === 0 ? t : resizeForBatch(first, t))))];
  },
};
