// Samplers that jump through x0: ancestral DDPM (`sample_ddpm`, run in the variance-preserving scale) and
// the Latent Consistency Model sampler (`sample_lcm`: take D, re-noise to the next σ).
import { copyOf, f, report, requireNoise, type Denoiser, type SamplerOptions } from './common.ts';

/** DDPM ancestral steps on x/√(1+σ²) with ᾱ = 1/(σ² + 1). */
export async function sampleDdpm(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  const noise = requireNoise(opts, 'ddpm');
  const x = copyOf(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i]!;
    const sigmaNext = sigmas[i + 1]!;
    const denoised = await denoise(x, sigma);
    await report(opts, i, sigmas, x, denoised);
    const alphaCumprod = 1 / (sigma * sigma + 1);
    const alphaCumprodPrev = 1 / (sigmaNext * sigmaNext + 1);
    const alpha = alphaCumprod / alphaCumprodPrev;
    const inScale = 1 / Math.sqrt(1 + sigma * sigma);
    const muScale = Math.sqrt(1 / alpha);
    const epsScale = (1 - alpha) / Math.sqrt(1 - alphaCumprod);
    for (let k = 0; k < x.length; k++) {
      const eps = (x[k]! - denoised[k]!) / sigma;
      x[k] = muScale * (x[k]! * inScale - epsScale * eps);
    }
    if (sigmaNext > 0) {
      const eps = noise(sigma, sigmaNext);
      const scale = Math.sqrt(((1 - alpha) * (1 - alphaCumprodPrev)) / (1 - alphaCumprod));
      const outScale = Math.sqrt(1 + sigmaNext * sigmaNext);
      for (let k = 0; k < x.length; k++) x[k] = (x[k]! + scale * eps[k]!) * outScale;
    }
  }
  return x;
}

/** LCM: x ← D, then noise_scaling to σ' with fresh noise (none after the last step). */
export async function sampleLcm(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  const noise = requireNoise(opts, 'lcm');
  let x = copyOf(x0);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    await report(opts, i, sigmas, x, denoised);
    x = copyOf(denoised);
    if (sigmas[i + 1]! > 0) {
      opts.modelSampling.noiseScaling(f(sigmas[i + 1]!), noise(sigmas[i]!, sigmas[i + 1]!), x, false, x);
    }
  }
  return x;
}
