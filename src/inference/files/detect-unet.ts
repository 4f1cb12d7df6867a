// UNet configuration read from tensor names and shapes, as ComfyUI's `model_detection.py` does (models.md §3.2).
// Works at any width, so reduced test checkpoints detect through the same path as real ones.
import { countIndexed, type TensorMap } from './key-views.ts';

export interface UnetConfig {
  in_channels: number;
  out_channels: number;
  model_channels: number;
  channel_mult: number[];
  /** Res blocks per level. */
  num_res_blocks: number[];
  /** Transformer depth after each input ResBlock, in order (SD1/SD2: [1,1,1,1,1,1,0,0]). */
  transformer_depth: number[];
  /** Transformer depth of each output block, stored as ComfyUI does: consumed from the END (last = output block 0). */
  transformer_depth_output: number[];
  /** −1: middle block without transformer; −2: no middle block. */
  transformer_depth_middle: number;
  /** Downsampling factors (1, 2, 4, …) of the levels that have transformers: the classic LDM list. */
  attention_resolutions: number[];
  context_dim: number | null;
  use_linear_in_transformer: boolean;
  adm_in_channels: number | null;
  /** Family settings (not in the weights): SD1 num_heads 8; SD2 num_head_channels 64. −1 = unused. */
  num_heads: number;
  num_head_channels: number;
  /** Video (SVD) keys present. */
  temporal: boolean;
}

export class UnknownModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownModelError';
  }
}

const shapeOf = (t: TensorMap, name: string): number[] => {
  const ref = t.get(name);
  if (!ref) throw new UnknownModelError(`UNet tensor "${name}" is missing`);
  return ref.shape;
};

/** Transformer depth of a block `${p}` (number of `${p}.1.transformer_blocks.K.`), 0 when none. */
function depthAt(t: TensorMap, block: string): number {
  return countIndexed(t, `${block}.1.transformer_blocks.`);
}

/** Reads the structure of a UNet whose keys are scoped (no `model.diffusion_model.` prefix). */
export function detectUnetStructure(t: TensorMap): Omit<UnetConfig, 'num_heads' | 'num_head_channels'> {
  const first = shapeOf(t, 'input_blocks.0.0.weight');
  const mc = first[0]!;
  const config = {
    in_channels: first[1]!,
    out_channels: t.get('out.2.weight')?.shape[0] ?? 4,
    model_channels: mc,
    channel_mult: [] as number[],
    num_res_blocks: [] as number[],
    transformer_depth: [] as number[],
    transformer_depth_output: [] as number[],
    transformer_depth_middle: -2,
    attention_resolutions: [] as number[],
    context_dim: null as number | null,
    use_linear_in_transformer: false,
    adm_in_channels: t.get('label_emb.0.0.weight')?.shape[1] ?? null,
    temporal: [...t.keys()].some((k) => k.includes('time_stack') || k.includes('time_mix_blocks')),
  };
  const count = countIndexed(t, 'input_blocks.');
  let resBlocks = 0;
  let mult = 1;
  const closeLevel = () => {
    config.num_res_blocks.push(resBlocks);
    config.channel_mult.push(mult);
  };
  // Input block i is read together with its mirror, output block count−1−i (block 0's mirror included).
  for (let i = 0; i < count; i++) {
    const block = `input_blocks.${i}`;
    const mirror = `output_blocks.${count - 1 - i}`;
    if (t.has(`${block}.0.op.weight`)) {
      closeLevel();
      config.transformer_depth_output.push(depthAt(t, mirror));
      resBlocks = 0;
      continue;
    }
    if (t.has(`${block}.0.in_layers.0.weight`)) {
      resBlocks++;
      mult = shapeOf(t, `${block}.0.out_layers.3.weight`)[0]! / mc;
      const depth = depthAt(t, block);
      config.transformer_depth.push(depth);
      if (depth > 0 && config.context_dim === null) {
        config.context_dim = shapeOf(t, `${block}.1.transformer_blocks.0.attn2.to_k.weight`)[1]!;
        config.use_linear_in_transformer = shapeOf(t, `${block}.1.proj_in.weight`).length === 2;
      }
    }
    if (t.has(`${mirror}.0.in_layers.0.weight`)) config.transformer_depth_output.push(depthAt(t, mirror));
  }
  closeLevel();
  if (t.has('middle_block.1.proj_in.weight')) config.transformer_depth_middle = countIndexed(t, 'middle_block.1.transformer_blocks.');
  else if (t.has('middle_block.0.in_layers.0.weight')) config.transformer_depth_middle = -1;
  let level = 0;
  let factor = 1;
  for (let l = 0; l < config.num_res_blocks.length; l++) {
    const depths = config.transformer_depth.slice(level, level + config.num_res_blocks[l]!);
    if (depths.some((d) => d > 0)) config.attention_resolutions.push(factor);
    level += config.num_res_blocks[l]!;
    factor *= 2;
  }
  return config;
}

/** Heads and head width at a transformer of `channels`, under the family's setting. */
export function attentionHeads(unet: Pick<UnetConfig, 'num_heads' | 'num_head_channels'>, channels: number): { heads: number; headDim: number } {
  // Real widths divide exactly; reduced test widths (e.g. 32 channels under SD2's head width 64) get one head.
  const heads = unet.num_heads > 0 ? unet.num_heads : Math.max(1, Math.floor(channels / unet.num_head_channels));
  if (channels % heads !== 0) throw new UnknownModelError(`${channels} channels cannot be split into ${heads} attention heads`);
  return { heads, headDim: channels / heads };
}
