// Exponential-integrator SDE samplers in half-logSNR time: SEEDS-2 / SEEDS-3 (arXiv 2305.14267), the
// exponential Heun x0 samplers added in ComfyUI 0.8.0 (SEEDS-2 with r = 1 and the φ₂ update), and
// ER-SDE-Solver-3 (arXiv 2309.06169). Scalars in double, updates rounded once to float32.
import {
  copyOf,
  f,
  halfLogSnr,
  offsetFirstSigmaForSnr,
  report,
  requireNoise,
  sigmaFromHalfLogSnr,
  type Denoiser,
  type SamplerOptions,
} from './common.ts';

const phi1 = (h: number) => Math.expm1(h); // h·φ₁(h)
const phi2 = (h: number) => (Math.expm1(h) - h) / h; // h·φ₂(h)
const lerp = (a: number, b: number, w: number) => (w < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w));

export interface Seeds2Options {
  eta?: number;
  sNoise?: number;
  r?: number;
  solverType?: 'phi_1' | 'phi_2';
}

/** SEEDS-2 (VP data prediction, 2 stages). */
export async function sampleSeeds2(denoise: Denoiser, x0: Float32Array, sigmasIn: Float64Array, opts: SamplerOptions, knobs: Seeds2Options = {}): Promise<Float32Array> {
  const ms = opts.modelSampling;
  const eta = knobs.eta ?? opts.eta ?? 1;
  const sNoise = knobs.sNoise ?? opts.sNoise ?? 1;
  const r = knobs.r ?? 0.5;
  const solverType = knobs.solverType ?? 'phi_1';
  const injectNoise = eta > 0 && sNoise > 0;
  const noise = injectNoise ? requireNoise(opts, 'seeds_2') : null;
  const sigmas = offsetFirstSigmaForSnr(sigmasIn, ms);
  const fac = 1 / (2 * r);
  let x = copyOf(x0);
  const x2 = new Float32Array(x.length);
  const sde = new Float32Array(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i]!;
    const sigmaNext = sigmas[i + 1]!;
    const denoised = await denoise(x, sigma);
    await report(opts, i, sigmas, x, denoised);
    if (sigmaNext === 0) {
      x = copyOf(denoised);
      continue;
    }
    const lambdaS = halfLogSnr(sigma, ms);
    const lambdaT = halfLogSnr(sigmaNext, ms);
    const h = lambdaT - lambdaS;
    const hEta = h * (eta + 1);
    const lambdaS1 = lerp(lambdaS, lambdaT, r);
    const sigmaS1 = sigmaFromHalfLogSnr(lambdaS1, ms);
    const alphaS1 = sigmaS1 * Math.exp(lambdaS1);
    const alphaT = sigmaNext * Math.exp(lambdaT);
    // Stage 1
    const a1 = (sigmaS1 / sigma) * Math.exp(-r * h * eta);
    const b1 = alphaS1 * phi1(-r * hEta);
    for (let k = 0; k < x.length; k++) x2[k] = a1 * x[k]! - b1 * denoised[k]!;
    if (noise) {
      const eps = noise(sigma, sigmaS1);
      const scale = Math.sqrt(-Math.expm1(-2 * r * h * eta));
      for (let k = 0; k < x.length; k++) {
        sde[k] = scale * eps[k]!;
        x2[k] = x2[k]! + sde[k]! * sigmaS1 * sNoise;
      }
    }
    const denoised2 = await denoise(x2, f(sigmaS1));
    // Stage 2
    const a = (sigmaNext / sigma) * Math.exp(-h * eta);
    if (solverType === 'phi_1') {
      const b = alphaT * phi1(-hEta);
      for (let k = 0; k < x.length; k++) x[k] = a * x[k]! - b * lerp(denoised[k]!, denoised2[k]!, fac);
    } else {
      const c2 = phi2(-hEta) / r;
      const c1 = phi1(-hEta) - c2;
      for (let k = 0; k < x.length; k++) x[k] = a * x[k]! - alphaT * (c1 * denoised[k]! + c2 * denoised2[k]!);
    }
    if (noise) {
      const segment = (r - 1) * h * eta;
      const eps = noise(sigmaS1, sigmaNext);
      const decay = Math.exp(segment);
      const scale = Math.sqrt(-Math.expm1(2 * segment));
      for (let k = 0; k < x.length; k++) x[k] = x[k]! + (sde[k]! * decay + scale * eps[k]!) * sigmaNext * sNoise;
    }
  }
  return x;
}

/** Deterministic exponential Heun in data prediction (0.8.0): SEEDS-2 with r = 1, η = 0, φ₂ update. */
export function sampleExpHeun2X0(denoise: Denoiser, x: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  return sampleSeeds2(denoise, x, sigmas, opts, { eta: 0, sNoise: 0, r: 1, solverType: 'phi_2' });
}

/** Its stochastic twin: r = 1, φ₂ update, η and s_noise from the options (default 1). */
export function sampleExpHeun2X0Sde(denoise: Denoiser, x: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  return sampleSeeds2(denoise, x, sigmas, opts, { eta: opts.eta ?? 1, sNoise: opts.sNoise ?? 1, r: 1, solverType: 'phi_2' });
}

/** SEEDS-3 (3 stages at r₁ = ⅓, r₂ = ⅔). */
export async function sampleSeeds3(denoise: Denoiser, x0: Float32Array, sigmasIn: Float64Array, opts: SamplerOptions, r1 = 1 / 3, r2 = 2 / 3): Promise<Float32Array> {
  const ms = opts.modelSampling;
  const eta = opts.eta ?? 1;
  const sNoise = opts.sNoise ?? 1;
  const noise = eta > 0 && sNoise > 0 ? requireNoise(opts, 'seeds_3') : null;
  const sigmas = offsetFirstSigmaForSnr(sigmasIn, ms);
  let x = copyOf(x0);
  const xs = new Float32Array(x.length);
  const sde = new Float32Array(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i]!;
    const sigmaNext = sigmas[i + 1]!;
    const denoised = await denoise(x, sigma);
    await report(opts, i, sigmas, x, denoised);
    if (sigmaNext === 0) {
      x = copyOf(denoised);
      continue;
    }
    const lambdaS = halfLogSnr(sigma, ms);
    const lambdaT = halfLogSnr(sigmaNext, ms);
    const h = lambdaT - lambdaS;
    const hEta = h * (eta + 1);
    const lambdaS1 = lerp(lambdaS, lambdaT, r1);
    const lambdaS2 = lerp(lambdaS, lambdaT, r2);
    const sigmaS1 = sigmaFromHalfLogSnr(lambdaS1, ms);
    const sigmaS2 = sigmaFromHalfLogSnr(lambdaS2, ms);
    const alphaS1 = sigmaS1 * Math.exp(lambdaS1);
    const alphaS2 = sigmaS2 * Math.exp(lambdaS2);
    const alphaT = sigmaNext * Math.exp(lambdaT);
    const addSde = (from: number, to: number, rA: number, rB: number, target: Float32Array, sigmaTarget: number, first: boolean) => {
      if (!noise) return;
      const eps = noise(from, to);
      if (first) {
        const scale = Math.sqrt(-Math.expm1(-2 * rB * h * eta));
        for (let k = 0; k < sde.length; k++) sde[k] = scale * eps[k]!;
      } else {
        const segment = (rA - rB) * h * eta;
        const decay = Math.exp(segment);
        const scale = Math.sqrt(-Math.expm1(2 * segment));
        for (let k = 0; k < sde.length; k++) sde[k] = sde[k]! * decay + scale * eps[k]!;
      }
      for (let k = 0; k < sde.length; k++) target[k] = target[k]! + sde[k]! * sigmaTarget * sNoise;
    };
    // Stage 1
    let a = (sigmaS1 / sigma) * Math.exp(-r1 * h * eta);
    let b = alphaS1 * phi1(-r1 * hEta);
    for (let k = 0; k < x.length; k++) xs[k] = a * x[k]! - b * denoised[k]!;
    addSde(sigma, sigmaS1, 0, r1, xs, sigmaS1, true);
    const denoised2 = await denoise(xs, f(sigmaS1));
    // Stage 2
    const a32 = (r2 / r1) * phi2(-r2 * hEta);
    const a31 = phi1(-r2 * hEta) - a32;
    a = (sigmaS2 / sigma) * Math.exp(-r2 * h * eta);
    for (let k = 0; k < x.length; k++) xs[k] = a * x[k]! - alphaS2 * (a31 * denoised[k]! + a32 * denoised2[k]!);
    addSde(sigmaS1, sigmaS2, r1, r2, xs, sigmaS2, false);
    const denoised3 = await denoise(xs, f(sigmaS2));
    // Stage 3
    const b3 = phi2(-hEta) / r2;
    const b1 = phi1(-hEta) - b3;
    a = (sigmaNext / sigma) * Math.exp(-h * eta);
    for (let k = 0; k < x.length; k++) x[k] = a * x[k]! - alphaT * (b1 * denoised[k]! + b3 * denoised3[k]!);
    addSde(sigmaS2, sigmaNext, r2, 1, x, sigmaNext, false);
  }
  return x;
}

const erSdeNoiseScaler = (v: number) => v * (Math.exp(v ** 0.3) + 10);

/** ER-SDE-Solver-3 (VP), with its default noise scaler x·(e^{x^0.3} + 10) and 200-point quadrature. */
export async function sampleErSde(denoise: Denoiser, x0: Float32Array, sigmasIn: Float64Array, opts: SamplerOptions, maxStage = 3): Promise<Float32Array> {
  const ms = opts.modelSampling;
  const sNoise = opts.sNoise ?? 1;
  const noise = sNoise > 0 ? requireNoise(opts, 'er_sde') : null;
  const sigmas = offsetFirstSigmaForSnr(sigmasIn, ms);
  const erLambdas = Array.from(sigmas, (s) => Math.exp(-halfLogSnr(s, ms))); // σ/α
  const points = 200;
  let x = copyOf(x0);
  let oldDenoised: Float32Array | null = null;
  let oldDenoisedD: Float32Array | null = null;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    await report(opts, i, sigmas, x, denoised);
    const stage = Math.min(maxStage, i + 1);
    if (sigmas[i + 1] === 0) {
      x = copyOf(denoised);
      oldDenoised = denoised;
      continue;
    }
    const ls = erLambdas[i]!;
    const lt = erLambdas[i + 1]!;
    const alphaS = sigmas[i]! / ls;
    const alphaT = sigmas[i + 1]! / lt;
    const rAlpha = alphaT / alphaS;
    const r = erSdeNoiseScaler(lt) / erSdeNoiseScaler(ls);
    for (let k = 0; k < x.length; k++) x[k] = rAlpha * r * x[k]! + alphaT * (1 - r) * denoised[k]!;
    if (stage >= 2 && oldDenoised) {
      const dt = lt - ls;
      const stepSize = -dt / points;
      let s = 0;
      let sU = 0;
      for (let p = 0; p < points; p++) {
        const pos = lt + p * stepSize;
        const scaled = erSdeNoiseScaler(pos);
        s += 1 / scaled;
        sU += (pos - ls) / scaled;
      }
      s *= stepSize;
      sU *= stepSize;
      const denoisedD = new Float32Array(x.length);
      const c2 = alphaT * (dt + s * erSdeNoiseScaler(lt));
      for (let k = 0; k < x.length; k++) {
        denoisedD[k] = (denoised[k]! - oldDenoised[k]!) / (ls - erLambdas[i - 1]!);
        x[k] = x[k]! + c2 * denoisedD[k]!;
      }
      if (stage >= 3 && oldDenoisedD) {
        const c3 = alphaT * (dt ** 2 / 2 + sU * erSdeNoiseScaler(lt));
        const span = (ls - erLambdas[i - 2]!) / 2;
        for (let k = 0; k < x.length; k++) x[k] = x[k]! + c3 * ((denoisedD[k]! - oldDenoisedD[k]!) / span);
      }
      oldDenoisedD = denoisedD;
    }
    if (noise) {
      const eps = noise(sigmas[i]!, sigmas[i + 1]!);
      const amount = Math.sqrt(lt ** 2 - ls ** 2 * r ** 2);
      const scale = Number.isNaN(amount) ? 0 : alphaT * sNoise * amount;
      for (let k = 0; k < x.length; k++) x[k] = x[k]! + eps[k]! * scale;
    }
    oldDenoised = denoised;
  }
  return x;
}
