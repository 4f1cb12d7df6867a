// Shared by the sampling tests: where the shared reference data lives, a safetensors trace loader, and a
// toy analytic model.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSafetensors } from '../../src/inference/files/safetensors.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** shared/ sits beside the repository. */
export const SHARED = resolve(REPO_ROOT, '..', 'shared');
export const TORCH_NOISE = join(SHARED, 'data', 'torch-noise');
export const FIDELITY = join(SHARED, 'fidelity');
export const TRACE = join(FIDELITY, 'txt2img_64_seed42_trace.safetensors');
export const UNET_STEP0 = join(FIDELITY, 'unet_step0.safetensors');

/** A skip reason when a shared file is absent (the suite still runs without shared/). */
export function skipUnless(path: string): string | false {
  return existsSync(path) ? false : `${path} is not present`;
}

export interface LoadedTensor {
  shape: number[];
  data: Float32Array;
}

/** Every tensor of a safetensors file as float32. */
export async function loadTensors(path: string): Promise<Map<string, LoadedTensor>> {
  const file = await openSafetensors(path);
  const out = new Map<string, LoadedTensor>();
  try {
    for (const [name, ref] of file.tensors) out.set(name, { shape: ref.shape, data: await file.readFloat32(ref) });
  } finally {
    await file.close?.();
  }
  return out;
}

export function get(tensors: Map<string, LoadedTensor>, name: string): LoadedTensor {
  const t = tensors.get(name);
  if (!t) throw new Error(`tensor ${name} missing`);
  return t;
}

/** Item `i` along the first axis. */
export function item(t: LoadedTensor, i: number): Float32Array {
  const size = t.data.length / t.shape[0]!;
  return t.data.subarray(i * size, (i + 1) * size);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}

export function std(a: ArrayLike<number>): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - m) ** 2;
  return Math.sqrt(s / a.length);
}

/**
 * Data distributed as N(mu, s²) independently per element: the ideal denoiser is known in closed form,
 * D(x, σ) = (s²·x + σ²·mu)/(s² + σ²), and the probability-flow ODE from σ_max to 0 maps x to
 * mu + (x − mu)·s/√(s² + σ_max²).
 */
export function gaussianDenoiser(mu: number, s: number) {
  let calls = 0;
  const denoise = async (x: Float32Array, sigma: number) => {
    calls++;
    const out = new Float32Array(x.length);
    const v = s * s;
    for (let i = 0; i < x.length; i++) out[i] = (v * x[i]! + sigma * sigma * mu) / (v + sigma * sigma);
    return out;
  };
  return { denoise, calls: () => calls };
}
