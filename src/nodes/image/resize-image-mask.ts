// ResizeImageMaskNode (comfy_extras/nodes_post_processing.py, new in 0.8.0): resizes an IMAGE or a MASK (the
// output type follows the input, a match-type template) by one of eight modes chosen with a dynamic combo whose
// sub-inputs arrive nested as `resize_type: {resize_type: <mode>, …}`.
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { commonUpscale, CROP_METHODS, nchwToNhwc, nhwcToNchw, pyRound, UPSCALE_METHODS } from '../../imaging/resize.ts';
import { isTensor, MAX_RESOLUTION, requireChoice, requireInt, requireNumber } from '../utils/node-args.ts';
import { v3Combo, v3Float, v3Int, v3MatchType } from '../utils/v3-io.ts';
import { checkImageSize } from './image-args.ts';

const MODES = [
  'scale by multiplier', 'scale dimensions', 'scale longer dimension', 'scale shorter dimension',
  'scale width', 'scale height', 'scale total pixels', 'match size',
] as const;

const size = (name: string) => ({ [name]: v3Int({ default: 512, min: 0, max: MAX_RESOLUTION, step: 1 }) });
const crop = { crop: v3Combo(CROP_METHODS, { default: 'center' }) };
const OPTIONS: Record<(typeof MODES)[number], Record<string, unknown>> = {
  'scale by multiplier': { multiplier: v3Float({ default: 1.0, min: 0.01, max: 8.0, step: 0.01 }) },
  'scale dimensions': { ...size('width'), ...size('height'), ...crop },
  'scale longer dimension': size('longer_size'),
  'scale shorter dimension': size('shorter_size'),
  'scale width': size('width'),
  'scale height': size('height'),
  'scale total pixels': { megapixels: v3Float({ default: 1.0, min: 0.01, max: 16.0, step: 0.01 }) },
  'match size': { match: ['IMAGE,MASK', {}], ...crop },
};

/** The target size of each mode, as ComfyUI 0.8.0 computes it (including its shorter-side quirk). */
function targetSize(mode: (typeof MODES)[number], args: Record<string, unknown>, w: number, h: number): [number, number, string] | null {
  const num = (name: string, min: number, max: number) => requireNumber(name, args[name], min, max);
  const int = (name: string) => requireInt(name, args[name], 0, MAX_RESOLUTION);
  const byAspect = (width: number, height: number): [number, number] | null => {
    if (width === 0 && height === 0) return null;
    if (width === 0) return [Math.max(1, pyRound((w * height) / h)), height];
    if (height === 0) return [width, Math.max(1, pyRound((h * width) / w))];
    return [width, height];
  };
  switch (mode) {
    case 'scale by multiplier': {
      const m = num('multiplier', 0.01, 8);
      return [pyRound(w * m), pyRound(h * m), 'disabled'];
    }
    case 'scale dimensions': {
      const t = byAspect(int('width'), int('height'));
      return t && [t[0], t[1], requireChoice('crop', args.crop, CROP_METHODS)];
    }
    case 'scale width': {
      const t = byAspect(int('width'), 0);
      return t && [t[0], t[1], 'disabled'];
    }
    case 'scale height': {
      const t = byAspect(0, int('height'));
      return t && [t[0], t[1], 'disabled'];
    }
    case 'scale longer dimension': {
      const s = int('longer_size');
      if (h > w) return [pyRound((w / h) * s), s, 'disabled'];
      if (w > h) return [s, pyRound((h / w) * s), 'disabled'];
      return [s, s, 'disabled'];
    }
    case 'scale shorter dimension': {
      // Sic: 0.8.0 tests `width > height` twice, so a portrait input becomes a square of shorter_size.
      const s = int('shorter_size');
      if (h < w) return [pyRound((w / h) * s), s, 'disabled'];
      return [s, s, 'disabled'];
    }
    case 'scale total pixels': {
      const total = Math.trunc(num('megapixels', 0.01, 16) * 1024 * 1024);
      const scale = Math.sqrt(total / (w * h));
      return [pyRound(w * scale), pyRound(h * scale), 'disabled'];
    }
    case 'match size': {
      const match = args.match;
      if (!isTensor(match) || match.rank < 3) throw new Error('resize_type.match must be an IMAGE or a MASK');
      const [mh, mw] = match.rank === 4 ? [match.shape[1]!, match.shape[2]!] : [match.shape[match.rank - 2]!, match.shape[match.rank - 1]!];
      return [mw, mh, requireChoice('crop', args.crop, CROP_METHODS)];
    }
  }
}

export const resizeImageMaskNode: NodeDefinition = {
  name: 'ResizeImageMaskNode',
  schemaFormat: 'v3',
  displayName: 'Resize Image/Mask',
  pythonModule: 'comfy_extras.nodes_post_processing',
  category: 'transform',
  inputs: {
    required: {
      input: v3MatchType('input_type', 'IMAGE,MASK'),
      resize_type: ['COMFY_DYNAMICCOMBO_V3', {
        options: MODES.map((key) => ({ key, inputs: { required: OPTIONS[key] } })),
      }],
      scale_method: v3Combo(UPSCALE_METHODS, { default: 'area' }),
    },
  },
  outputs: [{ type: 'COMFY_MATCHTYPE_V3', name: 'resized', matchType: 'input_type' }],
  execute(inputs) {
    const input = inputs.input;
    if (!isTensor(input) || (input.rank !== 3 && input.rank !== 4)) throw new Error('input must be an IMAGE [B,H,W,C] or a MASK [B,H,W]');
    const method = requireChoice('scale_method', inputs.scale_method, UPSCALE_METHODS);
    const args = (inputs.resize_type ?? {}) as Record<string, unknown>;
    const mode = requireChoice('resize_type', args.resize_type, MODES);
    const isImage = input.rank === 4;
    const [h, w] = isImage ? [input.shape[1]!, input.shape[2]!] : [input.shape[1]!, input.shape[2]!];
    const target = targetSize(mode, args, w, h);
    if (!target) return [input];
    const [tw, th, cropMode] = target;
    checkImageSize('ResizeImageMaskNode', isImage ? input : input.reshape([...input.shape, 1]), tw, th);
    const nchw = isImage ? nhwcToNchw(input) : input.reshape([input.shape[0]!, 1, h, w]);
    const out = commonUpscale(nchw, tw, th, method, cropMode);
    return [isImage ? nchwToNhwc(out) : new Tensor([out.shape[0]!, th, tw], out.data)];
  },
};
