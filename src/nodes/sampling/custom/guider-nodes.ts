// GUIDER values and their nodes (comfy_extras/nodes_custom_sampler.py): the denoiser D(x, σ) a sampler calls.
// BasicGuider uses one conditioning (cfg 1, no negative), CFGGuider is KSampler's classifier-free guidance,
// DualCFGGuider mixes two positive conditionings and a negative with two scales.
import { diffusionModelOf, type SdModel } from '../../../inference/models/sd-models.ts';
import { createCfgDenoiser, isCfgOne, type CfgDenoiser } from '../../../inference/sampling/cfg.ts';
import type { Conditioning, Denoiser } from '../../../inference/sampling/index.ts';
import type { NodeDefinition } from '../../node-definition.ts';
import { requireChoice, requireNumber } from '../../utils/node-args.ts';
import { v3Combo, v3Float, v3Socket } from '../../utils/v3-io.ts';
import { requireConditioning, setValues } from '../../conditioning/conditioning-args.ts';
import { requireModel } from '../ksampler.ts';

const f = Math.fround;

export interface GuiderObject {
  readonly kind: 'guider';
  readonly model: SdModel;
  /** D(x, σ) for a model-space latent of `shape`; CFG++ samplers need the unconditional prediction kept. */
  denoiser(shape: readonly number[], needsUncond: boolean): CfgDenoiser;
  toString(): string;
}

export function requireGuider(name: string, value: unknown): GuiderObject {
  if ((value as GuiderObject | null)?.kind !== 'guider') throw new Error(`${name} must be a GUIDER (from BasicGuider, CFGGuider or DualCFGGuider)`);
  return value as GuiderObject;
}

/** comfy.samplers.CFGGuider: positive and negative under scale `cfg` (BasicGuider: no negative, cfg 1). */
export function cfgGuider(model: SdModel, positive: Conditioning, negative: Conditioning, cfg: number): GuiderObject {
  return {
    kind: 'guider',
    model,
    denoiser: (shape, needsUncond) =>
      createCfgDenoiser({ model: diffusionModelOf(model), positive, negative, cfg, shape, disableCfg1Optimization: needsUncond }),
    toString: () => `<GUIDER cfg ${cfg}>`,
  };
}

/** Entries whose area makes ComfyUI add same-area entries to the other lists (create_cond_with_same_area_if_none). */
function hasArea(conditioning: Conditioning): boolean {
  return conditioning.some(([, o]) => o.area !== undefined || (o.mask !== undefined && o.set_area_to_bounds === true));
}

/**
 * Guider_DualCFG. Each list is evaluated on its own (ComfyUI batches them; the predictions are the same),
 * then combined: regular = cfg(cond2 vs negative, cfg2) + (cond1 − cond2)·cfg1, nested = negative +
 * cfg2·(cfg(cond1 vs cond2, cfg1) − negative).
 */
export function dualCfgGuider(model: SdModel, cond1: Conditioning, cond2: Conditioning, negative: Conditioning, cfg1: number, cfg2: number, nested: boolean): GuiderObject {
  if (hasArea(cond1) || hasArea(cond2) || hasArea(negative)) {
    throw new Error('DualCFGGuider with area conditioning is not implemented in comfy-ts yet');
  }
  const middle = setValues(cond2, { prompt_type: 'negative' });
  const denoiser = (shape: readonly number[], needsUncond: boolean): CfgDenoiser => {
    const single = (c: Conditioning): Denoiser => createCfgDenoiser({ model: diffusionModelOf(model), positive: c, negative: [], cfg: 1, shape }).denoise;
    const [positiveOf, middleOf, negativeOf] = [single(cond1), single(middle), single(negative)];
    // Regular style skips the negative at cfg2 = 1, and the middle too when cfg1 = 1 (cfg1 optimisation).
    const skipNegative = !nested && !needsUncond && isCfgOne(cfg2);
    const skipMiddle = skipNegative && isCfgOne(cfg1);
    let lastUncond: Float32Array | null = null;
    const denoise: Denoiser = async (x, sigma, current) => {
      const zeros = () => new Float32Array(x.length);
      const n = skipNegative ? zeros() : await negativeOf(x, sigma, current);
      const m = skipMiddle ? zeros() : await middleOf(x, sigma, current);
      const p = await positiveOf(x, sigma, current);
      const out = new Float32Array(x.length);
      if (nested) {
        for (let i = 0; i < out.length; i++) {
          const text = f(m[i]! + f(f(p[i]! - m[i]!) * f(cfg1)));
          out[i] = n[i]! + f(f(cfg2) * f(text - n[i]!));
        }
      } else {
        for (let i = 0; i < out.length; i++) out[i] = f(n[i]! + f(f(m[i]! - n[i]!) * f(cfg2))) + f(f(p[i]! - m[i]!) * f(cfg1));
      }
      lastUncond = nested ? m : n;
      return out;
    };
    return { denoise, lastUncond: () => lastUncond };
  };
  return { kind: 'guider', model, denoiser, toString: () => `<GUIDER dual cfg ${cfg1}/${cfg2}${nested ? ' nested' : ''}>` };
}

const GUIDER_NODE = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_custom_sampler', category: 'sampling/custom_sampling/guiders' } as const;
const COND_IN = v3Socket('CONDITIONING');
const CFG = v3Float({ default: 8.0, min: 0.0, max: 100.0, step: 0.1, round: 0.01 });

export const cfgGuiderNode: NodeDefinition = {
  ...GUIDER_NODE,
  name: 'CFGGuider',
  inputs: { required: { model: v3Socket('MODEL'), positive: COND_IN, negative: COND_IN, cfg: CFG } },
  outputs: [{ type: 'GUIDER' }],
  execute: (inputs) => [
    cfgGuider(
      requireModel(inputs.model),
      requireConditioning('positive', inputs.positive),
      requireConditioning('negative', inputs.negative),
      requireNumber('cfg', inputs.cfg, 0, 100),
    ),
  ],
};

const STYLES = ['regular', 'nested'] as const;

export const dualCfgGuiderNode: NodeDefinition = {
  ...GUIDER_NODE,
  name: 'DualCFGGuider',
  inputs: {
    required: {
      model: v3Socket('MODEL'),
      cond1: COND_IN,
      cond2: COND_IN,
      negative: COND_IN,
      cfg_conds: CFG,
      cfg_cond2_negative: CFG,
      style: v3Combo(STYLES),
    },
  },
  outputs: [{ type: 'GUIDER' }],
  execute: (inputs) => [
    dualCfgGuider(
      requireModel(inputs.model),
      requireConditioning('cond1', inputs.cond1),
      requireConditioning('cond2', inputs.cond2),
      requireConditioning('negative', inputs.negative),
      requireNumber('cfg_conds', inputs.cfg_conds, 0, 100),
      requireNumber('cfg_cond2_negative', inputs.cfg_cond2_negative, 0, 100),
      requireChoice('style', inputs.style, STYLES) === 'nested',
    ),
  ],
};

export const basicGuiderNode: NodeDefinition = {
  ...GUIDER_NODE,
  name: 'BasicGuider',
  inputs: { required: { model: v3Socket('MODEL'), conditioning: COND_IN } },
  outputs: [{ type: 'GUIDER' }],
  execute: (inputs) => [cfgGuider(requireModel(inputs.model), requireConditioning('conditioning', inputs.conditioning), [], 1)],
};
