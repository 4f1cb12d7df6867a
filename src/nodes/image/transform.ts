// ImageCrop, ImageFlip, ImageRotate, ImageStitch and ResizeAndPadImage (comfy_extras/nodes_images.py, V3).
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { upscaleImage } from '../../imaging/resize.ts';
import { allocTensor, MAX_RESOLUTION, requireChoice, requireImage, requireInt } from '../utils/node-args.ts';
import { cat, flip, narrow, repeatToBatchSize, slice, transpose } from '../utils/tensor-ops.ts';
import { v3Boolean, v3Combo, v3Int, v3Socket } from '../utils/v3-io.ts';
import { padChannels } from './basic.ts';
import { checkImageSize } from './image-args.ts';

const MODULE = 'comfy_extras.nodes_images';

export const imageCrop: NodeDefinition = {
  name: 'ImageCrop',
  schemaFormat: 'v3',
  displayName: 'Image Crop',
  pythonModule: MODULE,
  category: 'image/transform',
  inputs: {
    required: {
      image: v3Socket('IMAGE'),
      width: v3Int({ default: 512, min: 1, max: MAX_RESOLUTION, step: 1 }),
      height: v3Int({ default: 512, min: 1, max: MAX_RESOLUTION, step: 1 }),
      x: v3Int({ default: 0, min: 0, max: MAX_RESOLUTION, step: 1 }),
      y: v3Int({ default: 0, min: 0, max: MAX_RESOLUTION, step: 1 }),
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const width = requireInt('width', inputs.width, 1, MAX_RESOLUTION);
    const height = requireInt('height', inputs.height, 1, MAX_RESOLUTION);
    // The corner is clamped inside the image; the window is cut at the image's edge (Python slicing).
    const x = Math.min(requireInt('x', inputs.x, 0, MAX_RESOLUTION), image.shape[2]! - 1);
    const y = Math.min(requireInt('y', inputs.y, 0, MAX_RESOLUTION), image.shape[1]! - 1);
    return [slice(slice(image, 1, y, y + height), 2, x, x + width)];
  },
};

const FLIP_METHODS = ['x-axis: vertically', 'y-axis: horizontally'] as const;

export const imageFlip: NodeDefinition = {
  name: 'ImageFlip',
  schemaFormat: 'v3',
  pythonModule: MODULE,
  category: 'image/transform',
  inputs: { required: { image: v3Socket('IMAGE'), flip_method: v3Combo(FLIP_METHODS) } },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const method = requireChoice('flip_method', inputs.flip_method, FLIP_METHODS);
    return [flip(image, method.startsWith('x') ? 1 : 2)];
  },
};

const ROTATIONS = ['none', '90 degrees', '180 degrees', '270 degrees'] as const;

/** torch.rot90(image, k, dims=[2, 1]): k quarter turns clockwise. */
export function rotateClockwise(image: Tensor, k: number): Tensor {
  switch (((k % 4) + 4) % 4) {
    case 1:
      return transpose(flip(image, 1), 1, 2);
    case 2:
      return flip(flip(image, 1), 2);
    case 3:
      return flip(transpose(image, 1, 2), 1);
    default:
      return image;
  }
}

export const imageRotate: NodeDefinition = {
  name: 'ImageRotate',
  schemaFormat: 'v3',
  pythonModule: MODULE,
  category: 'image/transform',
  inputs: { required: { image: v3Socket('IMAGE'), rotation: v3Combo(ROTATIONS) } },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const rotation = requireChoice('rotation', inputs.rotation, ROTATIONS);
    return [rotateClockwise(image, ROTATIONS.indexOf(rotation))];
  },
};

const DIRECTIONS = ['right', 'down', 'left', 'up'] as const;
const SPACING_COLORS = ['white', 'black', 'red', 'green', 'blue'] as const;
const SPACING_RGB: Record<(typeof SPACING_COLORS)[number], readonly number[] | number> = {
  white: 1, black: 0, red: [1, 0, 0], green: [0, 1, 0], blue: [0, 0, 1],
};

/** Pads dimension `dim` (1 = height, 2 = width) of an IMAGE to `size`, half before (floor) and half after. */
function padCentered(image: Tensor, dim: 1 | 2, size: number, value: number): Tensor {
  const n = image.shape[dim]!;
  if (n >= size) return image;
  const before = Math.floor((size - n) / 2);
  const shape = [...image.shape];
  shape[dim] = before;
  const a = new Tensor(shape);
  a.data.fill(value);
  shape[dim] = size - n - before;
  const b = new Tensor(shape);
  b.data.fill(value);
  return cat([a, image, b], dim);
}

function stitch(image1: Tensor, image2: Tensor, direction: string, match: boolean, spacing: number, color: string): Tensor {
  const batch = Math.max(image1.shape[0]!, image2.shape[0]!);
  // A shorter batch is extended by repeating its last image.
  const extend = (t: Tensor) => (t.shape[0]! < batch ? cat([t, repeatToBatchSize(narrow(t, 0, t.shape[0]! - 1, 1), batch - t.shape[0]!)], 0) : t);
  image1 = extend(image1);
  image2 = extend(image2);
  const horizontal = direction === 'left' || direction === 'right';
  const colorVal = SPACING_RGB[color as keyof typeof SPACING_RGB];
  if (match) {
    const [h1, w1] = [image1.shape[1]!, image1.shape[2]!];
    const aspect = image2.shape[2]! / image2.shape[1]!;
    const [tw, th] = horizontal ? [Math.trunc(h1 * aspect), h1] : [w1, Math.trunc(w1 / aspect)];
    checkImageSize('ImageStitch', image2, tw, th);
    image2 = upscaleImage(image2, tw, th, 'lanczos', 'disabled');
  } else {
    const pad = typeof colorVal === 'number' ? colorVal : 0;
    const dim = horizontal ? 1 : 2;
    const size = Math.max(image1.shape[dim]!, image2.shape[dim]!);
    image1 = padCentered(image1, dim, size, pad);
    image2 = padCentered(image2, dim, size, pad);
  }
  const channels = Math.max(image1.shape[3]!, image2.shape[3]!);
  image1 = padChannels(image1, channels);
  image2 = padChannels(image2, channels);
  const parts = direction === 'left' || direction === 'up' ? [image2, image1] : [image1, image2];
  if (spacing > 0) {
    const even = spacing + (spacing % 2);
    const shape = horizontal
      ? [batch, Math.max(image1.shape[1]!, image2.shape[1]!), even, channels]
      : [batch, even, Math.max(image1.shape[2]!, image2.shape[2]!), channels];
    const gap = allocTensor(shape, 'ImageStitch spacing');
    for (let p = 0; p < gap.size; p += channels) {
      for (let k = 0; k < Math.min(3, channels); k++) gap.data[p + k] = typeof colorVal === 'number' ? colorVal : colorVal[k]!;
      if (channels === 4) gap.data[p + 3] = 1;
    }
    parts.splice(1, 0, gap);
  }
  return cat(parts, horizontal ? 2 : 1);
}

export const imageStitch: NodeDefinition = {
  name: 'ImageStitch',
  schemaFormat: 'v3',
  displayName: 'Image Stitch',
  description: 'Stitches image2 to image1 in the specified direction.\nIf image2 is not provided, returns image1 unchanged.\nOptional spacing can be added between images.',
  pythonModule: MODULE,
  category: 'image/transform',
  inputs: {
    required: {
      image1: v3Socket('IMAGE'),
      direction: v3Combo(DIRECTIONS, { default: 'right' }),
      match_image_size: v3Boolean({ default: true }),
      spacing_width: v3Int({ default: 0, min: 0, max: 1024, step: 2 }),
      spacing_color: v3Combo(SPACING_COLORS, { default: 'white' }),
    },
    optional: { image2: v3Socket('IMAGE') },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image1 = requireImage('image1', inputs.image1);
    if (inputs.image2 === undefined || inputs.image2 === null) return [image1];
    const image2 = requireImage('image2', inputs.image2);
    const direction = requireChoice('direction', inputs.direction, DIRECTIONS);
    const spacing = requireInt('spacing_width', inputs.spacing_width, 0, 1024);
    const color = requireChoice('spacing_color', inputs.spacing_color, SPACING_COLORS);
    return [stitch(image1, image2, direction, inputs.match_image_size !== false, spacing, color)];
  },
};

const PAD_INTERPOLATIONS = ['area', 'bicubic', 'nearest-exact', 'bilinear', 'lanczos'] as const;

export const resizeAndPadImage: NodeDefinition = {
  name: 'ResizeAndPadImage',
  schemaFormat: 'v3',
  pythonModule: MODULE,
  category: 'image/transform',
  inputs: {
    required: {
      image: v3Socket('IMAGE'),
      target_width: v3Int({ default: 512, min: 1, max: MAX_RESOLUTION, step: 1 }),
      target_height: v3Int({ default: 512, min: 1, max: MAX_RESOLUTION, step: 1 }),
      padding_color: v3Combo(['white', 'black']),
      interpolation: v3Combo(PAD_INTERPOLATIONS),
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const tw = requireInt('target_width', inputs.target_width, 1, MAX_RESOLUTION);
    const th = requireInt('target_height', inputs.target_height, 1, MAX_RESOLUTION);
    const padColor = requireChoice('padding_color', inputs.padding_color, ['white', 'black'] as const);
    const method = requireChoice('interpolation', inputs.interpolation, PAD_INTERPOLATIONS);
    const [b, h, w, c] = image.shape as [number, number, number, number];
    const scale = Math.min(tw / w, th / h);
    const nw = Math.trunc(w * scale);
    const nh = Math.trunc(h * scale);
    checkImageSize('ResizeAndPadImage', image, nw, nh);
    const resized = upscaleImage(image, nw, nh, method, 'disabled');
    const out = allocTensor([b, th, tw, c], 'ResizeAndPadImage');
    out.data.fill(padColor === 'black' ? 0 : 1);
    const y0 = Math.floor((th - nh) / 2);
    const x0 = Math.floor((tw - nw) / 2);
    for (let i = 0; i < b; i++) {
      for (let y = 0; y < nh; y++) {
        const s = ((i * nh + y) * nw) * c;
        out.data.set(resized.data.subarray(s, s + nw * c), ((i * th + y + y0) * tw + x0) * c);
      }
    }
    return [out];
  },
};
