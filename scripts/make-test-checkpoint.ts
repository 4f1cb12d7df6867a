// Small random-weight Stable Diffusion checkpoints for tests: the real SD1.5 / SD2.x key names and layout
// (models.md §2, §4) at reduced widths, so detection reads their configuration from shapes and they load
// through the same code as full-size files. With `sizes: FULL_SIZES[arch]` the SD1.5 layout equals
// /work/shared/fidelity/sd15-manifest.json name for name and shape for shape.
//
//   node --import tsx scripts/make-test-checkpoint.ts OUT.safetensors|OUT.ckpt [--arch sd15|sd2|sd2-v] [--dtype F16|F32]
//     [--seed N] [--full | --tiny]      (the format follows the extension)
import { pathToFileURL } from 'node:url';
import { fromFloat32, shapeSize } from '../src/inference/files/dtype.ts';
import { writeSafetensors } from '../src/inference/files/safetensors-writer.ts';
import { writeTorchFile, type TorchDict } from '../src/inference/files/torch-writer.ts';

export type TestArch = 'sd15' | 'sd2' | 'sd2-v';

export interface CheckpointSizes {
  /** UNet model_channels; a multiple of 32 (GroupNorm(32) on every level). */
  modelChannels: number;
  /** Text encoder width, also the UNet's context_dim. */
  clipWidth: number;
  clipLayers: number;
  /** VAE base channels (`ch`); a multiple of 32. */
  vaeChannels: number;
  /** Per-level multipliers (4 levels, as the real layout); [1, 2, 4, 4] unless a smaller file is wanted. */
  unetChannelMult?: number[];
  vaeChannelMult?: number[];
}

export const FULL_SIZES: Record<TestArch, CheckpointSizes> = {
  sd15: { modelChannels: 320, clipWidth: 768, clipLayers: 12, vaeChannels: 128 },
  sd2: { modelChannels: 320, clipWidth: 1024, clipLayers: 24, vaeChannels: 128 },
  'sd2-v': { modelChannels: 320, clipWidth: 1024, clipLayers: 24, vaeChannels: 128 },
};

/** The test default: the smallest widths GroupNorm(32) allows, 2 text layers, real vocab and 77 positions. */
export const TEST_SIZES: CheckpointSizes = { modelChannels: 32, clipWidth: 64, clipLayers: 2, vaeChannels: 32 };

/** Smaller still (about 4× less UNet/VAE): the same names and block structure, flatter channel multipliers. */
export const TINY_SIZES: CheckpointSizes = { ...TEST_SIZES, unetChannelMult: [1, 1, 2, 2], vaeChannelMult: [1, 1, 2, 2] };

export const CLIP_VOCAB = 49408;
export const CLIP_POSITIONS = 77;
const REAL_CHANNEL_MULT = [1, 2, 4, 4];
const NUM_RES_BLOCKS = 2;
/** Input levels with a SpatialTransformer after each ResBlock (SD1/SD2: all but the last). */
const ATTENTION_LEVELS = [true, true, true, false];

export interface TensorSpec {
  name: string;
  shape: number[];
  /** Integer tensors (CLIP position_ids) are I64 whatever the float dtype. */
  integer?: boolean;
}

/** Every tensor of a single-file checkpoint of `arch`, sorted by name as ComfyUI saves them. */
export function checkpointLayout(arch: TestArch, sizes: CheckpointSizes = TEST_SIZES): TensorSpec[] {
  const out: TensorSpec[] = [];
  const add = (name: string, shape: number[], integer = false) => out.push({ name, shape, ...(integer ? { integer } : {}) });
  const sd2 = arch !== 'sd15';
  unetLayout((n, s) => add(`model.diffusion_model.${n}`, s), sizes.modelChannels, sizes.unetChannelMult ?? REAL_CHANNEL_MULT, sizes.clipWidth, sd2);
  vaeLayout((n, s) => add(`first_stage_model.${n}`, s), sizes.vaeChannels, sizes.vaeChannelMult ?? REAL_CHANNEL_MULT);
  if (sd2) openClipLayout((n, s) => add(`cond_stage_model.model.${n}`, s), sizes.clipWidth, sizes.clipLayers);
  else hfClipLayout((n, s, i) => add(`cond_stage_model.transformer.text_model.${n}`, s, i), sizes.clipWidth, sizes.clipLayers);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

type Add = (name: string, shape: number[], integer?: boolean) => void;

const linear = (add: Add, name: string, out: number, inp: number, bias = true) => {
  add(`${name}.weight`, [out, inp]);
  if (bias) add(`${name}.bias`, [out]);
};
const conv = (add: Add, name: string, out: number, inp: number, k: number) => {
  add(`${name}.weight`, [out, inp, k, k]);
  add(`${name}.bias`, [out]);
};
const norm = (add: Add, name: string, ch: number) => {
  add(`${name}.weight`, [ch]);
  add(`${name}.bias`, [ch]);
};

function unetLayout(add: Add, mc: number, channelMult: number[], contextDim: number, useLinear: boolean): void {
  const embDim = 4 * mc;
  const resBlock = (p: string, inCh: number, outCh: number) => {
    norm(add, `${p}.in_layers.0`, inCh); // in_layers.1 is SiLU
    conv(add, `${p}.in_layers.2`, outCh, inCh, 3);
    linear(add, `${p}.emb_layers.1`, outCh, embDim); // emb_layers.0 is SiLU
    norm(add, `${p}.out_layers.0`, outCh); // out_layers.1 SiLU, .2 dropout
    conv(add, `${p}.out_layers.3`, outCh, outCh, 3);
    if (inCh !== outCh) conv(add, `${p}.skip_connection`, outCh, inCh, 1);
  };
  const transformer = (p: string, ch: number) => {
    norm(add, `${p}.norm`, ch);
    if (useLinear) linear(add, `${p}.proj_in`, ch, ch);
    else conv(add, `${p}.proj_in`, ch, ch, 1);
    const b = `${p}.transformer_blocks.0`;
    for (const attn of ['attn1', 'attn2']) {
      const kv = attn === 'attn1' ? ch : contextDim;
      linear(add, `${b}.${attn}.to_q`, ch, ch, false);
      linear(add, `${b}.${attn}.to_k`, ch, kv, false);
      linear(add, `${b}.${attn}.to_v`, ch, kv, false);
      linear(add, `${b}.${attn}.to_out.0`, ch, ch);
    }
    linear(add, `${b}.ff.net.0.proj`, ch * 8, ch); // GEGLU: two halves of 4·ch
    linear(add, `${b}.ff.net.2`, ch, ch * 4);
    for (const n of ['norm1', 'norm2', 'norm3']) norm(add, `${b}.${n}`, ch);
    if (useLinear) linear(add, `${p}.proj_out`, ch, ch);
    else conv(add, `${p}.proj_out`, ch, ch, 1);
  };

  linear(add, 'time_embed.0', embDim, mc); // time_embed.1 is SiLU
  linear(add, 'time_embed.2', embDim, embDim);
  conv(add, 'input_blocks.0.0', mc, 4, 3);
  const skips = [mc];
  let ch = mc;
  let i = 1;
  channelMult.forEach((mult, level) => {
    for (let r = 0; r < NUM_RES_BLOCKS; r++, i++) {
      resBlock(`input_blocks.${i}.0`, ch, mult * mc);
      ch = mult * mc;
      if (ATTENTION_LEVELS[level]) transformer(`input_blocks.${i}.1`, ch);
      skips.push(ch);
    }
    if (level < channelMult.length - 1) {
      conv(add, `input_blocks.${i++}.0.op`, ch, ch, 3);
      skips.push(ch);
    }
  });
  resBlock('middle_block.0', ch, ch);
  transformer('middle_block.1', ch);
  resBlock('middle_block.2', ch, ch);
  let o = 0;
  for (let level = channelMult.length - 1; level >= 0; level--) {
    for (let r = 0; r <= NUM_RES_BLOCKS; r++, o++) {
      const outCh = channelMult[level]! * mc;
      resBlock(`output_blocks.${o}.0`, ch + skips.pop()!, outCh);
      ch = outCh;
      let next = 1;
      if (ATTENTION_LEVELS[level]) transformer(`output_blocks.${o}.${next++}`, ch);
      if (level > 0 && r === NUM_RES_BLOCKS) conv(add, `output_blocks.${o}.${next}.conv`, ch, ch, 3);
    }
  }
  norm(add, 'out.0', mc); // out.1 is SiLU
  conv(add, 'out.2', 4, mc, 3);
}

function vaeLayout(add: Add, base: number, mults: number[]): void {
  const resnet = (p: string, inCh: number, outCh: number) => {
    norm(add, `${p}.norm1`, inCh);
    conv(add, `${p}.conv1`, outCh, inCh, 3);
    norm(add, `${p}.norm2`, outCh);
    conv(add, `${p}.conv2`, outCh, outCh, 3);
    if (inCh !== outCh) conv(add, `${p}.nin_shortcut`, outCh, inCh, 1);
  };
  const mid = (p: string, ch: number) => {
    resnet(`${p}.mid.block_1`, ch, ch);
    norm(add, `${p}.mid.attn_1.norm`, ch);
    for (const n of ['q', 'k', 'v', 'proj_out']) conv(add, `${p}.mid.attn_1.${n}`, ch, ch, 1);
    resnet(`${p}.mid.block_2`, ch, ch);
  };
  const top = base * mults[mults.length - 1]!;
  conv(add, 'encoder.conv_in', base, 3, 3);
  let ch = base;
  mults.forEach((m, level) => {
    for (let b = 0; b < NUM_RES_BLOCKS; b++) {
      resnet(`encoder.down.${level}.block.${b}`, ch, base * m);
      ch = base * m;
    }
    if (level < mults.length - 1) conv(add, `encoder.down.${level}.downsample.conv`, ch, ch, 3);
  });
  mid('encoder', top);
  norm(add, 'encoder.norm_out', top);
  conv(add, 'encoder.conv_out', 8, top, 3); // double_z: mean and log-variance of 4 channels
  conv(add, 'quant_conv', 8, 8, 1);
  conv(add, 'post_quant_conv', 4, 4, 1);
  conv(add, 'decoder.conv_in', top, 4, 3);
  mid('decoder', top);
  ch = top;
  for (let level = mults.length - 1; level >= 0; level--) {
    for (let b = 0; b <= NUM_RES_BLOCKS; b++) {
      resnet(`decoder.up.${level}.block.${b}`, ch, base * mults[level]!);
      ch = base * mults[level]!;
    }
    if (level > 0) conv(add, `decoder.up.${level}.upsample.conv`, ch, ch, 3);
  }
  norm(add, 'decoder.norm_out', base);
  conv(add, 'decoder.conv_out', 3, base, 3);
}

function hfClipLayout(add: Add, width: number, layers: number): void {
  add('embeddings.position_embedding.weight', [CLIP_POSITIONS, width]);
  add('embeddings.position_ids', [1, CLIP_POSITIONS], true);
  add('embeddings.token_embedding.weight', [CLIP_VOCAB, width]);
  for (let l = 0; l < layers; l++) {
    const p = `encoder.layers.${l}`;
    norm(add, `${p}.layer_norm1`, width);
    norm(add, `${p}.layer_norm2`, width);
    linear(add, `${p}.mlp.fc1`, 4 * width, width);
    linear(add, `${p}.mlp.fc2`, width, 4 * width);
    for (const n of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) linear(add, `${p}.self_attn.${n}`, width, width);
  }
  norm(add, 'final_layer_norm', width);
}

function openClipLayout(add: Add, width: number, layers: number): void {
  add('positional_embedding', [CLIP_POSITIONS, width]);
  add('token_embedding.weight', [CLIP_VOCAB, width]);
  for (let l = 0; l < layers; l++) {
    const p = `transformer.resblocks.${l}`;
    norm(add, `${p}.ln_1`, width);
    add(`${p}.attn.in_proj_weight`, [3 * width, width]);
    add(`${p}.attn.in_proj_bias`, [3 * width]);
    linear(add, `${p}.attn.out_proj`, width, width);
    norm(add, `${p}.ln_2`, width);
    linear(add, `${p}.mlp.c_fc`, 4 * width, width);
    linear(add, `${p}.mlp.c_proj`, width, 4 * width);
  }
  norm(add, 'ln_final', width);
  add('text_projection', [width, width]);
  add('logit_scale', []);
}

/** Deterministic 32-bit generator (mulberry32); the files only need to be reproducible, not numpy's. */
function makeRng(seed: number): { uniform(): number; normal(): number } {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { uniform: next, normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()) };
}

/** v-prediction marker (models.md §3.4): std of this bias above 0.09 means v. */
export const VPRED_MARKER = 'model.diffusion_model.output_blocks.11.1.transformer_blocks.0.norm1.bias';

/** Values by the fidelity generator's rules: uniform ±1/√fan_in, norms 1/0, embeddings N(0,1). */
function initialValues(spec: TensorSpec, byName: Map<string, TensorSpec>, arch: TestArch, rng: ReturnType<typeof makeRng>): Float64Array {
  const n = shapeSize(spec.shape);
  const out = new Float64Array(n);
  const leaf = spec.name.slice(spec.name.lastIndexOf('.') + 1);
  const stem = spec.name.slice(0, spec.name.lastIndexOf('.'));
  const uniform = (fanIn: number) => {
    const b = 1 / Math.sqrt(fanIn);
    for (let i = 0; i < n; i++) out[i] = (2 * rng.uniform() - 1) * b;
  };
  const fanIn = (shape: number[]) => shapeSize(shape.slice(1));
  if (spec.integer) for (let i = 0; i < n; i++) out[i] = i % spec.shape[spec.shape.length - 1]!;
  else if (spec.name.endsWith('_embedding.weight') || leaf === 'positional_embedding') for (let i = 0; i < n; i++) out[i] = rng.normal();
  else if (leaf === 'in_proj_weight' || leaf === 'in_proj_bias') uniform(spec.shape[spec.shape.length - 1]! / (leaf === 'in_proj_bias' ? 3 : 1) || 1);
  else if (leaf === 'text_projection') uniform(spec.shape[0]!);
  else if (leaf === 'logit_scale') out.fill(Math.log(100));
  else if (spec.name === VPRED_MARKER && arch === 'sd2-v') for (let i = 0; i < n; i++) out[i] = 0.2 * rng.normal();
  else if (leaf === 'weight' && spec.shape.length >= 2) uniform(fanIn(spec.shape));
  else if (leaf === 'weight') out.fill(1);
  else if (leaf === 'bias') {
    const w = byName.get(`${stem}.weight`);
    if (w && w.shape.length >= 2) uniform(fanIn(w.shape));
  } else throw new Error(`no initialisation rule for ${spec.name}`);
  return out;
}

export interface TestCheckpointOptions {
  arch: TestArch;
  dtype?: 'F32' | 'F16';
  seed?: number;
  sizes?: CheckpointSizes;
  /** `ckpt`: a torch zip with the weights under "state_dict", as the original SD releases ship. */
  format?: 'safetensors' | 'ckpt';
}

/** Writes a random-weight checkpoint; returns the tensor layout that was written. */
export async function writeTestCheckpoint(path: string, options: TestCheckpointOptions): Promise<TensorSpec[]> {
  const { arch, dtype = 'F16', seed = 0, sizes = TEST_SIZES, format = 'safetensors' } = options;
  const layout = checkpointLayout(arch, sizes);
  const byName = new Map(layout.map((t) => [t.name, t]));
  const rng = makeRng(seed);
  const tensors = layout.map((spec) => ({
    name: spec.name,
    dtype: spec.integer ? ('I64' as const) : dtype,
    shape: spec.shape,
    data: () => {
      const values = initialValues(spec, byName, arch, rng);
      return spec.integer ? new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer) : fromFloat32(values, dtype);
    },
  }));
  if (format === 'ckpt') {
    const stateDict: TorchDict = {};
    for (const t of tensors) stateDict[t.name] = { dtype: t.dtype, shape: t.shape, data: t.data() };
    await writeTorchFile(path, { global_step: 0, state_dict: stateDict });
  } else {
    await writeSafetensors(path, tensors, { format: 'pt', generator: 'make-test-checkpoint.ts', arch, seed: String(seed) });
  }
  return layout;
}

async function main(argv: string[]): Promise<void> {
  const out = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const arch = (flag('arch') ?? 'sd15') as TestArch;
  if (!out || !(arch in FULL_SIZES)) {
    console.error('usage: make-test-checkpoint.ts OUT.safetensors [--arch sd15|sd2|sd2-v] [--dtype F16|F32] [--seed N] [--full | --tiny]');
    process.exit(2);
  }
  const dtype = (flag('dtype') ?? 'F16') as 'F16' | 'F32';
  const layout = await writeTestCheckpoint(out, {
    arch, dtype, seed: Number(flag('seed') ?? 0), format: /\.(ckpt|pt|pth)$/.test(out) ? 'ckpt' : 'safetensors', sizes: argv.includes('--full') ? FULL_SIZES[arch] : argv.includes('--tiny') ? TINY_SIZES : TEST_SIZES,
  });
  console.log(`wrote ${out}: ${arch}, ${layout.length} tensors`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
