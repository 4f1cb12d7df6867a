// Morphology, ImageRGBToYUV, ImageYUVToRGB (comfy_extras/nodes_morphology.py) and Canny (nodes_canny.py): the
// kornia operations ComfyUI calls.
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { squareExtreme } from '../../imaging/morphology.ts';
import { cannyEdges } from '../../imaging/canny.ts';
import { nchwToNhwc, nhwcToNchw } from '../../imaging/resize.ts';
import { requireChoice, requireImage, requireInt, requireNumber } from '../utils/node-args.ts';
import { v3Combo, v3Float, v3Int, v3Socket } from '../utils/v3-io.ts';

const MODULE = 'comfy_extras.nodes_morphology';
const OPERATIONS = ['erode', 'dilate', 'open', 'close', 'gradient', 'bottom_hat', 'top_hat'] as const;

function morphology(image: Tensor, operation: (typeof OPERATIONS)[number], k: number): Tensor {
  const planes = nhwcToNchw(image);
  const [b, c, h, w] = planes.shape as [number, number, number, number];
  const x = planes.data;
  const dilate = (d: Float32Array) => squareExtreme(d, b * c, h, w, k, true);
  const erode = (d: Float32Array) => squareExtreme(d, b * c, h, w, k, false);
  const sub = (a: Float32Array, s: Float32Array) => a.map((v, i) => v - s[i]!);
  const result = {
    erode: () => erode(x),
    dilate: () => dilate(x),
    open: () => dilate(erode(x)),
    close: () => erode(dilate(x)),
    gradient: () => sub(dilate(x), erode(x)),
    top_hat: () => sub(x, dilate(erode(x))),
    bottom_hat: () => sub(erode(dilate(x)), x),
  }[operation]();
  return nchwToNhwc(new Tensor(planes.shape, result));
}

export const morphologyNode: NodeDefinition = {
  name: 'Morphology',
  schemaFormat: 'v3',
  displayName: 'ImageMorphology',
  pythonModule: MODULE,
  category: 'image/postprocessing',
  inputs: {
    required: {
      image: v3Socket('IMAGE'),
      operation: v3Combo(OPERATIONS),
      kernel_size: v3Int({ default: 3, min: 3, max: 999, step: 1 }),
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const operation = requireChoice('operation', inputs.operation, OPERATIONS);
    const k = requireInt('kernel_size', inputs.kernel_size, 1, 999);
    return [morphology(image, operation, k)];
  },
};

function requireRgb(name: string, value: unknown): Tensor {
  const t = requireImage(name, value);
  if (t.shape[3] !== 3) throw new Error(`${name} must have 3 channels (RGB), got ${t.shape[3]}`);
  return t;
}

/** One channel of `t` repeated into a 3-channel image (`expand_as`). */
function channelAsImage(t: Tensor, channel: number): Tensor {
  const out = new Tensor(t.shape);
  for (let p = 0; p < t.size; p += 3) out.data[p] = out.data[p + 1] = out.data[p + 2] = t.data[p + channel]!;
  return out;
}

export const imageRgbToYuv: NodeDefinition = {
  name: 'ImageRGBToYUV',
  schemaFormat: 'v3',
  pythonModule: MODULE,
  category: 'image/batch',
  inputs: { required: { image: v3Socket('IMAGE') } },
  outputs: [{ type: 'IMAGE', name: 'Y' }, { type: 'IMAGE', name: 'U' }, { type: 'IMAGE', name: 'V' }],
  execute(inputs) {
    const image = requireRgb('image', inputs.image);
    // kornia.color.rgb_to_ycbcr: Y = .299R + .587G + .114B, Cb = (B − Y)·.564 + .5, Cr = (R − Y)·.713 + .5.
    const ycc = new Tensor(image.shape);
    const d = image.data;
    for (let p = 0; p < image.size; p += 3) {
      const y = 0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]!;
      ycc.data[p] = y;
      ycc.data[p + 1] = (d[p + 2]! - y) * 0.564 + 0.5;
      ycc.data[p + 2] = (d[p]! - y) * 0.713 + 0.5;
    }
    return [channelAsImage(ycc, 0), channelAsImage(ycc, 1), channelAsImage(ycc, 2)];
  },
};

/** The mean over channels of an IMAGE, per pixel. */
function channelMean(t: Tensor): Float32Array {
  const c = t.shape[3]!;
  const out = new Float32Array(t.size / c);
  for (let p = 0; p < out.length; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += t.data[p * c + k]!;
    out[p] = s / c;
  }
  return out;
}

export const imageYuvToRgb: NodeDefinition = {
  name: 'ImageYUVToRGB',
  schemaFormat: 'v3',
  pythonModule: MODULE,
  category: 'image/batch',
  inputs: { required: { Y: v3Socket('IMAGE'), U: v3Socket('IMAGE'), V: v3Socket('IMAGE') } },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const [Y, U, V] = (['Y', 'U', 'V'] as const).map((k) => requireImage(k, inputs[k]));
    const shape = Y!.shape.slice(0, 3).join();
    if (U!.shape.slice(0, 3).join() !== shape || V!.shape.slice(0, 3).join() !== shape) {
      throw new Error(`Y, U and V must have the same batch and size, got [${Y!.shape}], [${U!.shape}], [${V!.shape}]`);
    }
    const [y, cb, cr] = [channelMean(Y!), channelMean(U!), channelMean(V!)];
    const out = new Tensor([...Y!.shape.slice(0, 3), 3]);
    const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
    // kornia.color.ycbcr_to_rgb (clamped to 0..1 as current kornia does).
    for (let p = 0; p < y.length; p++) {
      const cbs = cb[p]! - 0.5;
      const crs = cr[p]! - 0.5;
      out.data[p * 3] = clamp(y[p]! + 1.403 * crs);
      out.data[p * 3 + 1] = clamp(y[p]! - 0.714 * crs - 0.344 * cbs);
      out.data[p * 3 + 2] = clamp(y[p]! + 1.773 * cbs);
    }
    return [out];
  },
};

export const canny: NodeDefinition = {
  name: 'Canny',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_canny',
  category: 'image/preprocessors',
  inputs: {
    required: {
      image: v3Socket('IMAGE'),
      low_threshold: v3Float({ default: 0.4, min: 0.01, max: 0.99, step: 0.01 }),
      high_threshold: v3Float({ default: 0.8, min: 0.01, max: 0.99, step: 0.01 }),
    },
  },
  outputs: [{ type: 'IMAGE' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const low = requireNumber('low_threshold', inputs.low_threshold, 0.01, 0.99);
    const high = requireNumber('high_threshold', inputs.high_threshold, 0.01, 0.99);
    if (low > high) throw new Error(`Invalid input thresholds. low_threshold should be smaller than the high_threshold. Got: ${low}>${high}`);
    const planes = nhwcToNchw(image);
    const [b, c, h, w] = planes.shape as [number, number, number, number];
    // kornia converts 3-channel input to grey; other channel counts are filtered channel by channel.
    const out = new Tensor([b, h, w, 3]);
    for (let i = 0; i < b; i++) {
      const chans = Array.from({ length: c }, (_, k) => planes.data.subarray((i * c + k) * h * w, (i * c + k + 1) * h * w));
      if (c !== 3 && c !== 1) throw new Error(`Canny expects 1 or 3 channels, got ${c}`);
      const edges = cannyEdges(chans, h, w, Math.fround(low), Math.fround(high));
      for (let p = 0; p < h * w; p++) out.data[(i * h * w + p) * 3] = out.data[(i * h * w + p) * 3 + 1] = out.data[(i * h * w + p) * 3 + 2] = edges[p]!;
    }
    return [out];
  },
};
