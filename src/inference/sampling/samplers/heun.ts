// Second-order single-step samplers: Heun (Karras et al. 2022, Algorithm 2), Heun++ (heunpp2), and the
// DPM-Solver-2-inspired `dpm_2` / `dpm_2_ancestral` of k-diffusion.
import { addNoise, ancestralStep, copyOf, eulerStep, f, rejectFlow, report, requireNoise, toD, type Denoiser, type SamplerOptions } from './common.ts';

/** Heun: Euler predictor, then the average of both slopes (Euler on the last step, where σ' = 0). */
export async function sampleHeun(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  const x = copyOf(x0);
  const d = new Float32Array(x.length);
  const x2 = new Float32Array(x.length);
  const d2 = new Float32Array(x.length);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    toD(x, sigmas[i]!, denoised, d);
    await report(opts, i, sigmas, x, denoised);
    const dt = f(sigmas[i + 1]! - sigmas[i]!);
    if (sigmas[i + 1] === 0) {
      eulerStep(x, d, dt);
      continue;
    }
    x2.set(x);
    eulerStep(x2, d, dt);
    toD(x2, sigmas[i + 1]!, await denoise(x2, sigmas[i + 1]!), d2);
    for (let k = 0; k < x.length; k++) d[k] = f(d[k]! + d2[k]!) / 2;
    eulerStep(x, d, dt);
  }
  return x;
}

/** Heun++ (sd-webui-samplers-scheduler): three slopes weighted by σ/(3σ₀), Heun then Euler at the end. */
export async function sampleHeunpp2(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  const x = copyOf(x0);
  const n = x.length;
  const [d, x2, d2, x3, d3] = [0, 1, 2, 3, 4].map(() => new Float32Array(n)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const sEnd = sigmas[sigmas.length - 1];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    toD(x, sigmas[i]!, denoised, d);
    await report(opts, i, sigmas, x, denoised);
    const dt = f(sigmas[i + 1]! - sigmas[i]!);
    if (sigmas[i + 1] === sEnd) {
      eulerStep(x, d, dt);
      continue;
    }
    x2.set(x);
    eulerStep(x2, d, dt);
    toD(x2, sigmas[i + 1]!, await denoise(x2, sigmas[i + 1]!), d2);
    if (sigmas[i + 2] === sEnd) {
      const w2 = f(sigmas[i + 1]! / f(2 * sigmas[0]!));
      const w1 = f(1 - w2);
      for (let k = 0; k < n; k++) d[k] = f(d[k]! * w1) + f(d2[k]! * w2);
    } else {
      x3.set(x2);
      eulerStep(x3, d2, f(sigmas[i + 2]! - sigmas[i + 1]!));
      toD(x3, sigmas[i + 2]!, await denoise(x3, sigmas[i + 2]!), d3);
      const w = f(3 * sigmas[0]!);
      const w2 = f(sigmas[i + 1]! / w);
      const w3 = f(sigmas[i + 2]! / w);
      const w1 = f(f(1 - w2) - w3);
      for (let k = 0; k < n; k++) d[k] = f(f(w1 * d[k]!) + f(w2 * d2[k]!)) + f(w3 * d3[k]!);
    }
    eulerStep(x, d, dt);
  }
  return x;
}

/** exp(lerp(log a, log b, ½)) in float32, torch's lerp formula for weight ≥ ½. */
function logMidpoint(a: number, b: number): number {
  const la = f(Math.log(a));
  const lb = f(Math.log(b));
  return f(Math.exp(f(lb - f(f(lb - la) * 0.5))));
}

/** One DPM-Solver-2 step from σ to σ_to through the log-midpoint; x and d are updated. */
async function dpm2Step(denoise: Denoiser, x: Float32Array, d: Float32Array, sigma: number, sigmaTo: number, x2: Float32Array, d2: Float32Array): Promise<void> {
  const sigmaMid = logMidpoint(sigma, sigmaTo);
  x2.set(x);
  eulerStep(x2, d, f(sigmaMid - sigma));
  toD(x2, sigmaMid, await denoise(x2, sigmaMid), d2);
  eulerStep(x, d2, f(sigmaTo - sigma));
}

/** DPM-Solver-2-style midpoint steps (Euler on the last step). */
export async function sampleDpm2(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  const x = copyOf(x0);
  const [d, x2, d2] = [new Float32Array(x.length), new Float32Array(x.length), new Float32Array(x.length)];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    toD(x, sigmas[i]!, denoised, d);
    await report(opts, i, sigmas, x, denoised);
    if (sigmas[i + 1] === 0) eulerStep(x, d, f(sigmas[i + 1]! - sigmas[i]!));
    else await dpm2Step(denoise, x, d, sigmas[i]!, sigmas[i + 1]!, x2, d2);
  }
  return x;
}

/** Ancestral DPM-2: a midpoint step to σ_down, then fresh noise of size σ_up. */
export async function sampleDpm2Ancestral(denoise: Denoiser, x0: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  rejectFlow(opts, 'dpm_2_ancestral');
  const noise = requireNoise(opts, 'dpm_2_ancestral');
  const eta = opts.eta ?? 1;
  const sNoise = opts.sNoise ?? 1;
  const x = copyOf(x0);
  const [d, x2, d2] = [new Float32Array(x.length), new Float32Array(x.length), new Float32Array(x.length)];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = await denoise(x, sigmas[i]!);
    const [sigmaDown, sigmaUp] = ancestralStep(sigmas[i]!, sigmas[i + 1]!, eta);
    await report(opts, i, sigmas, x, denoised);
    toD(x, sigmas[i]!, denoised, d);
    if (sigmaDown === 0) {
      eulerStep(x, d, f(sigmaDown - sigmas[i]!));
      continue;
    }
    await dpm2Step(denoise, x, d, sigmas[i]!, sigmaDown, x2, d2);
    addNoise(x, noise(sigmas[i]!, sigmas[i + 1]!), sNoise, sigmaUp);
  }
  return x;
}
