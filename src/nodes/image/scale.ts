// ImageScale and ImageScaleBy (nodes.py): resize IMAGE batches with comfy's common_upscale methods.
import type { NodeDefinition } from '../node-definition.ts';
import { CROP_METHODS, UPSCALE_METHODS, pyRound, upscaleImage } from '../../imaging/resize.ts';
import { MAX_RESOLUTION, requireChoice, requireImage, requireInt, requireNumber } from '../utils/node-args.ts';
import { checkImageSize } from './image-args.ts';
import { v3Combo, v3Float, v3Int, v3Socket } from '../utils/v3-io.ts';

export const imageScale: NodeDefinition = {
  name: 'ImageScale',
  schemaFormat: 'v1',
  displayName: 'Upscale Image',
  pythonModule: 'nodes',
  category: 'image/upscaling',
  inputs: {
    required: {
      image: ['IMAGE'],
      upscale_method: [UPSCALE_METHODS],
      width: ['INT', { default: 512, min: 0, max: MAX_RESOLUTION, step: 1 }],
      height: ['INT', { default: 512, min: 0, max: MAX_RESOLUTION, step: 1 }],
      crop: [CROP_METHODS],
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const method = requireChoice('upscale_method', inputs.upscale_method, UPSCALE_METHODS);
    let width = requireInt('width', inputs.width, 0, MAX_RESOLUTION);
    let height = requireInt('height', inputs.height, 0, MAX_RESOLUTION);
    const crop = requireChoice('crop', inputs.crop, CROP_METHODS);
    if (width === 0 && height === 0) return [image];
    const [, h, w] = image.shape as [number, number, number, number];
    if (width === 0) width = Math.max(1, pyRound((w * height) / h));
    else if (height === 0) height = Math.max(1, pyRound((h * width) / w));
    checkImageSize('ImageScale', image, width, height);
    return [upscaleImage(image, width, height, method, crop)];
  },
};

export const imageScaleBy: NodeDefinition = {
  name: 'ImageScaleBy',
  schemaFormat: 'v1',
  displayName: 'Upscale Image By',
  pythonModule: 'nodes',
  category: 'image/upscaling',
  inputs: {
    required: {
      image: ['IMAGE'],
      upscale_method: [UPSCALE_METHODS],
      scale_by: ['FLOAT', { default: 1.0, min: 0.01, max: 8.0, step: 0.01 }],
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const method = requireChoice('upscale_method', inputs.upscale_method, UPSCALE_METHODS);
    const scale = requireNumber('scale_by', inputs.scale_by, 0.01, 8.0);
    const [, h, w] = image.shape as [number, number, number, number];
    const width = pyRound(w * scale);
    const height = pyRound(h * scale);
    checkImageSize('ImageScaleBy', image, width, height);
    return [upscaleImage(image, width, height, method, 'disabled')];
  },
};

export const imageScaleToTotalPixels: NodeDefinition = {
  name: 'ImageScaleToTotalPixels',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_post_processing',
  category: 'image/upscaling',
  inputs: {
    required: {
      image: v3Socket('IMAGE'),
      upscale_method: v3Combo(UPSCALE_METHODS),
      megapixels: v3Float({ default: 1.0, min: 0.01, max: 16.0, step: 0.01 }),
      resolution_steps: v3Int({ default: 1, min: 1, max: 256 }),
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const method = requireChoice('upscale_method', inputs.upscale_method, UPSCALE_METHODS);
    const megapixels = requireNumber('megapixels', inputs.megapixels, 0.01, 16);
    const steps = requireInt('resolution_steps', inputs.resolution_steps, 1, 256);
    const [, h, w] = image.shape as [number, number, number, number];
    const scale = Math.sqrt((megapixels * 1024 * 1024) / (w * h));
    const width = pyRound((w * scale) / steps) * steps;
    const height = pyRound((h * scale) / steps) * steps;
    checkImageSize('ImageScaleToTotalPixels', image, width, height);
    return [upscaleImage(image, width, height, method, 'disabled')];
  },
};

const MAX_DIMENSION_METHODS = ['area', 'lanczos', 'bilinear', 'nearest-exact', 'bilinear', 'bicubic'] as const;

export const imageScaleToMaxDimension: NodeDefinition = {
  name: 'ImageScaleToMaxDimension',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_images',
  category: 'image/upscaling',
  inputs: {
    required: {
      image: v3Socket('IMAGE'),
      upscale_method: v3Combo(MAX_DIMENSION_METHODS),
      largest_size: v3Int({ default: 512, min: 0, max: MAX_RESOLUTION, step: 1 }),
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const method = requireChoice('upscale_method', inputs.upscale_method, MAX_DIMENSION_METHODS);
    const largest = requireInt('largest_size', inputs.largest_size, 0, MAX_RESOLUTION);
    const [, h, w] = image.shape as [number, number, number, number];
    let [width, height] = [largest, largest];
    if (h > w) width = pyRound((w / h) * largest);
    else if (w > h) height = pyRound((h / w) * largest);
    checkImageSize('ImageScaleToMaxDimension', image, width, height);
    return [upscaleImage(image, width, height, method, 'disabled')];
  },
};
