// The three networks of a single-file SD checkpoint, loaded from its detected config.
import { detectCheckpoint, type CheckpointConfig } from '../files/detect.ts';
import { openWeights } from '../files/open-weights.ts';
import type { WeightFile } from '../files/weight-file.ts';
import type { NetworkRuntime } from '../onnx/network-graph.ts';
import { loadClip, type ClipModel } from './clip/index.ts';
import { loadUnet, type UnetModel } from './unet/index.ts';
import { loadVae, type VaeModel } from './vae/index.ts';

export { loadClip, type ClipModel, type TokenChunk, type TokenSequence } from './clip/index.ts';
export { loadUnet, type UnetModel } from './unet/index.ts';
export { loadVae, type VaeModel } from './vae/index.ts';

/** The networks to open: each part may be skipped (e.g. a parity check that needs only the VAE). */
export interface CheckpointParts {
  unet?: boolean;
  clip?: boolean;
  vae?: boolean;
}

export interface LoadedCheckpoint {
  file: WeightFile;
  config: CheckpointConfig;
  unet?: UnetModel;
  clip?: ClipModel;
  vae?: VaeModel;
  release(): Promise<void>;
}

/** Opens a single-file checkpoint (.safetensors or torch zip .ckpt, or an opened WeightFile) and loads the asked parts. */
export async function loadCheckpoint(
  source: string | WeightFile, runtime: NetworkRuntime, parts: CheckpointParts = { unet: true, clip: true, vae: true },
): Promise<LoadedCheckpoint> {
  const file = typeof source === 'string' ? await openWeights(source) : source;
  const config = await detectCheckpoint(file);
  const out: LoadedCheckpoint = {
    file, config,
    async release() {
      await Promise.all([out.unet?.release(), out.clip?.release(), out.vae?.release()]);
    },
  };
  if (parts.clip && config.clip) out.clip = await loadClip(file.path, config.clip, runtime);
  if (parts.unet) out.unet = await loadUnet(file, config.unet, runtime, config.prefixes.unet);
  if (parts.vae && config.vae) out.vae = await loadVae(file.path, config.vae, runtime);
  return out;
}
