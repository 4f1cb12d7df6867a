// Euler-family samplers (k-diffusion `sample_euler`, `sample_euler_ancestral`, and ComfyUI's CFG++
// variants `sample_euler_cfg_pp` / `sample_euler_ancestral_cfg_pp`).
import {
  addNoise,
  ancestralStep,
  copyOf,
  eulerStep,
  f,
  halfLogSnr,
  rejectFlow,
  report,
  requireNoise,
  requireUncond,
  toD,
  type Denoiser,
  type SamplerOptions,
} from './common.ts';

/** Karras et al. (2022) Algorithm 2 without churn: x ← x + d·(σ' − σ). */
export async function sampleEuler(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  const x = copyOf(x0);
  const d = new Float32Array(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    toD(x, sigmas[i]!, denoised, d);
    await report(opts, i, sigmas, x, denoised);
    eulerStep(x, d, f(sigmas[i + 1]! - sigmas[i]!));
  }
  return x;
}

/** Ancestral Euler: step to σ_down, then add fresh noise of size σ_up (the last step lands on D). */
export async function sampleEulerAncestral(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  rejectFlow(opts, 'euler_ancestral');
  const noise = requireNoise(opts, 'euler_ancestral');
  const eta = opts.eta ?? 1;
  const sNoise = opts.sNoise ?? 1;
  let x = copyOf(x0);
  const d = new Float32Array(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    const [sigmaDown, sigmaUp] = ancestralStep(sigmas[i]!, sigmas[i + 1]!, eta);
    await report(opts, i, sigmas, x, denoised);
    if (sigmaDown === 0) {
      x = copyOf(denoised);
      continue;
    }
    toD(x, sigmas[i]!, denoised, d);
    eulerStep(x, d, f(sigmaDown - sigmas[i]!));
    addNoise(x, noise(sigmas[i]!, sigmas[i + 1]!), sNoise, sigmaUp);
  }
  return x;
}

/** α_σ = σ·e^λ (1 for these models, up to float32 rounding). */
function alphaOf(sigma: number, opts: SamplerOptions): number {
  return f(sigma * f(Math.exp(f(halfLogSnr(sigma, opts.modelSampling)))));
}

/**
 * CFG++ ancestral Euler (ComfyUI `sample_euler_ancestral_cfg_pp`): the derivative is taken from the
 * unconditional prediction, the step is anchored on the guided one.
 */
export async function sampleEulerAncestralCfgPp(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  const eta = opts.eta ?? 1;
  const sNoise = opts.sNoise ?? 1;
  const noise = eta > 0 && sNoise > 0 ? requireNoise(opts, 'euler_ancestral_cfg_pp') : null;
  let x = copyOf(x0);
  const scaledUncond = new Float32Array(x.length);
  const d = new Float32Array(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    const uncond = requireUncond(opts, 'euler_ancestral_cfg_pp');
    await report(opts, i, sigmas, x, denoised);
    if (sigmas[i + 1] === 0) {
      x = copyOf(denoised);
      continue;
    }
    const alphaS = alphaOf(sigmas[i]!, opts);
    const alphaT = alphaOf(sigmas[i + 1]!, opts);
    for (let k = 0; k < x.length; k++) scaledUncond[k] = alphaS * uncond[k]!;
    toD(x, sigmas[i]!, scaledUncond, d);
    const [down, up] = ancestralStep(f(sigmas[i]! / alphaS), f(sigmas[i + 1]! / alphaT), eta);
    const sigmaDown = f(alphaT * down);
    for (let k = 0; k < x.length; k++) x[k] = f(alphaT * denoised[k]!) + f(sigmaDown * d[k]!);
    if (noise) {
      const eps = noise(sigmas[i]!, sigmas[i + 1]!);
      for (let k = 0; k < x.length; k++) x[k] = x[k]! + f(f(f(alphaT * eps[k]!) * f(sNoise)) * up);
    }
  }
  return x;
}

/** CFG++ Euler: the ancestral variant with η = 0 and no noise. */
export function sampleEulerCfgPp(denoise: Denoiser, x: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  return sampleEulerAncestralCfgPp(denoise, x, sigmas, { ...opts, eta: 0, sNoise: 0 });
}
