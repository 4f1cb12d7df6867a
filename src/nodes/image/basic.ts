// ImageInvert, ImageBatch, ImagePadForOutpaint and EmptyImage (nodes.py).
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { mapByteLevels, oneMinusInto } from '../../imaging/pixel-kernels.ts';
import { upscaleImage } from '../../imaging/resize.ts';
import { allocTensor, MAX_RESOLUTION, requireImage, requireInt } from '../utils/node-args.ts';

export const imageInvert: NodeDefinition = {
  name: 'ImageInvert',
  schemaFormat: 'v1',
  displayName: 'Invert Image',
  pythonModule: 'nodes',
  category: 'image',
  inputs: { required: { image: ['IMAGE'] } },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const coded = mapByteLevels(image, oneMinusInto);
    if (coded) return [coded];
    const inverted = Tensor.uninitialized(image.shape);
    oneMinusInto(image.data, inverted.data);
    return [inverted];
  },
};

/** Appends channels filled with 1.0 (an opaque alpha) up to `channels`. */
export function padChannels(image: Tensor, channels: number): Tensor {
  const [b, h, w, c] = image.shape as [number, number, number, number];
  if (c >= channels) return image;
  const out = new Tensor([b, h, w, channels]);
  for (let p = 0, n = b * h * w; p < n; p++) {
    for (let k = 0; k < channels; k++) out.data[p * channels + k] = k < c ? image.data[p * c + k]! : 1;
  }
  return out;
}

/** ComfyUI's channel fix before batching: one channel of 1.0 (an opaque alpha), so only RGB + RGBA mixes. */
export function addAlphaChannel(image: Tensor): Tensor {
  return padChannels(image, image.shape[3]! + 1);
}

/** ImageBatch / BatchImagesNode: `image` resized (bilinear, centre crop) to `first`'s size; channels must agree. */
export function resizeForBatch(first: Tensor, image: Tensor): Tensor {
  if (image.shape[3] !== first.shape[3]) {
    throw new Error(`cannot batch images with ${first.shape[3]} and ${image.shape[3]} channels`);
  }
  if (image.shape[1] === first.shape[1] && image.shape[2] === first.shape[2]) return image;
  return upscaleImage(image, first.shape[2]!, first.shape[1]!, 'bilinear', 'center');
}

export const imageBatch: NodeDefinition = {
  name: 'ImageBatch',
  schemaFormat: 'v1',
  displayName: 'Batch Images',
  pythonModule: 'nodes',
  category: 'image',
  deprecated: true,
  inputs: { required: { image1: ['IMAGE'], image2: ['IMAGE'] } },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    let image1 = requireImage('image1', inputs.image1);
    let image2 = requireImage('image2', inputs.image2);
    if (image1.shape[3]! < image2.shape[3]!) image1 = addAlphaChannel(image1);
    else if (image2.shape[3]! < image1.shape[3]!) image2 = addAlphaChannel(image2);
    return [Tensor.concatBatch([image1, resizeForBatch(image1, image2)])];
  },
};

export const imagePadForOutpaint: NodeDefinition = {
  name: 'ImagePadForOutpaint',
  schemaFormat: 'v1',
  displayName: 'Pad Image for Outpainting',
  pythonModule: 'nodes',
  category: 'image',
  inputs: {
    required: {
      image: ['IMAGE'],
      left: ['INT', { default: 0, min: 0, max: MAX_RESOLUTION, step: 8 }],
      top: ['INT', { default: 0, min: 0, max: MAX_RESOLUTION, step: 8 }],
      right: ['INT', { default: 0, min: 0, max: MAX_RESOLUTION, step: 8 }],
      bottom: ['INT', { default: 0, min: 0, max: MAX_RESOLUTION, step: 8 }],
      feathering: ['INT', { default: 40, min: 0, max: MAX_RESOLUTION, step: 1 }],
    },
  },
  outputs: [{ type: 'IMAGE' }, { type: 'MASK' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const [left, top, right, bottom] = (['left', 'top', 'right', 'bottom'] as const).map((k) => requireInt(k, inputs[k], 0, MAX_RESOLUTION));
    const feathering = requireInt('feathering', inputs.feathering, 0, MAX_RESOLUTION);
    const [b, h, w, c] = image.shape as [number, number, number, number];
    const outH = h + top! + bottom!;
    const outW = w + left! + right!;
    const out = allocTensor([b, outH, outW, c], 'ImagePadForOutpaint');
    out.data.fill(0.5);
    for (let i = 0; i < b; i++) {
      for (let y = 0; y < h; y++) {
        const s = ((i * h + y) * w) * c;
        out.data.set(image.data.subarray(s, s + w * c), ((i * outH + y + top!) * outW + left!) * c);
      }
    }
    const mask = allocTensor([1, outH, outW], 'ImagePadForOutpaint mask');
    mask.data.fill(1);
    const feather = feathering > 0 && feathering * 2 < h && feathering * 2 < w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let v = 0;
        if (feather) {
          // Distance to the nearest padded edge (sides without padding do not count).
          const d = Math.min(top !== 0 ? y : h, bottom !== 0 ? h - y : h, left !== 0 ? x : w, right !== 0 ? w - x : w);
          if (d < feathering) v = ((feathering - d) / feathering) ** 2;
        }
        mask.data[(y + top!) * outW + x + left!] = v;
      }
    }
    return [out, mask];
  },
};

export const emptyImage: NodeDefinition = {
  name: 'EmptyImage',
  schemaFormat: 'v1',
  displayName: 'EmptyImage',
  pythonModule: 'nodes',
  category: 'image',
  inputs: {
    required: {
      width: ['INT', { default: 512, min: 1, max: MAX_RESOLUTION, step: 1 }],
      height: ['INT', { default: 512, min: 1, max: MAX_RESOLUTION, step: 1 }],
      batch_size: ['INT', { default: 1, min: 1, max: 4096 }],
      color: ['INT', { default: 0, min: 0, max: 0xffffff, step: 1, display: 'color' }],
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const width = requireInt('width', inputs.width, 1, MAX_RESOLUTION);
    const height = requireInt('height', inputs.height, 1, MAX_RESOLUTION);
    const batch = requireInt('batch_size', inputs.batch_size ?? 1, 1, 4096);
    const color = requireInt('color', inputs.color ?? 0, 0, 0xffffff);
    const out = allocTensor([batch, height, width, 3], 'EmptyImage');
    const rgb = [(color >> 16) & 0xff, (color >> 8) & 0xff, color & 0xff].map((v) => v / 0xff);
    for (let p = 0; p < out.size; p += 3) {
      out.data[p] = rgb[0]!;
      out.data[p + 1] = rgb[1]!;
      out.data[p + 2] = rgb[2]!;
    }
    return [out];
  },
};
