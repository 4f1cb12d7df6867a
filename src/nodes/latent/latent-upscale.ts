// LatentUpscale and LatentUpscaleBy (nodes.py): resample the latent with comfy.utils.common_upscale. Only `samples`
// changes; a `noise_mask` is passed through untouched, as in ComfyUI.
import { commonUpscale, CROP_METHODS, LATENT_UPSCALE_METHODS } from '../../imaging/resize.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { copyLatent, MAX_RESOLUTION, requireChoice, requireInt, requireLatent, requireNumber } from '../utils/node-args.ts';
import { pyRound } from '../../imaging/resize.ts';

export const latentUpscaleNode: NodeDefinition = {
  name: 'LatentUpscale',
  schemaFormat: 'v1',
  displayName: 'Upscale Latent',
  pythonModule: 'nodes',
  category: 'latent',
  inputs: {
    required: {
      samples: ['LATENT'],
      upscale_method: [LATENT_UPSCALE_METHODS],
      width: ['INT', { default: 512, min: 0, max: MAX_RESOLUTION, step: 8 }],
      height: ['INT', { default: 512, min: 0, max: MAX_RESOLUTION, step: 8 }],
      crop: [CROP_METHODS],
    },
  },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    const method = requireChoice('upscale_method', inputs.upscale_method, LATENT_UPSCALE_METHODS);
    let width = requireInt('width', inputs.width, 0, MAX_RESOLUTION);
    let height = requireInt('height', inputs.height, 0, MAX_RESOLUTION);
    const crop = requireChoice('crop', inputs.crop, CROP_METHODS);
    if (width === 0 && height === 0) return [samples];
    const t = samples.samples;
    const h = t.shape[t.rank - 2]!;
    const w = t.shape[t.rank - 1]!;
    // 0 on one side keeps the aspect ratio; each side is at least 64 pixels.
    if (width === 0) {
      height = Math.max(64, height);
      width = Math.max(64, pyRound((w * height) / h));
    } else if (height === 0) {
      width = Math.max(64, width);
      height = Math.max(64, pyRound((h * width) / w));
    } else {
      width = Math.max(64, width);
      height = Math.max(64, height);
    }
    const out = copyLatent(samples);
    out.samples = commonUpscale(t, Math.floor(width / 8), Math.floor(height / 8), method, crop);
    return [out];
  },
};

export const latentUpscaleByNode: NodeDefinition = {
  name: 'LatentUpscaleBy',
  schemaFormat: 'v1',
  displayName: 'Upscale Latent By',
  pythonModule: 'nodes',
  category: 'latent',
  inputs: {
    required: {
      samples: ['LATENT'],
      upscale_method: [LATENT_UPSCALE_METHODS],
      scale_by: ['FLOAT', { default: 1.5, min: 0.01, max: 8.0, step: 0.01 }],
    },
  },
  outputs: [{ type: 'LATENT' }],
  execute(inputs) {
    const samples = requireLatent('samples', inputs.samples);
    const method = requireChoice('upscale_method', inputs.upscale_method, LATENT_UPSCALE_METHODS);
    const scaleBy = requireNumber('scale_by', inputs.scale_by, 0.01, 8.0);
    const t = samples.samples;
    const width = pyRound(t.shape[t.rank - 1]! * scaleBy);
    const height = pyRound(t.shape[t.rank - 2]! * scaleBy);
    if (width < 1 || height < 1) throw new Error(`LatentUpscaleBy: scaling by ${scaleBy} leaves an empty ${width}x${height} latent`);
    const out = copyLatent(samples);
    out.samples = commonUpscale(t, width, height, method, 'disabled');
    return [out];
  },
};
