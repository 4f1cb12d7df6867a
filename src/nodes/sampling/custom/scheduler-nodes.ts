// The scheduler nodes of comfy_extras/nodes_custom_sampler.py: SIGMAS from a named KSampler scheduler
// (BasicScheduler), from explicit σ bounds (Karras, exponential, polyexponential, Laplace, VP), from the
// model's σ table (beta, SD-Turbo).
import { SCHEDULER_NAMES, calculateSigmas } from '../../../inference/sampling/index.ts';
import { betaScheduler, exponentialSigmas, karrasSigmas } from '../../../inference/sampling/schedulers.ts';
import type { InputSpec, NodeDefinition } from '../../node-definition.ts';
import { requireChoice, requireInt, requireNumber } from '../../utils/node-args.ts';
import { v3Combo, v3Float, v3Int, v3Socket } from '../../utils/v3-io.ts';
import { requireModel } from '../ksampler.ts';
import { laplaceSigmas, polyexponentialSigmas, pythonLog, vpSigmas } from './sigma-schedules.ts';
import { lastN, sigmasTensor } from './sigmas.ts';

const f = Math.fround;
const SCHEDULERS = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_custom_sampler', category: 'sampling/custom_sampling/schedulers' } as const;
const STEPS = v3Int({ default: 20, min: 1, max: 10000 });
const unrounded = (d: number, min: number, max: number, step = 0.01): InputSpec => v3Float({ default: d, min, max, step, round: false });
const SIGMA_MAX = unrounded(14.614642, 0.0, 5000.0);
const SIGMA_MIN = unrounded(0.0291675, 0.0, 5000.0);

type Inputs = Record<string, unknown>;
const num = (inputs: Inputs, name: string) => requireNumber(name, inputs[name]);
const steps = (inputs: Inputs, max = 10000) => requireInt('steps', inputs.steps, 1, max);

/** A node computing SIGMAS from its widget values alone. */
function boundsScheduler(name: string, extra: Record<string, InputSpec>, sigmas: (inputs: Inputs) => ArrayLike<number>): NodeDefinition {
  return {
    ...SCHEDULERS,
    name,
    inputs: { required: { steps: STEPS, ...extra } },
    outputs: [{ type: 'SIGMAS' }],
    execute: (inputs) => [sigmasTensor(sigmas(inputs))],
  };
}

export const basicScheduler: NodeDefinition = {
  ...SCHEDULERS,
  name: 'BasicScheduler',
  inputs: {
    required: { model: v3Socket('MODEL'), scheduler: v3Combo(SCHEDULER_NAMES), steps: STEPS, denoise: v3Float({ default: 1.0, min: 0.0, max: 1.0, step: 0.01 }) },
  },
  outputs: [{ type: 'SIGMAS' }],
  execute(inputs) {
    const model = requireModel(inputs.model);
    const scheduler = requireChoice('scheduler', inputs.scheduler, SCHEDULER_NAMES);
    const n = steps(inputs);
    const denoise = requireNumber('denoise', inputs.denoise, 0, 1);
    if (denoise <= 0) return [sigmasTensor([])];
    const total = denoise < 1 ? Math.trunc(n / denoise) : n;
    return [sigmasTensor(lastN(calculateSigmas(model.modelSampling, scheduler, total), n + 1))];
  },
};

/** Python evaluates σ_min^(1/ρ) and fails on ρ = 0. */
function rhoOf(inputs: Inputs): number {
  const rho = num(inputs, 'rho');
  if (rho === 0) throw new Error('float division by zero');
  return rho;
}

export const karrasScheduler = boundsScheduler('KarrasScheduler', { sigma_max: SIGMA_MAX, sigma_min: SIGMA_MIN, rho: unrounded(7.0, 0.0, 100.0) }, (inputs) =>
  karrasSigmas(steps(inputs), num(inputs, 'sigma_min'), num(inputs, 'sigma_max'), rhoOf(inputs)),
);

export const exponentialScheduler = boundsScheduler('ExponentialScheduler', { sigma_max: SIGMA_MAX, sigma_min: SIGMA_MIN }, (inputs) => {
  // math.log of both bounds: a zero bound is a "math domain error" in ComfyUI too.
  const [sigmaMin, sigmaMax] = [num(inputs, 'sigma_min'), num(inputs, 'sigma_max')];
  pythonLog(sigmaMin);
  pythonLog(sigmaMax);
  return exponentialSigmas(steps(inputs), sigmaMin, sigmaMax);
});

export const polyexponentialScheduler = boundsScheduler(
  'PolyexponentialScheduler',
  { sigma_max: SIGMA_MAX, sigma_min: SIGMA_MIN, rho: unrounded(1.0, 0.0, 100.0) },
  (inputs) => polyexponentialSigmas(steps(inputs), num(inputs, 'sigma_min'), num(inputs, 'sigma_max'), num(inputs, 'rho')),
);

export const laplaceScheduler = boundsScheduler(
  'LaplaceScheduler',
  { sigma_max: SIGMA_MAX, sigma_min: SIGMA_MIN, mu: unrounded(0.0, -10.0, 10.0, 0.1), beta: unrounded(0.5, 0.0, 10.0, 0.1) },
  (inputs) => laplaceSigmas(steps(inputs), num(inputs, 'sigma_min'), num(inputs, 'sigma_max'), num(inputs, 'mu'), num(inputs, 'beta')),
);

export const vpScheduler = boundsScheduler(
  'VPScheduler',
  { beta_d: unrounded(19.9, 0.0, 5000.0), beta_min: unrounded(0.1, 0.0, 5000.0), eps_s: unrounded(0.001, 0.0, 1.0, 0.0001) },
  (inputs) => vpSigmas(steps(inputs), num(inputs, 'beta_d'), num(inputs, 'beta_min'), num(inputs, 'eps_s')),
);

export const betaSamplingScheduler: NodeDefinition = {
  ...SCHEDULERS,
  name: 'BetaSamplingScheduler',
  inputs: { required: { model: v3Socket('MODEL'), steps: STEPS, alpha: unrounded(0.6, 0.0, 50.0), beta: unrounded(0.6, 0.0, 50.0) } },
  outputs: [{ type: 'SIGMAS' }],
  execute(inputs) {
    const model = requireModel(inputs.model);
    return [sigmasTensor(betaScheduler(steps(inputs), model.modelSampling, num(inputs, 'alpha'), num(inputs, 'beta')))];
  },
};

export const sdTurboScheduler: NodeDefinition = {
  ...SCHEDULERS,
  name: 'SDTurboScheduler',
  inputs: { required: { model: v3Socket('MODEL'), steps: v3Int({ default: 1, min: 1, max: 10 }), denoise: v3Float({ default: 1.0, min: 0, max: 1.0, step: 0.01 }) } },
  outputs: [{ type: 'SIGMAS' }],
  execute(inputs) {
    const ms = requireModel(inputs.model).modelSampling;
    const n = steps(inputs, 10);
    // Timesteps 999, 899, …, 99, starting 10 − int(10·denoise) entries in.
    const start = 10 - Math.trunc(10 * requireNumber('denoise', inputs.denoise, 0, 1));
    const timesteps = [999, 899, 799, 699, 599, 499, 399, 299, 199, 99].slice(start, start + n);
    return [sigmasTensor([...timesteps.map((t) => f(ms.sigma(t))), 0])];
  },
};
