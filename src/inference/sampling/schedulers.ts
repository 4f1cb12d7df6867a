// Noise schedules: (steps, model sampling) → descending σ values ending in 0 (ComfyUI `comfy/samplers.py`
// SCHEDULER_HANDLERS and k-diffusion's get_sigmas_*; models.md §6.6). ComfyUI returns float32 tensors and
// does the tensor arithmetic in float32; each step here rounds the same way.
import { betaPpf } from './beta-distribution.ts';
import type { ModelSampling } from './model-sampling.ts';

const f = Math.fround;

/** KSampler.SCHEDULERS in ComfyUI 0.8.0, in order. */
export const SCHEDULER_NAMES = [
  'simple',
  'sgm_uniform',
  'karras',
  'exponential',
  'ddim_uniform',
  'beta',
  'normal',
  'linear_quadratic',
  'kl_optimal',
] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

export type Scheduler = (steps: number, modelSampling: ModelSampling) => Float64Array;

/** torch.linspace in float32: the first half counts up from start, the second half down from end. */
export function linspace32(start: number, end: number, steps: number): Float64Array {
  const out = new Float64Array(steps);
  const s = f(start);
  const e = f(end);
  if (steps === 1) {
    out[0] = s;
    return out;
  }
  const step = f(f(e - s) / (steps - 1));
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out[i] = i < half ? f(s + f(step * i)) : f(e - f(step * (steps - i - 1)));
  return out;
}

function withZero(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) out[i] = f(values[i]!);
  return out;
}

/** "normal" (and, with sgm, "sgm_uniform"): evenly spaced timesteps from σ_max's to σ_min's. */
export function normalScheduler(steps: number, ms: ModelSampling, sgm = false): Float64Array {
  const start = ms.timestep(ms.sigmaMax);
  const end = ms.timestep(ms.sigmaMin);
  let appendZero = true;
  let timesteps: Float64Array;
  if (sgm) {
    timesteps = linspace32(start, end, steps + 1).subarray(0, steps);
  } else {
    if (Math.abs(ms.sigma(end)) <= 1e-5) {
      steps += 1;
      appendZero = false;
    }
    timesteps = linspace32(start, end, steps);
  }
  const sigmas = Array.from(timesteps, (t) => ms.sigma(t));
  return appendZero ? withZero(sigmas) : Float64Array.from(sigmas, f);
}

/** "simple": every (N/steps)-th entry of the σ table, from the top. */
export function simpleScheduler(steps: number, ms: ModelSampling): Float64Array {
  const table = ms.sigmas;
  const stride = table.length / steps;
  const sigmas: number[] = [];
  for (let x = 0; x < steps; x++) sigmas.push(table[table.length - 1 - Math.trunc(x * stride)]!);
  return withZero(sigmas);
}

/** "ddim_uniform": table entries 1, 1 + s, 1 + 2s, … reversed (the count can differ from `steps`). */
export function ddimUniformScheduler(steps: number, ms: ModelSampling): Float64Array {
  const table = ms.sigmas;
  let sigmas: number[];
  if (Math.abs(table[1]!) <= 1e-5) {
    steps += 1;
    sigmas = [];
  } else {
    sigmas = [0];
  }
  const stride = Math.max(Math.floor(table.length / steps), 1);
  for (let x = 1; x < table.length; x += stride) sigmas.push(table[x]!);
  return Float64Array.from(sigmas.reverse(), f);
}

/** "beta" (arXiv 2407.12173): timesteps at Beta(α, β) quantiles of 1 − k/steps, duplicates dropped. */
export function betaScheduler(steps: number, ms: ModelSampling, alpha = 0.6, beta = 0.6): Float64Array {
  const totalTimesteps = ms.sigmas.length - 1;
  const sigmas: number[] = [];
  let lastT = -1;
  for (let k = 0; k < steps; k++) {
    const p = 1 - k * (1 / steps); // numpy.linspace(0, 1, steps, endpoint=False)
    const t = roundHalfEven(betaPpf(p, alpha, beta) * totalTimesteps);
    if (t !== lastT) sigmas.push(ms.sigmas[t]!);
    lastT = t;
  }
  return withZero(sigmas);
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Karras et al. (2022): σ^(1/ρ) evenly spaced between σ_max and σ_min, ρ = 7. */
export function karrasSigmas(n: number, sigmaMin: number, sigmaMax: number, rho = 7): Float64Array {
  const ramp = linspace32(0, 1, n);
  const minInvRho = sigmaMin ** (1 / rho);
  const maxInvRho = sigmaMax ** (1 / rho);
  const span = f(minInvRho - maxInvRho);
  return withZero(Array.from(ramp, (r) => f(f(f(maxInvRho) + f(r * span)) ** rho)));
}

/** Evenly spaced in log σ. */
export function exponentialSigmas(n: number, sigmaMin: number, sigmaMax: number): Float64Array {
  return withZero(Array.from(linspace32(Math.log(sigmaMax), Math.log(sigmaMin), n), Math.exp));
}

/** KL-optimal (AUTOMATIC1111 PR 15608): evenly spaced in arctan σ; its last value is the appended 0. */
export function klOptimalSigmas(n: number, sigmaMin: number, sigmaMax: number): Float64Array {
  const atanMin = f(Math.atan(sigmaMin));
  const atanMax = f(Math.atan(sigmaMax));
  const out = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    const w = f(k / (n - 1));
    out[k] = f(Math.tan(f(f(w * atanMin) + f(f(1 - w) * atanMax))));
  }
  return out;
}

/** Mochi's linear-quadratic schedule (threshold 0.025), scaled by σ_max. */
export function linearQuadraticScheduler(steps: number, ms: ModelSampling, threshold = 0.025, linearSteps?: number): Float64Array {
  let schedule: number[];
  if (steps === 1) {
    schedule = [1, 0];
  } else {
    const linear = linearSteps ?? Math.floor(steps / 2);
    schedule = [];
    for (let i = 0; i < linear; i++) schedule.push((i * threshold) / linear);
    const stepDiff = linear - threshold * steps;
    const quadraticSteps = steps - linear;
    const quadraticCoef = stepDiff / (linear * quadraticSteps ** 2);
    const linearCoef = threshold / linear - (2 * stepDiff) / quadraticSteps ** 2;
    const constant = quadraticCoef * linear ** 2;
    for (let i = linear; i < steps; i++) schedule.push(quadraticCoef * i ** 2 + linearCoef * i + constant);
    schedule.push(1);
    schedule = schedule.map((x) => 1 - x);
  }
  const sigmaMax = f(ms.sigmaMax);
  return Float64Array.from(schedule, (x) => f(f(x) * sigmaMax));
}

/** The registry, keyed by ComfyUI's names. */
export const SCHEDULERS: Record<SchedulerName, Scheduler> = {
  simple: simpleScheduler,
  sgm_uniform: (steps, ms) => normalScheduler(steps, ms, true),
  karras: (steps, ms) => karrasSigmas(steps, ms.sigmaMin, ms.sigmaMax),
  exponential: (steps, ms) => exponentialSigmas(steps, ms.sigmaMin, ms.sigmaMax),
  ddim_uniform: ddimUniformScheduler,
  beta: (steps, ms) => betaScheduler(steps, ms),
  normal: (steps, ms) => normalScheduler(steps, ms),
  linear_quadratic: (steps, ms) => linearQuadraticScheduler(steps, ms),
  kl_optimal: (steps, ms) => klOptimalSigmas(steps, ms.sigmaMin, ms.sigmaMax),
};

export function isSchedulerName(name: string): name is SchedulerName {
  return (SCHEDULER_NAMES as readonly string[]).includes(name);
}

/** `comfy.samplers.calculate_sigmas`. */
export function calculateSigmas(ms: ModelSampling, scheduler: string, steps: number): Float64Array {
  if (!isSchedulerName(scheduler)) throw new Error(`error invalid scheduler ${scheduler}`);
  return SCHEDULERS[scheduler](steps, ms);
}

/** Samplers for which KSampler computes one step more and drops the second-to-last σ. */
export const DISCARD_PENULTIMATE_SIGMA_SAMPLERS: ReadonlySet<string> = new Set(['dpm_2', 'dpm_2_ancestral', 'uni_pc', 'uni_pc_bh2']);

/**
 * KSampler's σ list (`KSampler.set_steps`): with denoise < 0.9999 the schedule is computed for
 * int(steps/denoise) steps and only its last steps + 1 values are kept (denoise ≤ 0: no steps at all).
 */
export function ksamplerSigmas(ms: ModelSampling, scheduler: string, sampler: string, steps: number, denoise = 1): Float64Array {
  const compute = (n: number): Float64Array => {
    const discard = DISCARD_PENULTIMATE_SIGMA_SAMPLERS.has(sampler);
    const sigmas = calculateSigmas(ms, scheduler, discard ? n + 1 : n);
    if (!discard || sigmas.length < 2) return sigmas;
    const out = new Float64Array(sigmas.length - 1);
    out.set(sigmas.subarray(0, sigmas.length - 2));
    out[out.length - 1] = sigmas[sigmas.length - 1]!;
    return out;
  };
  if (denoise > 0.9999) return compute(steps);
  if (denoise <= 0) return new Float64Array(0);
  const sigmas = compute(Math.trunc(steps / denoise));
  return sigmas.slice(Math.max(0, sigmas.length - (steps + 1)));
}

/** BasicScheduler's σ list: the same trimming, but applied whenever denoise < 1. */
export function basicSchedulerSigmas(ms: ModelSampling, scheduler: string, steps: number, denoise = 1): Float64Array {
  if (denoise >= 1) return calculateSigmas(ms, scheduler, steps);
  if (denoise <= 0) return new Float64Array(0);
  const sigmas = calculateSigmas(ms, scheduler, Math.trunc(steps / denoise));
  return sigmas.slice(Math.max(0, sigmas.length - (steps + 1)));
}

/**
 * KSamplerAdvanced's step window (`KSampler.sample`): end_at_step cuts the list (last σ forced to 0
 * unless leftover noise is returned), then start_at_step drops the first steps. `null` means the window
 * is empty and the input latent is returned unchanged.
 */
export function applyStepWindow(sigmas: Float64Array, startStep?: number, lastStep?: number, forceFullDenoise = false): Float64Array | null {
  let out = sigmas;
  if (lastStep !== undefined && lastStep < out.length - 1) {
    out = out.slice(0, lastStep + 1);
    if (forceFullDenoise) out[out.length - 1] = 0;
  }
  if (startStep !== undefined) {
    if (startStep < out.length - 1) out = out.slice(startStep);
    else return null;
  }
  return out;
}
