// Linear multistep samplers: k-diffusion's LMS, DPM-Solver++(2M) and its CFG++ variant, iPNDM (fixed and
// variable step), RES multistep, and the gradient-estimation sampler (ComfyUI k_diffusion/sampling.py).
import {
  addNoise,
  ancestralStep,
  copyOf,
  eulerStep,
  f,
  report,
  requireNoise,
  requireUncond,
  toD,
  type Denoiser,
  type SamplerOptions,
} from './common.ts';

/** ∫_{t_i}^{t_{i+1}} of the Lagrange basis polynomial j over t_i, t_{i−1}, …, t_{i−order+1} (exact). */
export function linearMultistepCoeff(order: number, t: Float64Array, i: number, j: number): number {
  // Build the polynomial Π_{k≠j} (τ − t[i−k]) / (t[i−j] − t[i−k]) as coefficients (lowest degree first).
  let poly = [1];
  for (let k = 0; k < order; k++) {
    if (k === j) continue;
    const denom = t[i - j]! - t[i - k]!;
    const next = new Array<number>(poly.length + 1).fill(0);
    for (let p = 0; p < poly.length; p++) {
      next[p + 1]! += poly[p]! / denom;
      next[p]! -= (poly[p]! * t[i - k]!) / denom;
    }
    poly = next;
  }
  const integral = (tau: number) => poly.reduce((sum, c, p) => sum + (c * tau ** (p + 1)) / (p + 1), 0);
  return integral(t[i + 1]!) - integral(t[i]!);
}

/** Linear multistep (order 4): x += Σ_j c_j·d_{i−j}, coefficients integrated over the σ grid. */
export async function sampleLms(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions, order = 4): Promise<Float32Array> {
  let x = copyOf(x0);
  const ds: Float32Array[] = [];
  const sum = new Float32Array(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    // Reuse the oldest derivative buffer once the window is full.
    const d = ds.length === order ? ds.shift()! : new Float32Array(x.length);
    ds.push(toD(x, sigmas[i]!, denoised, d));
    await report(opts, i, sigmas, x, denoised);
    if (sigmas[i + 1] === 0) {
      x = copyOf(denoised);
      continue;
    }
    const curOrder = Math.min(i + 1, order);
    sum.fill(0);
    for (let j = 0; j < curOrder; j++) {
      const c = f(linearMultistepCoeff(curOrder, sigmas, i, j));
      const dj = ds[ds.length - 1 - j]!;
      for (let k = 0; k < x.length; k++) sum[k] = sum[k]! + f(c * dj[k]!);
    }
    for (let k = 0; k < x.length; k++) x[k] = x[k]! + sum[k]!;
  }
  return x;
}

const tOf = (sigma: number) => f(-f(Math.log(sigma)));
const sigmaOf = (t: number) => f(Math.exp(f(-t)));

/** DPM-Solver++(2M) (Lu et al. 2022): second-order multistep in log σ, first order on the first and last step. */
export async function sampleDpmpp2m(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  const x = copyOf(x0);
  let oldDenoised: Float32Array | null = null;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    await report(opts, i, sigmas, x, denoised);
    const t = tOf(sigmas[i]!);
    const tNext = tOf(sigmas[i + 1]!);
    const h = f(tNext - t);
    const ratio = f(sigmaOf(tNext) / sigmaOf(t));
    const phi = f(Math.expm1(f(-h)));
    if (oldDenoised === null || sigmas[i + 1] === 0) {
      for (let k = 0; k < x.length; k++) x[k] = f(ratio * x[k]!) - f(phi * denoised[k]!);
    } else {
      const r = f(f(t - tOf(sigmas[i - 1]!)) / h);
      const b = f(1 / f(2 * r));
      const a = f(1 + b);
      for (let k = 0; k < x.length; k++) {
        const dd = f(f(a * denoised[k]!) - f(b * oldDenoised[k]!));
        x[k] = f(ratio * x[k]!) - f(phi * dd);
      }
    }
    oldDenoised = denoised;
  }
  return x;
}

/** DPM-Solver++(2M) with CFG++ (ComfyUI `sample_dpmpp_2m_cfg_pp`). */
export async function sampleDpmpp2mCfgPp(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  const x = copyOf(x0);
  let oldUncond: Float32Array | null = null;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    const uncond = copyOf(requireUncond(opts, 'dpmpp_2m_cfg_pp'));
    await report(opts, i, sigmas, x, denoised);
    const t = tOf(sigmas[i]!);
    const h = f(tOf(sigmas[i + 1]!) - t);
    const e = f(Math.exp(f(-h)));
    const useHistory = oldUncond !== null && sigmas[i + 1] !== 0;
    const r = useHistory ? f(f(t - tOf(sigmas[i - 1]!)) / h) : 1;
    const c = useHistory ? f(f(Math.expm1(f(-h))) * f(1 / f(2 * r))) : 0;
    for (let k = 0; k < x.length; k++) {
      let mix = f(-e * uncond[k]!);
      if (useHistory) mix = mix - f(c * f(denoised[k]! - oldUncond![k]!));
      x[k] = f(f(denoised[k]! + f(mix)) + f(e * x[k]!));
    }
    oldUncond = uncond;
  }
  return x;
}

/** iPNDM coefficients for the fixed-step Adams–Bashforth predictor (orders 1–4). */
const IPNDM_COEFFS = [[1], [3 / 2, -1 / 2], [23 / 12, -16 / 12, 5 / 12], [55 / 24, -59 / 24, 37 / 24, -9 / 24]];

/** Coefficients of the variable-step iPNDM (zju-pi diff-solvers `ipndm_v`) for the current order. */
function ipndmVCoeffs(order: number, sigmas: Float64Array, i: number): number[] {
  const hn = sigmas[i + 1]! - sigmas[i]!;
  if (order === 1) return [1];
  const hn1 = sigmas[i]! - sigmas[i - 1]!;
  if (order === 2) return [(2 + hn / hn1) / 2, -(hn / hn1) / 2];
  const hn2 = sigmas[i - 1]! - sigmas[i - 2]!;
  const temp1 = (1 - (hn / (3 * (hn + hn1))) * ((hn * (hn + hn1)) / (hn1 * (hn1 + hn2)))) / 2;
  if (order === 3) {
    return [(2 + hn / hn1) / 2 + temp1, -(hn / hn1) / 2 - (1 + hn1 / hn2) * temp1, (temp1 * hn1) / hn2];
  }
  const hn3 = sigmas[i - 2]! - sigmas[i - 3]!;
  const ratio = (hn1 * (hn1 + hn2)) / (hn2 * (hn2 + hn3));
  const temp2 =
    ((1 - hn / (3 * (hn + hn1))) / 2 + ((1 - hn / (2 * (hn + hn1))) * hn) / (6 * (hn + hn1 + hn2))) *
    ((hn * (hn + hn1) * (hn + hn1 + hn2)) / (hn1 * (hn1 + hn2) * (hn1 + hn2 + hn3)));
  return [
    (2 + hn / hn1) / 2 + temp1 + temp2,
    -(hn / hn1) / 2 - (1 + hn1 / hn2) * temp1 - (1 + hn1 / hn2 + ratio) * temp2,
    (temp1 * hn1) / hn2 + (hn1 / hn2 + ratio * (1 + hn2 / hn3)) * temp2,
    -temp2 * ratio * (hn1 / hn2),
  ];
}

async function ipndm(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions, variable: boolean, maxOrder = 4): Promise<Float32Array> {
  let x = copyOf(x0);
  const buffer: Float32Array[] = []; // past slopes, oldest first, at most maxOrder − 1
  const slope = new Float32Array(x.length);
  let d: Float32Array = new Float32Array(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    await report(opts, i, sigmas, x, denoised);
    toD(x, sigmas[i]!, denoised, d);
    const order = Math.min(maxOrder, i + 1);
    if (sigmas[i + 1] === 0) {
      x = copyOf(denoised);
    } else {
      const coeffs = variable ? ipndmVCoeffs(order, sigmas, i) : IPNDM_COEFFS[order - 1]!;
      for (let k = 0; k < x.length; k++) {
        let s = coeffs[0]! * d[k]!;
        for (let j = 1; j < order; j++) s += coeffs[j]! * buffer[buffer.length - j]![k]!;
        slope[k] = s;
      }
      eulerStep(x, slope, f(sigmas[i + 1]! - sigmas[i]!));
    }
    buffer.push(d);
    // Recycle the slope that falls out of the window as the next step's buffer.
    d = buffer.length > maxOrder - 1 ? buffer.shift()! : new Float32Array(x.length);
  }
  return x;
}

/** iPNDM: Adams–Bashforth on the slopes with up to three past values (fixed-step coefficients). */
export function sampleIpndm(denoise: Denoiser, x: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  return ipndm(denoise, x, sigmas, opts, false);
}

/** iPNDM with variable-step coefficients. */
export function sampleIpndmV(denoise: Denoiser, x: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  return ipndm(denoise, x, sigmas, opts, true);
}

/** RES second-order multistep (arXiv 2308.02157), optionally ancestral and/or CFG++. */
export async function resMultistep(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions, eta: number, cfgPp: boolean): Promise<Float32Array> {
  const name = `res_multistep${eta ? '_ancestral' : ''}${cfgPp ? '_cfg_pp' : ''}`;
  const sNoise = opts.sNoise ?? 1;
  const noise = eta ? requireNoise(opts, name) : null;
  const x = copyOf(x0);
  const d = new Float32Array(x.length);
  let oldDenoised: Float32Array | null = null;
  let oldSigmaDown = 0;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    const uncond = cfgPp ? copyOf(requireUncond(opts, name)) : denoised;
    const [sigmaDown, sigmaUp] = ancestralStep(sigmas[i]!, sigmas[i + 1]!, eta);
    await report(opts, i, sigmas, x, denoised);
    if (sigmaDown === 0 || oldDenoised === null) {
      toD(x, sigmas[i]!, uncond, d);
      if (cfgPp) for (let k = 0; k < x.length; k++) x[k] = denoised[k]! + f(d[k]! * sigmaDown);
      else eulerStep(x, d, f(sigmaDown - sigmas[i]!));
    } else {
      const t = tOf(sigmas[i]!);
      const h = f(tOf(sigmaDown) - t);
      const c2 = f(f(tOf(sigmas[i - 1]!) - tOf(oldSigmaDown)) / h);
      const phi1 = f(f(Math.expm1(f(-h))) / f(-h));
      const phi2 = f(f(phi1 - 1) / f(-h));
      const b1 = nanToZero(f(phi1 - f(phi2 / c2)));
      const b2 = nanToZero(f(phi2 / c2));
      const decay = sigmaOf(h);
      for (let k = 0; k < x.length; k++) {
        const base = cfgPp ? f(x[k]! + f(denoised[k]! - uncond[k]!)) : x[k]!;
        x[k] = f(decay * base) + f(h * f(f(b1 * uncond[k]!) + f(b2 * oldDenoised[k]!)));
      }
    }
    if (noise && sigmas[i + 1]! > 0) addNoise(x, noise(sigmas[i]!, sigmas[i + 1]!), sNoise, sigmaUp);
    oldDenoised = uncond;
    oldSigmaDown = sigmaDown;
  }
  return x;
}

function nanToZero(v: number): number {
  return Number.isNaN(v) ? 0 : v;
}

/** Gradient estimation (openreview o2ND9v0CeK): Euler plus (γ − 1)(d − d_prev)·dt, γ = 2. */
export async function gradientEstimation(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions, cfgPp: boolean, gamma = 2): Promise<Float32Array> {
  let x = copyOf(x0);
  let d: Float32Array = new Float32Array(x.length);
  let oldD: Float32Array = new Float32Array(x.length);
  const correction = new Float32Array(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    toD(x, sigmas[i]!, cfgPp ? requireUncond(opts, 'gradient_estimation_cfg_pp') : denoised, d);
    await report(opts, i, sigmas, x, denoised);
    const dt = f(sigmas[i + 1]! - sigmas[i]!);
    if (sigmas[i + 1] === 0) {
      x = copyOf(denoised);
    } else {
      if (cfgPp) for (let k = 0; k < x.length; k++) x[k] = denoised[k]! + f(d[k]! * f(sigmas[i + 1]!));
      else eulerStep(x, d, dt);
      if (i >= 1) {
        for (let k = 0; k < x.length; k++) correction[k] = f(gamma - 1) * f(d[k]! - oldD[k]!);
        eulerStep(x, correction, dt);
      }
    }
    [oldD, d] = [d, oldD];
  }
  return x;
}
