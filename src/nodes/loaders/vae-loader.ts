// VAELoader (nodes.py): a VAE from the `vae` folder, or `pixel_space` (latents are the pixels). The TAESD
// entries are listed only when their encoder and decoder files exist in `vae_approx`; comfy-ts has no TAESD
// network yet, so it does not list them.
import { openVaeFile, PIXEL_SPACE_VAE } from '../../inference/models/sd-models.ts';
import type { NodeDefinition, NodeServices } from '../node-definition.ts';
import { inference, modelPath } from './model-files.ts';

export const vaeLoader: NodeDefinition = {
  name: 'VAELoader',
  schemaFormat: 'v1',
  displayName: 'Load VAE',
  pythonModule: 'nodes',
  category: 'loaders',
  inputs: {
    required: {
      vae_name: [(services?: NodeServices) => [...(services?.paths.listModels('vae') ?? []), 'pixel_space']],
    },
  },
  outputs: [{ type: 'VAE' }],
  async execute(inputs, ctx) {
    if (inputs.vae_name === 'pixel_space') return [PIXEL_SPACE_VAE];
    return [await openVaeFile(inference(ctx.services), modelPath(ctx.services, 'vae', inputs.vae_name))];
  },
};
