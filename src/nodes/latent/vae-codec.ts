// VAEDecode and VAEEncode (nodes.py): between LATENT (VAE space) and IMAGE, through a VAE.
import type { SdVae } from '../../inference/models/sd-models.ts';
import { Tensor } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { requireLatent } from '../utils/node-args.ts';

function requireVae(value: unknown): SdVae {
  if (value === null || value === undefined) {
    throw new Error('ERROR: VAE is invalid: None\n\nIf the VAE is from a checkpoint loader node your checkpoint does not contain a valid VAE.');
  }
  if ((value as SdVae).kind !== 'sd-vae') throw new Error('vae input is not a VAE');
  return value as SdVae;
}

/** IMAGE [B, H, W, C] → its first three channels (VAEEncode ignores alpha). */
function rgbOnly(image: Tensor): Tensor {
  const [b, h, w, c] = image.shape as [number, number, number, number];
  if (c === 3) return image;
  if (c < 3) throw new Error(`pixels must have 3 channels, got ${c}`);
  const out = new Float32Array(b * h * w * 3);
  for (let p = 0; p < b * h * w; p++) out.set(image.data.subarray(p * c, p * c + 3), p * 3);
  return new Tensor([b, h, w, 3], out);
}

export const vaeDecode: NodeDefinition = {
  name: 'VAEDecode',
  schemaFormat: 'v1',
  displayName: 'VAE Decode',
  description: 'Decodes latent images back into pixel space images.',
  pythonModule: 'nodes',
  category: 'latent',
  inputs: {
    required: {
      samples: ['LATENT', { tooltip: 'The latent to be decoded.' }],
      vae: ['VAE', { tooltip: 'The VAE model used for decoding the latent.' }],
    },
  },
  outputs: [{ type: 'IMAGE', tooltip: 'The decoded image.' }],
  async execute(inputs) {
    const vae = requireVae(inputs.vae);
    return [await vae.decode(requireLatent('samples', inputs.samples).samples)];
  },
};

export const vaeEncode: NodeDefinition = {
  name: 'VAEEncode',
  schemaFormat: 'v1',
  displayName: 'VAE Encode',
  pythonModule: 'nodes',
  category: 'latent',
  inputs: { required: { pixels: ['IMAGE'], vae: ['VAE'] } },
  outputs: [{ type: 'LATENT' }],
  async execute(inputs) {
    const vae = requireVae(inputs.vae);
    const pixels = inputs.pixels as Tensor;
    if (pixels?.rank !== 4) throw new Error('pixels must be an IMAGE [batch, height, width, channels]');
    return [{ samples: await vae.encode(rgbOnly(pixels)) }];
  },
};
