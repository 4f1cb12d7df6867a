// The denoiser D(x, σ) that samplers call: every conditioning entry evaluated by the network (cond and
// uncond batched into one call when their shapes allow, as `calc_cond_batch` does), the entries of each
// list averaged by their weights, then classifier-free guidance (`cfg_function`). models.md §5.6, §6.3–6.4.
// Not supported: model patches that replace or post-process CFG (sampler_cfg_function,
// sampler_post_cfg_function other than CFG++'s recording of the unconditional prediction), ControlNet,
// GLIGEN, hooks, and memory-based splitting (every compatible entry goes into one call unless
// `maxChunksPerCall` says otherwise).
import { Tensor } from '../tensor.ts';
import type { LatentFormat } from './latent-format.ts';
import type { ModelSampling } from './model-sampling.ts';
import { addOppositeAreas, prepareConds, type Area, type Conditioning, type ConditioningOptions, type PreparedCond } from './conditioning.ts';
import type { Denoiser } from './samplers/common.ts';

const f = Math.fround;

/** What the network receives besides x and t, for one model call. */
export interface ModelCond {
  /** Cross-attention context for the whole batch, [N, tokens, dim] (entries padded by repetition). */
  context: Tensor;
  /** The options of each chunk in batch order (pooled_output, sizes…); each chunk covers `chunkBatch` items. */
  chunks: readonly ConditioningOptions[];
  chunkBatch: number;
  /** The full latent's shape, for defaults such as SDXL's width/height (latent size × 8). */
  latentShape: readonly number[];
}

/** The diffusion network behind the denoiser (e.g. an ONNX UNet session). */
export interface DiffusionModel {
  readonly modelSampling: ModelSampling;
  readonly latentFormat: LatentFormat;
  /** Raw network output for `xIn` = c_in·x of shape `shape` ([N, C, H, W]) at the given UNet timesteps. */
  apply(xIn: Float32Array, timestep: number[], cond: ModelCond, shape: readonly number[]): Promise<Float32Array>;
}

export interface CfgDenoiserOptions {
  model: DiffusionModel;
  positive: Conditioning;
  negative: Conditioning;
  cfg: number;
  /** The latent's shape [B, C, H, W] (model space). */
  shape: readonly number[];
  /** Evaluate the negative prompt even at cfg 1 (CFG++ samplers need it). */
  disableCfg1Optimization?: boolean;
  /** At most this many conditioning chunks per network call (ComfyUI decides from free memory). */
  maxChunksPerCall?: number;
}

export interface CfgDenoiser {
  denoise: Denoiser;
  /** The unconditional prediction of the last call (null when it was skipped). */
  lastUncond(): Float32Array | null;
}

interface RunItem {
  cond: PreparedCond;
  /** 0 = positive (cond), 1 = negative (uncond). */
  which: number;
  area: Area;
  input: Float32Array;
  mult: Float32Array;
}

export function isCfgOne(cfg: number): boolean {
  return Math.abs(cfg - 1) <= 1e-9 * Math.max(1, Math.abs(cfg));
}

export function createCfgDenoiser(options: CfgDenoiserOptions): CfgDenoiser {
  const { model, cfg, shape } = options;
  const ms = model.modelSampling;
  const [height, width] = [shape[2]!, shape[3]!];
  const positive = prepareConds(options.positive, height, width, ms);
  const negative = prepareConds(options.negative, height, width, ms);
  addOppositeAreas(negative, positive);
  addOppositeAreas(positive, negative);
  const skipUncond = isCfgOne(cfg) && !options.disableCfg1Optimization;
  let lastUncond: Float32Array | null = null;

  const denoise: Denoiser = async (x, sigma, current = shape) => {
    const lists = skipUncond ? [positive] : [positive, negative];
    if (current !== shape && [...positive, ...negative].some((cond) => cond.mask)) {
      throw new Error('conditioning with a mask cannot follow a latent that changes size while sampling');
    }
    const items: RunItem[] = [];
    lists.forEach((list, which) => {
      for (const cond of list) {
        const item = areaAndMult(cond, which, x, sigma, current);
        if (item) items.push(item);
      }
    });
    const out = [new Float32Array(x.length), new Float32Array(x.length)];
    const counts = [new Float32Array(x.length).fill(1e-37), new Float32Array(x.length).fill(1e-37)];
    while (items.length > 0) {
      const first = items[0]!;
      let group = items.map((_, index) => index).filter((index) => canConcat(items[index]!, first));
      group.reverse(); // ComfyUI batches the later entries first: [uncond, cond]
      if (options.maxChunksPerCall) group = group.slice(0, options.maxChunksPerCall);
      const chunk = group.map((index) => items[index]!);
      for (const index of [...group].sort((a, b) => b - a)) items.splice(index, 1);
      const outputs = await runChunks(model, chunk, sigma, current);
      chunk.forEach((it, k) => accumulate(out[it.which]!, counts[it.which]!, outputs[k]!, it, current));
    }
    for (let w = 0; w < 2; w++) for (let i = 0; i < x.length; i++) out[w]![i] = out[w]![i]! / counts[w]![i]!;
    const [condPred, uncondPred] = out as [Float32Array, Float32Array];
    lastUncond = skipUncond ? null : uncondPred;
    const scale = f(cfg);
    const result = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) result[i] = uncondPred[i]! + f(f(condPred[i]! - uncondPred[i]!) * scale);
    return result;
  };
  return { denoise, lastUncond: () => lastUncond };
}

/** `get_area_and_mult`: the input crop and per-pixel weight of one entry, or null outside its σ range. */
function areaAndMult(cond: PreparedCond, which: number, x: Float32Array, sigma: number, shape: readonly number[]): RunItem | null {
  if (cond.timestepStart !== undefined && sigma > cond.timestepStart) return null;
  if (cond.timestepEnd !== undefined && sigma < cond.timestepEnd) return null;
  const [batch, channels, height, width] = shape as [number, number, number, number];
  let area: Area = [height, width, 0, 0];
  if (cond.area) {
    const [ah, aw, ay, ax] = cond.area;
    area = [Math.min(height - ay, ah), Math.min(width - ax, aw), ay, ax];
  }
  const [ah, aw, ay, ax] = area;
  const input = crop(x, batch, channels, height, width, area);
  const mult = new Float32Array(input.length);
  const strength = f(cond.strength);
  if (cond.mask) {
    const { data, batch: mb } = cond.mask;
    const used = Math.min(mb, batch);
    const ms = f(cond.maskStrength);
    for (let b = 0; b < batch; b++) {
      const mBatch = b % used;
      for (let c = 0; c < channels; c++) {
        for (let y = 0; y < ah; y++) {
          for (let xx = 0; xx < aw; xx++) {
            const m = f(data[(mBatch * height + ay + y) * width + ax + xx]! * ms);
            mult[((b * channels + c) * ah + y) * aw + xx] = m * strength;
          }
        }
      }
    }
  } else {
    mult.fill(strength);
    if (cond.area) feather(mult, batch * channels, area, height, width);
  }
  return { cond, which, area, input, mult };
}

/** Without a mask, an area's weight ramps up over up to 8 latent pixels at its inner edges. */
function feather(mult: Float32Array, planes: number, area: Area, height: number, width: number): void {
  const [ah, aw, ay, ax] = area;
  const rrY = Math.min(8, Math.floor(ah / 4));
  const rrX = Math.min(8, Math.floor(aw / 4));
  const scaleRows = (row: number, k: number) => {
    for (let p = 0; p < planes; p++) for (let xx = 0; xx < aw; xx++) mult[(p * ah + row) * aw + xx] = f(mult[(p * ah + row) * aw + xx]! * k);
  };
  const scaleCols = (col: number, k: number) => {
    for (let p = 0; p < planes; p++) for (let y = 0; y < ah; y++) mult[(p * ah + y) * aw + col] = f(mult[(p * ah + y) * aw + col]! * k);
  };
  const ramp = (rr: number, t: number) => f((1 / rr) * (t + 1));
  if (ay !== 0) for (let t = 0; t < rrY; t++) scaleRows(t, ramp(rrY, t));
  if (ah + ay < height) for (let t = 0; t < rrY; t++) scaleRows(ah - 1 - t, ramp(rrY, t));
  if (ax !== 0) for (let t = 0; t < rrX; t++) scaleCols(t, ramp(rrX, t));
  if (aw + ax < width) for (let t = 0; t < rrX; t++) scaleCols(aw - 1 - t, ramp(rrX, t));
}

function crop(x: Float32Array, batch: number, channels: number, height: number, width: number, area: Area): Float32Array {
  const [ah, aw, ay, ax] = area;
  if (ah === height && aw === width) return x;
  const out = new Float32Array(batch * channels * ah * aw);
  for (let p = 0; p < batch * channels; p++) {
    for (let y = 0; y < ah; y++) out.set(x.subarray((p * height + ay + y) * width + ax, (p * height + ay + y) * width + ax + aw), (p * ah + y) * aw);
  }
  return out;
}

function canConcat(a: RunItem, b: RunItem): boolean {
  if (a.area[0] !== b.area[0] || a.area[1] !== b.area[1]) return false;
  const ca = a.cond.context.shape;
  const cb = b.cond.context.shape;
  if (ca[0] !== cb[0] || ca[2] !== cb[2]) return false;
  if (ca[1] !== cb[1] && lcm(ca[1]!, cb[1]!) / Math.min(ca[1]!, cb[1]!) > 4) return false;
  return samePooledShape(a.cond.options, b.cond.options);
}

function samePooledShape(a: ConditioningOptions, b: ConditioningOptions): boolean {
  const pa = a.pooled_output as Tensor | undefined;
  const pb = b.pooled_output as Tensor | undefined;
  if (!pa || !pb) return !pa === !pb;
  return pa.shape.join(',') === pb.shape.join(',');
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number) => (a / gcd(a, b)) * b;

/** One network call for a group of entries of equal input shape: input scaling, UNet, denoised. */
async function runChunks(model: DiffusionModel, chunk: RunItem[], sigma: number, shape: readonly number[]): Promise<Float32Array[]> {
  const ms = model.modelSampling;
  const [batch, channels] = shape as [number, number];
  const [ah, aw] = chunk[0]!.area;
  const itemSize = batch * channels * ah * aw;
  const input = new Float32Array(itemSize * chunk.length);
  chunk.forEach((it, k) => input.set(it.input, k * itemSize));
  const xIn = ms.calculateInput(sigma, input);
  const timestep = ms.timestep(sigma);
  const cond: ModelCond = {
    context: batchedContext(chunk.map((it) => it.cond.context), batch),
    chunks: chunk.map((it) => it.cond.options),
    chunkBatch: batch,
    latentShape: shape,
  };
  const callShape = [batch * chunk.length, channels, ah, aw];
  const output = await model.apply(xIn, new Array<number>(batch * chunk.length).fill(timestep), cond, callShape);
  const denoised = ms.calculateDenoised(sigma, output, input, new Float32Array(output.length));
  return chunk.map((_, k) => denoised.subarray(k * itemSize, (k + 1) * itemSize));
}

/** Each entry's context fitted to the latent batch (`repeat_to_batch_size`), tokens padded by repetition. */
function batchedContext(contexts: readonly Tensor[], batch: number): Tensor {
  const tokens = contexts.reduce((m, c) => lcm(m, c.shape[1]!), contexts[0]!.shape[1]!);
  const dim = contexts[0]!.shape[2]!;
  const out = new Tensor([contexts.length * batch, tokens, dim]);
  let at = 0;
  for (const c of contexts) {
    const [n, t] = c.shape as [number, number];
    for (let b = 0; b < batch; b++) {
      const src = c.data.subarray((b % n) * t * dim, ((b % n) + 1) * t * dim);
      for (let r = 0; r < tokens / t; r++) out.data.set(src, at + r * t * dim);
      at += tokens * dim;
    }
  }
  return out;
}

function accumulate(out: Float32Array, count: Float32Array, pred: Float32Array, it: RunItem, shape: readonly number[]): void {
  const [batch, channels, height, width] = shape as [number, number, number, number];
  const [ah, aw, ay, ax] = it.area;
  for (let p = 0; p < batch * channels; p++) {
    for (let y = 0; y < ah; y++) {
      for (let xx = 0; xx < aw; xx++) {
        const src = (p * ah + y) * aw + xx;
        const dst = (p * height + ay + y) * width + ax + xx;
        out[dst] = out[dst]! + f(pred[src]! * it.mult[src]!);
        count[dst] = count[dst]! + it.mult[src]!;
      }
    }
  }
}
