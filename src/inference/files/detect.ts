// Checkpoint detection (models.md §2–§3): which family a file is and the configuration of each part, read from
// key names and shapes. Supported: SD1.x (eps) and SD2.x (eps / v). Other families are recognised by a
// distinctive key and reported as not supported yet; anything else is an error naming what was found.
import { detectClip, type ClipConfig } from './detect-clip.ts';
import { attentionHeads, detectUnetStructure, UnknownModelError, type UnetConfig } from './detect-unet.ts';
import { detectVae, type VaeConfig } from './detect-vae.ts';
import { countWithPrefix, scopeTensors, type TensorMap } from './key-views.ts';
import type { TensorRef, WeightFile } from './weight-file.ts';

export { attentionHeads, UnknownModelError, type UnetConfig } from './detect-unet.ts';
export type { ClipConfig } from './detect-clip.ts';
export type { VaeConfig } from './detect-vae.ts';

export type ModelFamily = 'sd15' | 'sd2';
export type Prediction = 'eps' | 'v';

export interface CheckpointConfig {
  family: ModelFamily;
  prediction: Prediction;
  unet: UnetConfig;
  /** Null when the file has no text encoder / VAE (a UNet-only file). */
  clip: ClipConfig | null;
  vae: VaeConfig | null;
  prefixes: { unet: string; vae: string | null; clip: string | null };
  /** SD15 latent format (SD1 and SD2): 4 channels, scale 0.18215. */
  latent: { channels: number; scaleFactor: number };
}

export class UnsupportedModelError extends Error {
  constructor(readonly modelName: string, detail = '') {
    super(`${modelName} checkpoints are not supported yet${detail ? ` (${detail})` : ''}`);
    this.name = 'UnsupportedModelError';
  }
}

export const UNET_PREFIX = 'model.diffusion_model.';
/** Population std above this on the last output transformer's norm1 bias marks SD2 v-prediction (§3.4). */
export const VPRED_STD_THRESHOLD = 0.09;
export const VPRED_MARKER_KEY = 'output_blocks.11.1.transformer_blocks.0.norm1.bias';

/** Families recognised by one distinctive key (with or without the usual prefix), checked in this order. */
const OTHER_FAMILIES: [string, string][] = [
  ['joint_blocks.0.context_block.attn.qkv.weight', 'SD3 (MMDiT)'],
  ['double_blocks.0.img_attn.norm.key_norm.scale', 'Flux'],
  ['distilled_guidance_layer.in_proj.weight', 'Chroma'],
  ['conditioner.embedders.1.model.ln_final.weight', 'SDXL'],
  ['down_blocks.0.resnets.0.conv1.weight', 'Diffusers-format UNet'],
  ['transformer_blocks.0.attn.add_q_proj.weight', 'Diffusers-format transformer'],
];

export async function detectCheckpoint(file: WeightFile): Promise<CheckpointConfig> {
  const t = file.tensors;
  const unetPrefix = findUnetPrefix(t);
  if (unetPrefix === null) throw unknownLayout(t, file.path);
  const unetTensors = scopeTensors(t, unetPrefix);
  const family = checkFamily(t, unetTensors);
  const unet = withHeads(detectUnetStructure(unetTensors), family);
  const clip = detectClip(t);
  const vae = detectVae(t, 'first_stage_model.');
  if (clip && unet.context_dim !== clip.width) {
    throw new UnknownModelError(`text encoder width ${clip.width} does not match the UNet's context_dim ${unet.context_dim}`);
  }
  if (clip && (family === 'sd15') !== (clip.type === 'clip-l')) {
    throw new UnknownModelError(`a ${family === 'sd15' ? 'SD1' : 'SD2'} UNet with a ${clip.type} text encoder is not a known combination`);
  }
  return {
    family,
    prediction: family === 'sd2' ? await detectSd2Prediction(file, unetTensors, unet) : 'eps',
    unet, clip, vae,
    prefixes: { unet: unetPrefix, vae: vae?.prefix ?? null, clip: clip?.prefix ?? null },
    latent: { channels: 4, scaleFactor: 0.18215 },
  };
}

/** Detection of a UNet-only file (UNETLoader): the prefix is stripped when present. */
export async function detectUnetFile(file: WeightFile): Promise<{ family: ModelFamily; prediction: Prediction; unet: UnetConfig; prefix: string }> {
  const prefix = findUnetPrefix(file.tensors) ?? '';
  const unetTensors = scopeTensors(file.tensors, prefix);
  if (!unetTensors.has('input_blocks.0.0.weight')) throw unknownLayout(file.tensors, file.path);
  const family = checkFamily(new Map(), unetTensors);
  const unet = withHeads(detectUnetStructure(unetTensors), family);
  const prediction = family === 'sd2' ? await detectSd2Prediction(file, unetTensors, unet) : 'eps';
  return { family, prediction, unet, prefix };
}

function findUnetPrefix(t: TensorMap): string | null {
  if (countWithPrefix(t, UNET_PREFIX) > 5 && t.has(`${UNET_PREFIX}input_blocks.0.0.weight`)) return UNET_PREFIX;
  return t.has('input_blocks.0.0.weight') ? '' : null;
}

/** SD1 or SD2 from the structure; the exact ComfyUI widths are required only at full width (320 channels). */
function checkFamily(all: TensorMap, unetTensors: TensorMap): ModelFamily {
  for (const [key, name] of OTHER_FAMILIES) if (all.has(key)) throw new UnsupportedModelError(name);
  const s = detectUnetStructure(unetTensors);
  const found = `model_channels ${s.model_channels}, context_dim ${s.context_dim}, adm ${s.adm_in_channels}, ` +
    `transformer_depth [${s.transformer_depth}], linear proj ${s.use_linear_in_transformer}, in_channels ${s.in_channels}`;
  if (s.adm_in_channels !== null) {
    const name = s.context_dim === 2048 ? 'SDXL' : s.context_dim === 1280 ? 'SDXL refiner'
      : s.context_dim === 1024 ? 'SD2.1 unCLIP' : 'UNet with class/ADM conditioning';
    throw new UnsupportedModelError(name, found);
  }
  if (s.temporal) throw new UnsupportedModelError('Stable Video Diffusion', found);
  if (s.in_channels === 8) throw new UnsupportedModelError('InstructPix2Pix / Zero123', found);
  if (s.in_channels === 7 && s.model_channels === 256) throw new UnsupportedModelError('SD x4 upscaler', found);
  const sdLayout = s.channel_mult.length === 4 && s.transformer_depth.join() === '1,1,1,1,1,1,0,0' &&
    s.transformer_depth_middle === 1 && (s.in_channels === 4 || s.in_channels === 9);
  if (!sdLayout) throw new UnknownModelError(`unknown UNet layout: ${found}`);
  const family: ModelFamily = s.use_linear_in_transformer ? 'sd2' : 'sd15';
  const expectedContext = family === 'sd2' ? 1024 : 768;
  if (s.model_channels === 320 && s.context_dim !== expectedContext) throw new UnknownModelError(`unknown UNet layout: ${found}`);
  return family;
}

function withHeads(s: Omit<UnetConfig, 'num_heads' | 'num_head_channels'>, family: ModelFamily): UnetConfig {
  const config = { ...s, num_heads: family === 'sd15' ? 8 : -1, num_head_channels: family === 'sd15' ? -1 : 64 };
  for (const m of config.channel_mult) attentionHeads(config, m * config.model_channels);
  return config;
}

/**
 * SD2: v-prediction if the population std of the last output transformer's norm1 bias exceeds 0.09 (§3.4);
 * ComfyUI asks only 4-channel models (SD2 inpainting models are eps).
 */
async function detectSd2Prediction(file: WeightFile, unetTensors: TensorMap, unet: UnetConfig): Promise<Prediction> {
  const ref: TensorRef | undefined = unetTensors.get(VPRED_MARKER_KEY);
  if (!ref || unet.in_channels !== 4) return 'eps';
  const v = await file.readFloat32(ref);
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let variance = 0;
  for (const x of v) variance += (x - mean) ** 2;
  return Math.sqrt(variance / v.length) > VPRED_STD_THRESHOLD ? 'v' : 'eps';
}

function unknownLayout(t: TensorMap, path: string): Error {
  for (const [key, name] of OTHER_FAMILIES) {
    if (t.has(key) || [...t.keys()].some((k) => k.endsWith(`.${key}`))) return new UnsupportedModelError(name);
  }
  const prefixes = new Map<string, number>();
  for (const name of t.keys()) {
    const p = name.split('.').slice(0, 2).join('.');
    prefixes.set(p, (prefixes.get(p) ?? 0) + 1);
  }
  const summary = [...prefixes].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([p, n]) => `${p}.* (${n})`).join(', ');
  return new UnknownModelError(`${path}: no known model layout (no ${UNET_PREFIX}input_blocks.0.0.weight); ` +
    `found ${t.size} tensors: ${summary || 'none'}`);
}
