// CheckpointLoaderSimple and the deprecated CheckpointLoader (nodes.py): open a single-file checkpoint, detect
// its architecture from the tensor names and shapes, and return MODEL, CLIP and VAE handles. Networks load on
// first use (the sampler, the text encoder, the VAE), not here.
import { openCheckpoint } from '../../inference/models/sd-models.ts';
import type { NodeDefinition, NodeServices } from '../node-definition.ts';
import { inference, modelList, modelPath } from './model-files.ts';

async function loadCheckpoint(services: NodeServices, ckptName: unknown) {
  const path = modelPath(services, 'checkpoints', ckptName);
  const { model, clip, vae } = await openCheckpoint(inference(services), path, String(ckptName));
  return [model, clip, vae];
}

export const checkpointLoaderSimple: NodeDefinition = {
  name: 'CheckpointLoaderSimple',
  schemaFormat: 'v1',
  displayName: 'Load Checkpoint',
  description: 'Loads a diffusion model checkpoint, diffusion models are used to denoise latents.',
  pythonModule: 'nodes',
  category: 'loaders',
  inputs: {
    required: {
      ckpt_name: [modelList('checkpoints'), { tooltip: 'The name of the checkpoint (model) to load.' }],
    },
  },
  outputs: [
    { type: 'MODEL', tooltip: 'The model used for denoising latents.' },
    { type: 'CLIP', tooltip: 'The CLIP model used for encoding text prompts.' },
    { type: 'VAE', tooltip: 'The VAE model used for encoding and decoding images to and from latent space.' },
  ],
  execute: (inputs, ctx) => loadCheckpoint(ctx.services, inputs.ckpt_name),
};

/** The YAML config is not needed: the architecture is read from the weights, as CheckpointLoaderSimple does. */
export const checkpointLoader: NodeDefinition = {
  name: 'CheckpointLoader',
  schemaFormat: 'v1',
  displayName: 'Load Checkpoint With Config (DEPRECATED)',
  pythonModule: 'nodes',
  category: 'advanced/loaders',
  deprecated: true,
  inputs: {
    required: {
      config_name: [modelList('configs')],
      ckpt_name: [modelList('checkpoints')],
    },
  },
  outputs: [{ type: 'MODEL' }, { type: 'CLIP' }, { type: 'VAE' }],
  execute: (inputs, ctx) => loadCheckpoint(ctx.services, inputs.ckpt_name),
};
