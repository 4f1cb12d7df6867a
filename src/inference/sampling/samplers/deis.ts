// DEIS multistep (Zhang & Chen 2022) in its "tab" form, as ComfyUI runs it (comfy/k_diffusion/deis.py,
// from zju-pi diff-solvers): the σ grid is mapped to a VP schedule's time and the weights of the past slopes
// are integrated numerically (10,000 points).
import { copyOf, eulerStep, f, report, toD, type Denoiser, type SamplerOptions } from './common.ts';

/** σ (EDM time) → DEIS's VP time t, with that VP schedule's β₀ and β₁ (zju-pi diff-solvers `edm2t`). */
function edmToVpTime(sigmas: Float64Array, epsilonS = 1e-3, sigmaMin = 0.002, sigmaMax = 80) {
  const betaD = (2 * (Math.log(sigmaMin ** 2 + 1) / epsilonS - Math.log(sigmaMax ** 2 + 1))) / (epsilonS - 1);
  const betaMin = Math.log(sigmaMax ** 2 + 1) - 0.5 * betaD;
  const t = Array.from(sigmas, (s) => (Math.sqrt(betaMin ** 2 + 2 * betaD * Math.log(s * s + 1)) - betaMin) / betaD);
  return { t, beta0: betaMin, beta1: betaD + betaMin };
}

/** DEIS "tab" coefficients: the exponential-integrator weights of past slopes, integrated numerically. */
export function deisCoefficients(sigmas: Float64Array, maxOrder: number, points = 10000): number[][] {
  const { t, beta0, beta1 } = edmToVpTime(sigmas);
  const coeffs: number[][] = [];
  for (let i = 0; i < t.length - 1; i++) {
    const order = Math.min(i + 1, maxOrder);
    if (order === 1) {
      coeffs.push([]);
      continue;
    }
    const [tCur, tNext] = [t[i]!, t[i + 1]!];
    const dtau = (tNext - tCur) / points;
    const prev = Array.from({ length: order }, (_, k) => t[i - k]!);
    const sums = new Array<number>(order).fill(0);
    for (let p = 0; p < points; p++) {
      const tau = tCur + ((tNext - tCur) * p) / (points - 1);
      const alpha = Math.exp(-0.5 * tau * tau * (beta1 - beta0) - tau * beta0);
      const integrand = (-0.5 * (-tau * (beta1 - beta0) - beta0)) / Math.sqrt(alpha * (1 - alpha));
      for (let j = 0; j < order; j++) {
        let poly = 1;
        for (let k = 0; k < order; k++) if (k !== j) poly *= (tau - prev[k]!) / (prev[j]! - prev[k]!);
        sums[j]! += integrand * poly;
      }
    }
    coeffs.push(sums.map((s) => s * dtau));
  }
  return coeffs;
}

/** DEIS multistep (Zhang & Chen 2022), "tab" mode, order up to 3. */
export async function sampleDeis(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions, maxOrder = 3): Promise<Float32Array> {
  const x = copyOf(x0);
  const coeffList = deisCoefficients(sigmas, maxOrder);
  const buffer: Float32Array[] = [];
  let d: Float32Array = new Float32Array(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    await report(opts, i, sigmas, x, denoised);
    toD(x, sigmas[i]!, denoised, d);
    const order = sigmas[i + 1]! <= 0 ? 1 : Math.min(maxOrder, i + 1);
    if (order === 1) {
      eulerStep(x, d, f(sigmas[i + 1]! - sigmas[i]!));
    } else {
      const c = coeffList[i]!;
      for (let k = 0; k < x.length; k++) {
        let s = x[k]! + c[0]! * d[k]!;
        for (let j = 1; j < order; j++) s += c[j]! * buffer[buffer.length - j]![k]!;
        x[k] = s;
      }
    }
    buffer.push(d);
    d = buffer.length > maxOrder - 1 ? buffer.shift()! : new Float32Array(x.length);
  }
  return x;
}
