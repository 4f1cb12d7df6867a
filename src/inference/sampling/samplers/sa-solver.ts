// SA-Solver, the stochastic Adams predictor–corrector of Xue et al. (NeurIPS 2023, arXiv 2309.05019), in
// data prediction and half-logSNR time as ComfyUI runs it (comfy/k_diffusion/sa_solver.py): predictor
// order 3, corrector order 4, noise (τ = 1) only while σ lies between the 20% and 80% points of the
// schedule, and the final predictor state returned (0.8.0).
import { logGamma } from '../beta-distribution.ts';
import { copyOf, halfLogSnr, offsetFirstSigmaForSnr, report, requireNoise, type Denoiser, type SamplerOptions } from './common.ts';

/** (1 + τ²)·∫_s^t e^{(1+τ²)x}·x^p dx with e^{(1+τ²)t} factored out, for p < order (integration by parts). */
function exponentialCoeffs(s: number, t: number, order: number, tau: number): number[] {
  const tauMul = 1 + tau * tau;
  const h = t - s;
  const product = Array.from({ length: order }, (_, p) => t ** p - s ** p * Math.exp(-tauMul * h));
  const out = new Array<number>(order).fill(0);
  for (let i = 0; i < order; i++) {
    for (let j = 0; j <= i; j++) {
      let logCoeff = logGamma(i + 1) - logGamma(j + 1);
      if (tau > 0) logCoeff -= (i - j) * Math.log(tauMul);
      out[i]! += Math.exp(logCoeff) * ((i - j) % 2 === 0 ? 1 : -1) * product[j]!;
    }
  }
  return out;
}

/** Solves V·x = b for a small dense system (Gaussian elimination, partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const k = m[r]![c]! / m[c]![c]!;
      for (let q = c; q <= n; q++) m[r]![q]! -= k * m[c]![q]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let q = r + 1; q < n; q++) s -= m[r]![q]! * x[q]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/** b_i of eqs. 15/18: α_t times the exponentially weighted integrals of the Lagrange basis over `lambdas`. */
export function stochasticAdamsCoeffs(sigmaNext: number, lambdas: number[], lambdaS: number, lambdaT: number, tau: number): number[] {
  const n = lambdas.length;
  const integrals = exponentialCoeffs(lambdaS, lambdaT, n, tau);
  const vandermondeT = Array.from({ length: n }, (_, p) => lambdas.map((l) => l ** p));
  const alphaT = sigmaNext * Math.exp(lambdaT);
  return solve(vandermondeT, integrals).map((v) => alphaT * v);
}

function combine(preds: Float32Array[], coeffs: number[], size: number): Float64Array {
  const out = new Float64Array(size);
  preds.forEach((pred, k) => {
    for (let i = 0; i < size; i++) out[i]! += pred[i]! * coeffs[k]!;
  });
  return out;
}

export async function sampleSaSolver(denoise: Denoiser, x0: Float32Array, sigmasIn: Float64Array, opts: SamplerOptions, usePece = false): Promise<Float32Array> {
  if (sigmasIn.length <= 1) return copyOf(x0);
  const ms = opts.modelSampling;
  const sNoise = opts.sNoise ?? 1;
  const [predictorOrder, correctorOrder] = [3, 4];
  const sigmas = offsetFirstSigmaForSnr(sigmasIn, ms);
  const lambdas = Array.from(sigmas, (s) => halfLogSnr(s, ms));
  const [startSigma, endSigma] = [ms.percentToSigma(0.2), ms.percentToSigma(0.8)];
  const tauOf = (sigma: number) => (startSigma >= sigma && sigma > endSigma ? 1 : 0);
  const noiseSampler = sNoise > 0 ? requireNoise(opts, usePece ? 'sa_solver_pece' : 'sa_solver') : null;
  const size = x0.length;
  const lowerOrderToEnd = sigmas[sigmas.length - 1] === 0;
  let x = copyOf(x0);
  let xPred = copyOf(x0);
  let h = 0;
  let tau = 0;
  let noise: Float32Array | null = null;
  let preds: Float32Array[] = [];
  for (let i = 0; i < sigmas.length - 1; i++) {
    let denoised = await denoise(xPred, sigmas[i]!);
    await report(opts, i, sigmas, xPred, denoised);
    preds.push(denoised);
    preds = preds.slice(-Math.max(predictorOrder, correctorOrder));
    let pOrder = Math.min(predictorOrder, preds.length);
    let cOrder = i === 0 || (sigmas[i + 1] === 0 && !usePece) ? 0 : Math.min(correctorOrder, preds.length);
    if (lowerOrderToEnd) {
      pOrder = Math.min(pOrder, sigmas.length - 2 - i);
      cOrder = Math.min(cOrder, sigmas.length - 1 - i);
    }
    if (cOrder === 0) {
      x = xPred;
    } else {
      const b = stochasticAdamsCoeffs(sigmas[i]!, lambdas.slice(i - cOrder + 1, i + 1), lambdas[i - 1]!, lambdas[i]!, tau);
      const corr = combine(preds.slice(-cOrder), b, size);
      const a = (sigmas[i]! / sigmas[i - 1]!) * Math.exp(-(tau * tau) * h);
      const next = new Float32Array(size);
      for (let k = 0; k < size; k++) next[k] = a * x[k]! + corr[k]! + (tau > 0 && noise ? noise[k]! : 0);
      x = next;
      if (usePece) {
        denoised = await denoise(x, sigmas[i]!);
        preds[preds.length - 1] = denoised;
      }
    }
    if (sigmas[i + 1] === 0) {
      xPred = copyOf(denoised);
      continue;
    }
    tau = tauOf(sigmas[i + 1]!);
    const b = stochasticAdamsCoeffs(sigmas[i + 1]!, lambdas.slice(i - pOrder + 1, i + 1), lambdas[i]!, lambdas[i + 1]!, tau);
    const pred = combine(preds.slice(-pOrder), b, size);
    h = lambdas[i + 1]! - lambdas[i]!;
    const a = (sigmas[i + 1]! / sigmas[i]!) * Math.exp(-(tau * tau) * h);
    xPred = new Float32Array(size);
    for (let k = 0; k < size; k++) xPred[k] = a * x[k]! + pred[k]!;
    if (tau > 0 && noiseSampler) {
      const eps = noiseSampler(sigmas[i]!, sigmas[i + 1]!);
      const scale = sigmas[i + 1]! * Math.sqrt(-Math.expm1(-2 * tau * tau * h)) * sNoise;
      noise = Float32Array.from(eps, (e) => e * scale);
      for (let k = 0; k < size; k++) xPred[k] = xPred[k]! + noise[k]!;
    }
  }
  return xPred;
}
