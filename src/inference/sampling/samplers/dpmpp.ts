// DPM-Solver++ samplers (Lu et al. 2022): 2S ancestral (and its CFG++ variant), the stochastic SDE
// variants with Brownian noise (dpmpp_sde, 2M SDE with midpoint/heun correction, 3M SDE), following
// ComfyUI's k_diffusion/sampling.py for non-flow models. Scalars are computed in double here; the
// per-element updates are rounded once to float32.
import {
  ancestralStep,
  copyOf,
  eulerStep,
  f,
  halfLogSnr,
  offsetFirstSigmaForSnr,
  rejectFlow,
  report,
  requireNoise,
  requireUncond,
  sigmaFromHalfLogSnr,
  toD,
  type Denoiser,
  type SamplerOptions,
} from './common.ts';

/** DPM-Solver++(2S) ancestral: a log-σ midpoint evaluation toward σ_down, then fresh noise of size σ_up. */
export async function sampleDpmpp2sAncestral(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  rejectFlow(opts, 'dpmpp_2s_ancestral');
  const noise = requireNoise(opts, 'dpmpp_2s_ancestral');
  const eta = opts.eta ?? 1;
  const sNoise = opts.sNoise ?? 1;
  const x = copyOf(x0);
  const x2 = new Float32Array(x.length);
  const d = new Float32Array(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i]!;
    const denoised = await denoise(x, sigma);
    const [sigmaDown, sigmaUp] = ancestralStep(sigma, sigmas[i + 1]!, eta);
    await report(opts, i, sigmas, x, denoised);
    if (sigmaDown === 0) {
      eulerStep(x, toD(x, sigma, denoised, d), f(sigmaDown - sigma));
    } else {
      const t = -Math.log(sigma);
      const h = -Math.log(sigmaDown) - t;
      const sigmaS = Math.exp(-(t + h / 2));
      const a1 = sigmaS / sigma;
      const b1 = Math.expm1(-h / 2);
      for (let k = 0; k < x.length; k++) x2[k] = a1 * x[k]! - b1 * denoised[k]!;
      const denoised2 = await denoise(x2, f(sigmaS));
      const a2 = sigmaDown / sigma;
      const b2 = Math.expm1(-h);
      for (let k = 0; k < x.length; k++) x[k] = a2 * x[k]! - b2 * denoised2[k]!;
    }
    if (sigmas[i + 1]! > 0) {
      const eps = noise(sigma, sigmas[i + 1]!);
      for (let k = 0; k < x.length; k++) x[k] = x[k]! + eps[k]! * sNoise * sigmaUp;
    }
  }
  return x;
}

/** DPM-Solver++(2S) ancestral with CFG++: steps on the unconditional prediction, adds the guidance after. */
export async function sampleDpmpp2sAncestralCfgPp(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  rejectFlow(opts, 'dpmpp_2s_ancestral_cfg_pp');
  const noise = requireNoise(opts, 'dpmpp_2s_ancestral_cfg_pp');
  const eta = opts.eta ?? 1;
  const sNoise = opts.sNoise ?? 1;
  const x = copyOf(x0);
  const x2 = new Float32Array(x.length);
  const guidance = new Float32Array(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i]!;
    const denoised = await denoise(x, sigma);
    const uncond = requireUncond(opts, 'dpmpp_2s_ancestral_cfg_pp');
    for (let k = 0; k < x.length; k++) guidance[k] = denoised[k]! - uncond[k]!;
    const [sigmaDown, sigmaUp] = ancestralStep(sigma, sigmas[i + 1]!, eta);
    await report(opts, i, sigmas, x, denoised);
    if (sigmaDown === 0) {
      for (let k = 0; k < x.length; k++) x[k] = x[k]! + ((x[k]! - uncond[k]!) / sigma) * (sigmaDown - sigma);
    } else {
      const t = -Math.log(sigma);
      const h = -Math.log(sigmaDown) - t;
      const sigmaS = Math.exp(-(t + h / 2));
      const a1 = sigmaS / sigma;
      const b1 = Math.expm1(-h / 2);
      for (let k = 0; k < x.length; k++) x2[k] = a1 * x[k]! - b1 * uncond[k]!;
      await denoise(x2, f(sigmaS)); // only its unconditional prediction is used
      const uncond2 = requireUncond(opts, 'dpmpp_2s_ancestral_cfg_pp');
      const a2 = sigmaDown / sigma;
      const b2 = Math.expm1(-h);
      for (let k = 0; k < x.length; k++) x[k] = a2 * x[k]! - b2 * uncond2[k]!;
    }
    if (sigmas[i + 1]! > 0) {
      const eps = noise(sigma, sigmas[i + 1]!);
      for (let k = 0; k < x.length; k++) x[k] = x[k]! + eps[k]! * sNoise * sigmaUp;
    }
    for (let k = 0; k < x.length; k++) x[k] = x[k]! + guidance[k]!;
  }
  return x;
}

function requireBrownian(opts: SamplerOptions, sampler: string) {
  if (!opts.brownian) throw new Error(`sampler ${sampler} needs a Brownian noise source (opts.brownian)`);
  return opts.brownian;
}

/** DPM-Solver++ (stochastic), r = ½: two evaluations per step with Brownian noise in both stages. */
export async function sampleDpmppSde(denoise: Denoiser, x0: Float32Array, sigmasIn: Float64Array, opts: SamplerOptions, r = 0.5): Promise<Float32Array> {
  if (sigmasIn.length <= 1) return copyOf(x0);
  const ms = opts.modelSampling;
  const eta = opts.eta ?? 1;
  const sNoise = opts.sNoise ?? 1;
  const brownian = requireBrownian(opts, 'dpmpp_sde');
  const sigmas = offsetFirstSigmaForSnr(sigmasIn, ms);
  const x = copyOf(x0);
  const x2 = new Float32Array(x.length);
  const fac = 1 / (2 * r);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    await report(opts, i, sigmas, x, denoised);
    if (sigmas[i + 1] === 0) {
      x.set(denoised);
      continue;
    }
    const lambdaS = halfLogSnr(sigmas[i]!, ms);
    const lambdaT = halfLogSnr(sigmas[i + 1]!, ms);
    const h = lambdaT - lambdaS;
    const lambdaS1 = lambdaS + r * h;
    const sigmaS1 = sigmaFromHalfLogSnr(lambdaS1, ms);
    const alphaS = sigmas[i]! * Math.exp(lambdaS);
    const alphaS1 = sigmaS1 * Math.exp(lambdaS1);
    const alphaT = sigmas[i + 1]! * Math.exp(lambdaT);
    // Step 1
    let [sd, su] = ancestralStep(Math.exp(-lambdaS), Math.exp(-lambdaS1), eta);
    let hh = -Math.log(sd) - lambdaS;
    let a = (alphaS1 / alphaS) * Math.exp(-hh);
    let b = alphaS1 * Math.expm1(-hh);
    for (let k = 0; k < x.length; k++) x2[k] = a * x[k]! - b * denoised[k]!;
    if (eta > 0 && sNoise > 0) {
      const w = brownian(sigmas[i]!, sigmaS1);
      for (let k = 0; k < x.length; k++) x2[k] = x2[k]! + alphaS1 * w[k]! * sNoise * su;
    }
    const denoised2 = await denoise(x2, f(sigmaS1));
    // Step 2
    [sd, su] = ancestralStep(Math.exp(-lambdaS), Math.exp(-lambdaT), eta);
    hh = -Math.log(sd) - lambdaS;
    a = (alphaT / alphaS) * Math.exp(-hh);
    b = alphaT * Math.expm1(-hh);
    for (let k = 0; k < x.length; k++) x[k] = a * x[k]! - b * ((1 - fac) * denoised[k]! + fac * denoised2[k]!);
    if (eta > 0 && sNoise > 0) {
      const w = brownian(sigmas[i]!, sigmas[i + 1]!);
      for (let k = 0; k < x.length; k++) x[k] = x[k]! + alphaT * w[k]! * sNoise * su;
    }
  }
  return x;
}

/** DPM-Solver++(2M) SDE with the midpoint (default) or heun correction. */
export async function sampleDpmpp2mSde(denoise: Denoiser, x0: Float32Array, sigmasIn: Float64Array, opts: SamplerOptions, solverType: 'midpoint' | 'heun' = 'midpoint'): Promise<Float32Array> {
  return multistepSde(denoise, x0, sigmasIn, opts, 2, solverType);
}

/** DPM-Solver++(3M) SDE: second-order corrections from the two previous predictions. */
export async function sampleDpmpp3mSde(denoise: Denoiser, x0: Float32Array, sigmasIn: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  return multistepSde(denoise, x0, sigmasIn, opts, 3, 'midpoint');
}

async function multistepSde(denoise: Denoiser, x0: Float32Array, sigmasIn: Float64Array, opts: SamplerOptions, order: 2 | 3, solverType: 'midpoint' | 'heun'): Promise<Float32Array> {
  if (sigmasIn.length <= 1) return copyOf(x0);
  const name = order === 2 ? 'dpmpp_2m_sde' : 'dpmpp_3m_sde';
  const ms = opts.modelSampling;
  const eta = opts.eta ?? 1;
  const sNoise = opts.sNoise ?? 1;
  const brownian = requireBrownian(opts, name);
  const sigmas = offsetFirstSigmaForSnr(sigmasIn, ms);
  const x = copyOf(x0);
  let denoised1: Float32Array | null = null;
  let denoised2: Float32Array | null = null;
  let h: number | null = null;
  let h1: number | null = null;
  let h2: number | null = null;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    await report(opts, i, sigmas, x, denoised);
    if (sigmas[i + 1] === 0) {
      x.set(denoised);
    } else {
      const lambdaS = halfLogSnr(sigmas[i]!, ms);
      const lambdaT = halfLogSnr(sigmas[i + 1]!, ms);
      h = lambdaT - lambdaS;
      const hEta = h * (eta + 1);
      const alphaT = sigmas[i + 1]! * Math.exp(lambdaT);
      const a = (sigmas[i + 1]! / sigmas[i]!) * Math.exp(-h * eta);
      const b = -alphaT * Math.expm1(-hEta);
      for (let k = 0; k < x.length; k++) x[k] = a * x[k]! + b * denoised[k]!;
      const phi2 = Math.expm1(-hEta) / hEta + 1;
      if (order === 3 && h2 !== null && denoised2 && denoised1) {
        const r0 = h1! / h;
        const r1 = h2 / h;
        const phi3 = phi2 / hEta - 0.5;
        for (let k = 0; k < x.length; k++) {
          const d10 = (denoised[k]! - denoised1[k]!) / r0;
          const d11 = (denoised1[k]! - denoised2[k]!) / r1;
          const d1 = d10 + ((d10 - d11) * r0) / (r0 + r1);
          const d2 = (d10 - d11) / (r0 + r1);
          x[k] = x[k]! + alphaT * phi2 * d1 - alphaT * phi3 * d2;
        }
      } else if (h1 !== null && denoised1) {
        const r = h1 / h;
        // 3M's second-order fallback equals 2M SDE's heun correction.
        const c = order === 3 || solverType === 'heun' ? alphaT * phi2 * (1 / r) : -0.5 * alphaT * Math.expm1(-hEta) * (1 / r);
        for (let k = 0; k < x.length; k++) x[k] = x[k]! + c * (denoised[k]! - denoised1[k]!);
      }
      if (eta > 0 && sNoise > 0) {
        const w = brownian(sigmas[i]!, sigmas[i + 1]!);
        const scale = sigmas[i + 1]! * Math.sqrt(-Math.expm1(-2 * h * eta)) * sNoise;
        for (let k = 0; k < x.length; k++) x[k] = x[k]! + w[k]! * scale;
      }
    }
    denoised2 = denoised1;
    denoised1 = denoised;
    h2 = h1;
    h1 = h;
  }
  return x;
}
