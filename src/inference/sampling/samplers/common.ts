// What every sampler shares: the denoiser contract, options, the step callback and k-diffusion's small
// helpers (`to_d`, `get_ancestral_step`). Tensor arithmetic follows torch's float32 rounding where the
// formula is short (Math.fround after each operation); scalar σ arithmetic is float32 too where ComfyUI
// does it on 0-d float32 tensors.
import type { ModelSampling } from '../model-sampling.ts';
import type { NoiseSampler } from '../noise.ts';

export const f = Math.fround;

/**
 * The model as a sampler sees it: D(x, σ), the denoised prediction (CFG already applied). It returns a new
 * array on every call (samplers keep past predictions) and must not modify `x`. `shape` is given by samplers that
 * resize the latent as they go (default: the shape sampling started with).
 */
export type Denoiser = (x: Float32Array, sigma: number, shape?: readonly number[]) => Promise<Float32Array>;

export interface StepInfo {
  /** 0-based step index. */
  i: number;
  /** Number of steps (len(sigmas) − 1). */
  total: number;
  sigma: number;
  sigmaHat: number;
  /** The sampler state and the prediction at this step; valid only during the callback. */
  x: Float32Array;
  denoised: Float32Array;
  /** Their shape, when the sampler has resized the latent. */
  shape?: readonly number[];
}

export interface SamplerOptions {
  modelSampling: ModelSampling;
  /** Per-step noise for ancestral / SDE samplers (ComfyUI's default_noise_sampler); see noise.ts. */
  noise?: NoiseSampler;
  /** Brownian-motion increments for the SDE samplers that use torchsde's tree in ComfyUI. */
  brownian?: NoiseSampler;
  /** The last unconditional prediction, for the CFG++ samplers (the CFG wrapper records it). */
  uncondDenoised?: () => Float32Array;
  onStep?: (info: StepInfo) => void | Promise<void>;
  /** Sampler knobs, k-diffusion's keyword arguments (eta, s_noise, r, …). */
  eta?: number;
  sNoise?: number;
  /** The latent's shape [B, C, H, W], for samplers that resize it. */
  shape?: readonly number[];
  /** `torch.randn_like` on ComfyUI's global generator, which continues after the initial noise. */
  randnLike?: (size: number) => Float32Array;
  /** Told the new shape whenever a sampler resizes the latent (the result has the last one). */
  onResize?: (shape: readonly number[]) => void;
}

export type SamplerFunction = (denoise: Denoiser, x: Float32Array, sigmas: Float64Array, opts: SamplerOptions) => Promise<Float32Array>;

export async function report(
  opts: SamplerOptions, i: number, sigmas: Float64Array, x: Float32Array, denoised: Float32Array, sigmaHat = sigmas[i]!, shape?: readonly number[],
): Promise<void> {
  if (opts.onStep) await opts.onStep({ i, total: sigmas.length - 1, sigma: sigmas[i]!, sigmaHat, x, denoised, ...(shape ? { shape } : {}) });
}

export function requireNoise(opts: SamplerOptions, sampler: string): NoiseSampler {
  if (!opts.noise) throw new Error(`sampler ${sampler} needs a noise source (opts.noise)`);
  return opts.noise;
}

export function requireUncond(opts: SamplerOptions, sampler: string): Float32Array {
  const uncond = opts.uncondDenoised?.();
  if (!uncond) throw new Error(`sampler ${sampler} needs the unconditional prediction (opts.uncondDenoised)`);
  return uncond;
}

export function rejectFlow(opts: SamplerOptions, sampler: string): void {
  if (opts.modelSampling.isFlow) throw new Error(`sampler ${sampler} is not implemented for flow (CONST) models yet`);
}

/** `to_d`: the ODE derivative (x − D)/σ, in float32, into `out`. */
export function toD(x: Float32Array, sigma: number, denoised: Float32Array, out: Float32Array): Float32Array {
  const s = f(sigma);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]! - denoised[i]!) / s;
  return out;
}

/** `get_ancestral_step` on float32 σ values: [σ_down, σ_up]. */
export function ancestralStep(sigmaFrom: number, sigmaTo: number, eta = 1): [number, number] {
  if (!eta) return [sigmaTo, 0];
  const from2 = f(sigmaFrom * sigmaFrom);
  const to2 = f(sigmaTo * sigmaTo);
  const up = Math.min(sigmaTo, f(f(eta) * f(Math.sqrt(f(f(to2 * f(from2 - to2)) / from2)))));
  const down = f(Math.sqrt(f(to2 - f(up * up))));
  return [down, up];
}

/** x ← x + d·dt in float32 (torch: x + d * dt). */
export function eulerStep(x: Float32Array, d: Float32Array, dt: number): void {
  const h = f(dt);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + f(d[i]! * h);
}

/** x ← x + ε·s_noise·σ_up (float32, in torch's order). */
export function addNoise(x: Float32Array, noise: Float32Array, sNoise: number, scale: number): void {
  const s = f(sNoise);
  const k = f(scale);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + f(f(noise[i]! * s) * k);
}

/** The half-logSNR λ = −log σ of a non-flow model (log((1 − σ)/σ) for flow models). */
export function halfLogSnr(sigma: number, ms: ModelSampling): number {
  return ms.isFlow ? Math.log((1 - sigma) / sigma) : -Math.log(sigma);
}

/** Inverse of halfLogSnr. */
export function sigmaFromHalfLogSnr(lambda: number, ms: ModelSampling): number {
  return ms.isFlow ? 1 / (1 + Math.exp(lambda)) : Math.exp(-lambda);
}

/** `offset_first_sigma_for_snr`: a flow model's first σ ≥ 1 has no finite logSNR. */
export function offsetFirstSigmaForSnr(sigmas: Float64Array, ms: ModelSampling, percentOffset = 1e-4): Float64Array {
  if (sigmas.length <= 1 || !ms.isFlow || sigmas[0]! < 1) return sigmas;
  const out = sigmas.slice();
  out[0] = ms.percentToSigma(percentOffset);
  return out;
}

export function copyOf(x: Float32Array): Float32Array {
  return new Float32Array(x);
}
