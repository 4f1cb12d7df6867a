// DPM-Solver (Lu et al. 2022, arXiv 2206.00927) as k-diffusion runs it: `dpm_fast` (fixed orders 3/2/1
// over n evaluations) and `dpm_adaptive` (embedded 2/3 pair with a PID step-size controller). Both work
// in t = −log σ between σ_max and the smallest non-zero σ, and stop there (the result keeps σ_min's noise,
// as ComfyUI's does). η = 0, as KSampler uses them: no noise is added.
import { f, type Denoiser, type SamplerOptions } from './common.ts';

// torch evaluates these in float32 tensors; each scalar and element operation is rounded the same way here.
// dpm_adaptive's error estimate is a difference at float32 resolution, so this rounding steers its steps.
const sigmaOf = (t: number) => f(Math.exp(f(-t)));
const expm1f = (v: number) => f(Math.expm1(v));

/** ε-prediction evaluations at (x, t), cached per step under the solver's keys. */
class EpsCache {
  private readonly cache = new Map<string, Float32Array>();
  constructor(private readonly denoise: Denoiser) {}

  async eps(key: string, x: Float32Array, t: number): Promise<Float32Array> {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const sigma = sigmaOf(t);
    const denoised = await this.denoise(x, sigma);
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]! - denoised[i]!) / sigma;
    this.cache.set(key, out);
    return out;
  }
}

function step1(x: Float32Array, eps: Float32Array, t: number, tNext: number): Float32Array {
  const c = f(sigmaOf(tNext) * expm1f(f(tNext - t)));
  return Float32Array.from(x, (v, i) => v - f(c * eps[i]!));
}

/** u = x − σ(s)·(e^{rh} − 1)·ε at the intermediate time s = t + r·h. */
function firstStage(x: Float32Array, eps: Float32Array, s1: number, rh: number): Float32Array {
  const c = f(sigmaOf(s1) * expm1f(rh));
  return Float32Array.from(x, (v, i) => v - f(c * eps[i]!));
}

async function step2(cache: EpsCache, x: Float32Array, eps: Float32Array, t: number, tNext: number, r1 = 1 / 2): Promise<Float32Array> {
  const h = f(tNext - t);
  const rh = f(r1 * h);
  const s1 = f(t + rh);
  const epsR1 = await cache.eps('eps_r1', firstStage(x, eps, s1, rh), s1);
  const em = expm1f(h);
  const a = f(sigmaOf(tNext) * em);
  const b = f(f(sigmaOf(tNext) / f(2 * r1)) * em);
  return Float32Array.from(x, (v, i) => f(v - f(a * eps[i]!)) - f(b * f(epsR1[i]! - eps[i]!)));
}

async function step3(cache: EpsCache, x: Float32Array, eps: Float32Array, t: number, tNext: number, r1 = 1 / 3, r2 = 2 / 3): Promise<Float32Array> {
  const h = f(tNext - t);
  const r1h = f(r1 * h);
  const r2h = f(r2 * h);
  const s1 = f(t + r1h);
  const s2 = f(t + r2h);
  const epsR1 = await cache.eps('eps_r1', firstStage(x, eps, s1, r1h), s1);
  const em2 = expm1f(r2h);
  const c2 = f(sigmaOf(s2) * em2);
  const d2 = f(f(sigmaOf(s2) * f(r2 / r1)) * f(f(em2 / r2h) - 1));
  const u2 = Float32Array.from(x, (v, i) => f(v - f(c2 * eps[i]!)) - f(d2 * f(epsR1[i]! - eps[i]!)));
  const epsR2 = await cache.eps('eps_r2', u2, s2);
  const em = expm1f(h);
  const a = f(sigmaOf(tNext) * em);
  const b = f(f(sigmaOf(tNext) / f(r2)) * f(f(em / h) - 1));
  return Float32Array.from(x, (v, i) => f(v - f(a * eps[i]!)) - f(b * f(epsR2[i]! - eps[i]!)));
}

/** σ_min for these solvers: the last σ, or the one before a final 0. */
function sigmaRange(sigmas: Float64Array): [number, number] {
  const last = sigmas[sigmas.length - 1]!;
  return [last === 0 ? sigmas[sigmas.length - 2]! : last, sigmas[0]!];
}

function linspace32(start: number, end: number, steps: number): number[] {
  const step = f(f(end - start) / (steps - 1));
  const half = Math.floor(steps / 2);
  return Array.from({ length: steps }, (_, i) => (i < half ? f(start + f(step * i)) : f(end - f(step * (steps - i - 1)))));
}

/** DPM-Solver-fast: m = ⌊n/3⌋ + 1 steps evenly spaced in t, third order except the last one or two. */
export async function sampleDpmFast(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  if (sigmas.length <= 1) return new Float32Array(x0);
  const [sigmaMin, sigmaMax] = sigmaRange(sigmas);
  if (sigmaMin <= 0 || sigmaMax <= 0) throw new Error('sigma_min and sigma_max must not be 0');
  const nfe = sigmas.length - 1;
  const tStart = f(-f(Math.log(sigmaMax)));
  const tEnd = f(-f(Math.log(sigmaMin)));
  const m = Math.floor(nfe / 3) + 1;
  const ts = linspace32(tStart, tEnd, m + 1);
  const orders = nfe % 3 === 0 ? [...new Array<number>(m - 2).fill(3), 2, 1] : [...new Array<number>(m - 1).fill(3), nfe % 3];
  let x: Float32Array = new Float32Array(x0);
  for (let i = 0; i < orders.length; i++) {
    const cache = new EpsCache(denoise);
    const [t, tNext] = [ts[i]!, ts[i + 1]!];
    const eps = await cache.eps('eps', x, t);
    const sigma = sigmaOf(t);
    const denoised = Float32Array.from(x, (v, k) => v - f(sigma * eps[k]!));
    if (opts.onStep) await opts.onStep({ i, total: nfe, sigma, sigmaHat: sigma, x, denoised });
    if (orders[i] === 1) x = step1(x, eps, t, tNext);
    else if (orders[i] === 2) x = await step2(cache, x, eps, t, tNext);
    else x = await step3(cache, x, eps, t, tNext);
  }
  return x;
}

/** DPM-Solver-12/23 with adaptive steps (rtol 0.05, atol 0.0078, h_init 0.05, order 3, PID: I only). */
export async function sampleDpmAdaptive(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  if (sigmas.length <= 1) return new Float32Array(x0);
  const [sigmaMin, sigmaMax] = sigmaRange(sigmas);
  if (sigmaMin <= 0 || sigmaMax <= 0) throw new Error('sigma_min and sigma_max must not be 0');
  const [rtol, atol, order, acceptSafety] = [0.05, 0.0078, 3, 0.81];
  const total = sigmas.length - 1;
  const tEnd = f(-f(Math.log(sigmaMin)));
  let s = f(-f(Math.log(sigmaMax)));
  let h = 0.05;
  let errs: number[] | null = null;
  let x: Float32Array = new Float32Array(x0);
  let xPrev: Float32Array = x;
  let steps = 0;
  while (s < f(tEnd - 1e-5)) {
    const cache = new EpsCache(denoise);
    const t = Math.min(tEnd, f(s + h));
    const eps = await cache.eps('eps', x, s);
    const sigma = sigmaOf(s);
    const denoised = Float32Array.from(x, (v, k) => v - f(sigma * eps[k]!));
    const low = await step2(cache, x, eps, s, t, 1 / 3);
    const high = await step3(cache, x, eps, s, t);
    let sum = 0;
    for (let k = 0; k < x.length; k++) {
      const delta = Math.max(f(atol), f(f(rtol) * Math.max(Math.abs(low[k]!), Math.abs(xPrev[k]!))));
      sum += f(f(low[k]! - high[k]!) / delta) ** 2;
    }
    const error = Math.sqrt(sum) / Math.sqrt(x.length);
    // PID controller with only the integral term: factor = limiter((1/error)^(1/order)).
    const inv = 1 / (error + 1e-8);
    errs ??= [inv, inv, inv];
    errs[0] = inv;
    const factor = 1 + Math.atan(errs[0] ** (1 / order) - 1);
    const accept = factor >= acceptSafety;
    if (accept) {
      errs[2] = errs[1]!;
      errs[1] = errs[0];
      xPrev = low;
      x = high;
      s = t;
    }
    h *= factor;
    steps++;
    if (opts.onStep) await opts.onStep({ i: steps - 1, total, sigma: sigmaOf(s), sigmaHat: sigmaOf(s), x, denoised });
  }
  return x;
}
