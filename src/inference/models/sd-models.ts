// The MODEL, CLIP and VAE values that loader nodes hand to the rest of a workflow. Each is a light handle
// over a detected weight file: its network is loaded through the ModelStore on first use, so handles are
// cheap to create, cache and clone (CLIPSetLastLayer), and /free can release the sessions underneath.
import { detectCheckpoint, type CheckpointConfig } from '../files/detect.ts';
import type { ClipConfig } from '../files/detect-clip.ts';
import { detectVae, type VaeConfig } from '../files/detect-vae.ts';
import { openWeights } from '../files/open-weights.ts';
import type { TensorRef, WeightFile } from '../files/weight-file.ts';
import { loadClip, type ClipModel } from '../networks/clip/index.ts';
import { loadUnet, type UnetModel } from '../networks/unet/index.ts';
import { loadVae, VAE_SCALE } from '../networks/vae/index.ts';
import { defaultGraphCacheDir, GraphCache } from '../onnx/cache.ts';
import type { NetworkRuntime } from '../onnx/network-graph.ts';
import { Tensor } from '../tensor.ts';
import type { DiffusionModel } from '../sampling/cfg.ts';
import { SD15_LATENT_FORMAT, type LatentFormat } from '../sampling/latent-format.ts';
import { createDiscreteModelSampling, type ModelSampling } from '../sampling/model-sampling.ts';
import { createPromptTokenizer, type PromptTokenizer } from '../text/index.ts';
import { ModelStore } from './model-store.ts';

/** What the inference stack keeps per process: the graph cache, session options and loaded networks. */
export interface Inference {
  runtime: NetworkRuntime;
  store: ModelStore;
  /** Where tokenizer files and embeddings are looked up. */
  paths: { baseDir: string; modelFolderPaths(folder: string): string[] };
  /** Releases every loaded network (`/free`); they load again on next use. */
  unload(): Promise<void>;
}

const SHARED_KEY = 'inference';

/** The process's inference services, created on first use in the services' shared map. */
export function inferenceFor(
  shared: Map<string, unknown>,
  paths: Inference['paths'],
  options: { cpu: boolean },
): Inference {
  let inference = shared.get(SHARED_KEY) as Inference | undefined;
  if (!inference) {
    const store = new ModelStore();
    inference = {
      runtime: { cache: new GraphCache(defaultGraphCacheDir(paths.baseDir)), cpu: options.cpu },
      store,
      paths,
      unload: () => store.unloadAll(),
    };
    shared.set(SHARED_KEY, inference);
  }
  return inference;
}

/** MODEL: a Stable Diffusion UNet with its noise schedule and latent format. */
export interface SdModel {
  readonly kind: 'sd-unet';
  readonly name: string;
  readonly config: CheckpointConfig;
  readonly modelSampling: ModelSampling;
  readonly latentFormat: LatentFormat;
  unet(): Promise<UnetModel>;
  toString(): string;
}

/** CLIP: a text encoder, its tokenizer and the layer CLIPSetLastLayer chose. */
export interface SdClip {
  readonly kind: 'sd-clip';
  readonly config: ClipConfig;
  /** −1 last, −2 penultimate…; undefined = the encoder's default. */
  readonly layer: number | undefined;
  tokenize: PromptTokenizer;
  encoder(): Promise<ClipModel>;
  withLayer(layer: number): SdClip;
  toString(): string;
}

/** VAE: between pixels (IMAGE [B, H, W, 3], 0..1) and latents ([B, C, H/r, W/r], VAE space). */
export interface SdVae {
  readonly kind: 'sd-vae';
  /** Pixels per latent cell along each axis (8 for SD, 1 for the pixel-space VAE). */
  readonly downscale: number;
  decode(latent: Tensor): Promise<Tensor>;
  encode(image: Tensor): Promise<Tensor>;
  toString(): string;
}

/** float32 bytes of a set of tensors: what a CPU session holds once fp16 weights are cast. */
function float32Bytes(tensors: Iterable<TensorRef>): number {
  let n = 0;
  for (const t of tensors) n += t.shape.reduce((a, b) => a * b, 1) * 4;
  return n;
}

function withPrefix(file: WeightFile, prefix: string): TensorRef[] {
  return [...file.tensors.values()].filter((t) => t.name.startsWith(prefix));
}

/** Opens a checkpoint file and detects its networks (no network is loaded yet). */
export async function openCheckpoint(inference: Inference, path: string, name: string): Promise<{ model: SdModel; clip: SdClip | null; vae: SdVae | null }> {
  const file = await openWeights(path);
  const config = await detectCheckpoint(file);
  const key = `${path}`;
  const modelSampling = createDiscreteModelSampling({ predictionType: config.prediction === 'v' ? 'v_prediction' : 'eps' });
  const unetBytes = float32Bytes(withPrefix(file, config.prefixes.unet));
  const model: SdModel = {
    kind: 'sd-unet', name, config, modelSampling, latentFormat: SD15_LATENT_FORMAT,
    unet: () => inference.store.use(`unet:${key}`, unetBytes, () => loadUnet(file, config.unet, inference.runtime, config.prefixes.unet)),
    toString: () => `<SD ${config.family} ${config.prediction} model ${name}>`,
  };
  return {
    model,
    clip: config.clip ? makeClip(inference, file.path, config.clip, undefined) : null,
    vae: config.vae ? makeVae(inference, file.path, config.vae) : null,
  };
}

/** Opens a standalone VAE file (VAELoader). */
export async function openVaeFile(inference: Inference, path: string): Promise<SdVae> {
  const file = await openWeights(path);
  const config = detectVae(file.tensors, file.tensors.has('first_stage_model.decoder.conv_in.weight') ? 'first_stage_model.' : '');
  if (!config) throw new Error(`no VAE weights (decoder.conv_in.weight) found in ${path}`);
  return makeVae(inference, file.path, config);
}

function makeClip(inference: Inference, weightPath: string, config: ClipConfig, layer: number | undefined, tokenizer?: PromptTokenizer): SdClip {
  const bytes = float32Bytes(config.tensors.values());
  // Created on first use, so a missing tokenizer fails the text encode that needs it, not the checkpoint load.
  let prompts = tokenizer;
  const tokenize: PromptTokenizer = (text) => (prompts ??= createPromptTokenizer(inference.paths, config))(text);
  return {
    kind: 'sd-clip', config, layer, tokenize,
    encoder: () => inference.store.use(`clip:${weightPath}:${config.prefix}`, bytes, () => loadClip(weightPath, config, inference.runtime)),
    withLayer: (next) => makeClip(inference, weightPath, config, next, prompts),
    toString: () => `<CLIP ${config.type} layer ${layer ?? config.defaultLayer}>`,
  };
}

function makeVae(inference: Inference, weightPath: string, config: VaeConfig): SdVae {
  const bytes = float32Bytes(config.tensors.values());
  const model = () => inference.store.use(`vae:${weightPath}:${config.prefix}`, bytes, () => loadVae(weightPath, config, inference.runtime));
  return {
    kind: 'sd-vae', downscale: VAE_SCALE,
    decode: async (latent) => (await model()).decode(latent),
    encode: async (image) => (await model()).encode(image),
    toString: () => `<VAE ${config.z_channels}-channel latent>`,
  };
}

/** VAELoader's `pixel_space`: latents are the pixels themselves, mapped from 0..1 to −1..1 and channels first. */
export const PIXEL_SPACE_VAE: SdVae = {
  kind: 'sd-vae',
  downscale: 1,
  async decode(latent) {
    const [b, c, h, w] = latent.shape as [number, number, number, number];
    const out = new Tensor([b, h, w, c]);
    for (let i = 0; i < b; i++) {
      for (let k = 0; k < c; k++) {
        for (let p = 0; p < h * w; p++) {
          const v = (latent.data[(i * c + k) * h * w + p]! + 1) / 2;
          out.data[(i * h * w + p) * c + k] = Math.min(Math.max(v, 0), 1);
        }
      }
    }
    return out;
  },
  async encode(image) {
    const [b, h, w] = image.shape as [number, number, number, number];
    const c = image.shape[3]!;
    const out = new Tensor([b, 3, h, w]);
    for (let i = 0; i < b; i++) {
      for (let k = 0; k < 3; k++) {
        for (let p = 0; p < h * w; p++) out.data[(i * 3 + k) * h * w + p] = image.data[(i * h * w + p) * c + k]! * 2 - 1;
      }
    }
    return out;
  },
  toString: () => '<VAE pixel_space>',
};

/** The sampler's view of an SdModel: raw UNet output for c_in·x at the given timesteps. */
export function diffusionModelOf(model: SdModel): DiffusionModel {
  return {
    modelSampling: model.modelSampling,
    latentFormat: model.latentFormat,
    async apply(xIn, timestep, cond, shape) {
      const unet = await model.unet();
      const out = await unet.apply(new Tensor(shape, xIn), timestep, cond.context);
      return out.data;
    },
  };
}
