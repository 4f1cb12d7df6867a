// CONDITIONING as ComfyUI passes it: a list of [cross-attention tensor, options] entries, and the
// preparation `comfy/samplers.py` does before sampling (models.md §5.6): areas in latent units, masks
// resized to the latent, start/end percent turned into σ bounds, and an opposite entry for every area
// so that CFG has something to subtract.
//
// Handled: the plain single entry (exactly), several entries (weighted average), `strength`, `area`
// (absolute or "percentage"), `mask` / `mask_strength` / `set_area_to_bounds`, `start_percent` /
// `end_percent`. Not handled (ignored with the entry still used as a plain one): ControlNet (`control`),
// GLIGEN, hooks, `default` conds, `concat_latent_image` / `concat_mask` for inpainting models.
import type { Tensor } from '../tensor.ts';
import type { ModelSampling } from './model-sampling.ts';
import { resizeBilinear } from './resize.ts';

export type ConditioningOptions = Record<string, unknown>;
export type ConditioningEntry = readonly [Tensor, ConditioningOptions];
export type Conditioning = readonly ConditioningEntry[];

/** [h, w, y, x] in latent units. */
export type Area = readonly [number, number, number, number];

/** One entry ready for sampling. */
export interface PreparedCond {
  context: Tensor;
  options: ConditioningOptions;
  strength: number;
  area?: Area;
  /** [Bm, H, W] at latent resolution, already multiplied by nothing (mask_strength applies later). */
  mask?: { data: Float32Array; batch: number };
  maskStrength: number;
  /** Used only while timestepEnd ≤ σ ≤ timestepStart. */
  timestepStart?: number;
  timestepEnd?: number;
}

function asArea(value: unknown, h: number, w: number): Area | undefined {
  if (!Array.isArray(value)) return undefined;
  if (value[0] === 'percentage') {
    const [, ph, pw, py, px] = value as [string, number, number, number, number];
    return [Math.max(1, roundHalfEven(ph * h)), Math.max(1, roundHalfEven(pw * w)), roundHalfEven(py * h), roundHalfEven(px * w)];
  }
  return value.slice(0, 4).map(Number) as unknown as Area;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function maskBounds(mask: Float32Array, batch: number, h: number, w: number): Area {
  let minX = w;
  let minY = h;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let any = false;
      for (let b = 0; b < batch && !any; b++) any = mask[(b * h + y) * w + x] !== 0;
      if (!any) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  if (maxX < 0) return [8, 8, 0, 0];
  return [Math.max(8, maxY - minY + 1), Math.max(8, maxX - minX + 1), minY, minX];
}

/** `resolve_areas_and_cond_masks_multidim` + `calculate_start_end_timesteps` for one list. */
export function prepareConds(conds: Conditioning, latentH: number, latentW: number, ms: ModelSampling): PreparedCond[] {
  return conds.map(([context, options]) => {
    const prepared: PreparedCond = {
      context,
      options,
      strength: typeof options.strength === 'number' ? options.strength : 1,
      maskStrength: typeof options.mask_strength === 'number' ? options.mask_strength : 1,
      area: asArea(options.area, latentH, latentW),
    };
    const mask = options.mask as Tensor | undefined;
    if (mask && typeof mask === 'object' && 'data' in mask) {
      const mh = mask.shape[mask.shape.length - 2]!;
      const mw = mask.shape[mask.shape.length - 1]!;
      const batch = mask.data.length / (mh * mw);
      const data = resizeBilinear(mask.data, batch, mh, mw, latentH, latentW);
      prepared.mask = { data, batch };
      if (options.set_area_to_bounds) prepared.area = maskBounds(data, batch, latentH, latentW);
    }
    const start = options.start_percent;
    const end = options.end_percent;
    if (typeof start === 'number') prepared.timestepStart = ms.percentToSigma(start);
    if (typeof end === 'number') prepared.timestepEnd = ms.percentToSigma(end);
    return prepared;
  });
}

function areaInside(a: Area, outer: Area): boolean {
  return a[2] >= outer[2] && a[3] >= outer[3] && a[0] + a[2] <= outer[0] + outer[2] && a[1] + a[3] <= outer[1] + outer[3];
}

/**
 * `create_cond_with_same_area_if_none`: for an area entry of one list, give the other list an entry with
 * the same area, taking the cross-attention of its smallest enclosing entry (or of an area-less one).
 */
export function addOppositeAreas(conds: PreparedCond[], other: readonly PreparedCond[]): void {
  for (const c of other) {
    if (!c.area) continue;
    let smallest: PreparedCond | undefined;
    for (const x of conds) {
      if (x.area) {
        if (!areaInside(c.area, x.area)) continue;
        if (!smallest || !smallest.area || smallest.area[0] * smallest.area[1] > x.area[0] * x.area[1]) smallest = x;
      } else if (!smallest) {
        smallest = x;
      }
    }
    if (!smallest) continue;
    if (smallest.area && smallest.area.every((v, i) => v === c.area![i])) continue;
    conds.push({ ...c, context: smallest.context, options: { ...c.options, ...pickModelConds(smallest.options) } });
  }
}

/** The options that become model inputs (ComfyUI copies `model_conds` from the enclosing entry). */
function pickModelConds(options: ConditioningOptions): ConditioningOptions {
  const out: ConditioningOptions = {};
  for (const key of ['pooled_output', 'width', 'height', 'crop_w', 'crop_h', 'target_width', 'target_height']) {
    if (key in options) out[key] = options[key];
  }
  return out;
}
