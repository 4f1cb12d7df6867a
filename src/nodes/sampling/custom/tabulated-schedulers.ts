// Schedulers that resample published σ tables (comfy_extras/nodes_align_your_steps.py, nodes_gits.py,
// nodes_optimalsteps.py): the table for the model type (AYS, Optimal Steps) or coefficient and step count
// (GITS), log-linearly interpolated when
// its length differs, cut to the last round(steps·denoise) steps and ended with 0.
import type { NodeDefinition } from '../../node-definition.ts';
import { requireChoice, requireInt, requireNumber } from '../../utils/node-args.ts';
import { v3Combo, v3Float, v3Int } from '../../utils/v3-io.ts';
import { GITS_NOISE_LEVELS } from './gits-noise-levels.ts';
import { loglinearInterp } from './sigma-schedules.ts';
import { lastN, roundHalfEven, sigmasTensor } from './sigmas.ts';

/** NVIDIA Align Your Steps (research.nvidia.com/labs/toronto-ai/AlignYourSteps), 10-step schedules. */
const AYS_NOISE_LEVELS = {
  SD1: [14.6146412293, 6.4745760956, 3.8636745985, 2.694615152, 1.8841921177, 1.3943805092, 0.9642583904, 0.6523686016, 0.3977456272, 0.1515232662, 0.0291671582],
  SDXL: [14.6146412293, 6.3184485287, 3.7681790315, 2.1811480769, 1.3405244945, 0.8620721141, 0.5550693289, 0.3798540708, 0.2332364134, 0.1114188177, 0.0291671582],
  SVD: [700.0, 54.5, 15.886, 7.977, 4.248, 1.789, 0.981, 0.403, 0.173, 0.034, 0.002],
} as const;
const AYS_MODEL_TYPES = ['SD1', 'SDXL', 'SVD'] as const;

/** Optimal Steps (github.com/bebebe666/OptimalSteps) schedules of flow models. */
const OPTIMAL_NOISE_LEVELS = {
  FLUX: [0.9968, 0.9886, 0.9819, 0.975, 0.966, 0.9471, 0.9158, 0.8287, 0.5512, 0.2808, 0.001],
  Wan: [1.0, 0.997, 0.995, 0.993, 0.991, 0.989, 0.987, 0.985, 0.98, 0.975, 0.973, 0.968, 0.96, 0.946, 0.927, 0.902, 0.864, 0.776, 0.539, 0.208, 0.001],
  Chroma: [
    0.992, 0.99, 0.988, 0.985, 0.982, 0.978, 0.973, 0.968, 0.961, 0.953, 0.943, 0.931, 0.917, 0.9, 0.881, 0.858, 0.832, 0.802, 0.769, 0.731,
    0.69, 0.646, 0.599, 0.55, 0.501, 0.451, 0.402, 0.355, 0.311, 0.27, 0.232, 0.199, 0.169, 0.143, 0.12, 0.101, 0.084, 0.07, 0.058, 0.048, 0.001,
  ],
} as const;
const OPTIMAL_MODEL_TYPES = ['FLUX', 'Wan', 'Chroma'] as const;

/** The common tail: denoise ≤ 0 gives no σ at all; otherwise the last round(steps·denoise) steps, ending in 0. */
function finish(table: Float64Array, steps: number, denoise: number): Float64Array {
  const totalSteps = denoise < 1 ? roundHalfEven(steps * denoise) : steps;
  const sigmas = lastN(table, totalSteps + 1);
  sigmas[sigmas.length - 1] = 0;
  return sigmas;
}

const DENOISE = v3Float({ default: 1.0, min: 0.0, max: 1.0, step: 0.01 });
const SCHEDULERS = { schemaFormat: 'v3', category: 'sampling/custom_sampling/schedulers' } as const;

/** A scheduler over one table per model type (the table itself when it has steps + 1 values). */
function modelTableScheduler<T extends string>(
  name: string, pythonModule: string, tables: Record<T, readonly number[]>, types: readonly T[], steps: { default: number; min: number; max: number },
): NodeDefinition {
  return {
    ...SCHEDULERS,
    pythonModule,
    name,
    inputs: { required: { model_type: v3Combo(types), steps: v3Int(steps), denoise: DENOISE } },
    outputs: [{ type: 'SIGMAS' }],
    execute(inputs) {
      const table = tables[requireChoice('model_type', inputs.model_type, types)];
      const n = requireInt('steps', inputs.steps, steps.min, steps.max);
      const denoise = requireNumber('denoise', inputs.denoise, 0, 1);
      if (denoise <= 0) return [sigmasTensor([])];
      const levels = n + 1 === table.length ? Float64Array.from(table) : loglinearInterp(table, n + 1);
      return [sigmasTensor(finish(levels, n, denoise))];
    },
  };
}

export const alignYourStepsScheduler = modelTableScheduler(
  'AlignYourStepsScheduler', 'comfy_extras.nodes_align_your_steps', AYS_NOISE_LEVELS, AYS_MODEL_TYPES, { default: 10, min: 1, max: 10000 },
);

export const gitsScheduler: NodeDefinition = {
  ...SCHEDULERS,
  pythonModule: 'comfy_extras.nodes_gits',
  name: 'GITSScheduler',
  inputs: {
    required: {
      coeff: v3Float({ default: 1.2, min: 0.8, max: 1.5, step: 0.05 }),
      steps: v3Int({ default: 10, min: 2, max: 1000 }),
      denoise: DENOISE,
    },
  },
  outputs: [{ type: 'SIGMAS' }],
  execute(inputs) {
    const coeff = requireNumber('coeff', inputs.coeff, 0.8, 1.5);
    const steps = requireInt('steps', inputs.steps, 2, 1000);
    const denoise = requireNumber('denoise', inputs.denoise, 0, 1);
    if (denoise <= 0) return [sigmasTensor([])];
    // ComfyUI looks the table up by round(coeff, 2): only multiples of 0.05 exist.
    const tables = GITS_NOISE_LEVELS[coeff.toFixed(2)];
    if (!tables) throw new Error(`GITSScheduler has no schedule for coeff ${coeff.toFixed(2)} (use a multiple of 0.05)`);
    const levels = steps <= 20 ? Float64Array.from(tables[steps - 2]!) : loglinearInterp(tables[tables.length - 1]!, steps + 1);
    return [sigmasTensor(finish(levels, steps, denoise))];
  },
};

export const optimalStepsScheduler = modelTableScheduler(
  'OptimalStepsScheduler', 'comfy_extras.nodes_optimalsteps', OPTIMAL_NOISE_LEVELS, OPTIMAL_MODEL_TYPES, { default: 20, min: 3, max: 1000 },
);
