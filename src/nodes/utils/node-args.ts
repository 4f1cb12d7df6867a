// Checks shared by the model-free nodes. The engine validates widget ranges before a node runs, but nodes are also
// called directly (tests, node expansion) and linked values skip range checks, so each node re-checks what would
// otherwise crash or allocate absurd amounts of memory, with a message naming the input.
import { Tensor } from '../../inference/tensor.ts';
import type { Latent } from '../../inference/tensor.ts';

/** The largest tensor a model-free node will allocate (float32 values): 2^31 values = 8 GiB. */
export const MAX_TENSOR_VALUES = 2 ** 31;

/** ComfyUI's MAX_RESOLUTION (nodes.py). */
export const MAX_RESOLUTION = 16384;

export function requireInt(name: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new Error(`${name} must be an integer, got ${String(value)}`);
  if (n < min || n > max) throw new Error(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function requireNumber(name: string, value: unknown, min = -Infinity, max = Infinity): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || Number.isNaN(n)) throw new Error(`${name} must be a number, got ${String(value)}`);
  if (n < min || n > max) throw new Error(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function requireChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new Error(`${name} must be one of ${choices.join(', ')}, got ${String(value)}`);
  }
  return value as T;
}

export function requireString(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new Error(`${name} must be a string, got ${typeof value}`);
  return value;
}

/** A zero tensor, refusing shapes that are empty-dimensioned, non-integer or too large to allocate. */
export function allocTensor(shape: readonly number[], what = 'tensor'): Tensor {
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${what}: invalid shape [${shape.join(', ')}]`);
    size *= d;
  }
  if (size > MAX_TENSOR_VALUES) {
    throw new Error(`${what} of shape [${shape.join(', ')}] is too large (${size} values, limit ${MAX_TENSOR_VALUES})`);
  }
  return new Tensor(shape);
}

export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

/** Checks a LATENT input: an object whose `samples` is a tensor of rank 3 or more. */
export function requireLatent(name: string, value: unknown): Latent {
  const samples = (value as Latent | null)?.samples;
  if (typeof value !== 'object' || value === null || !isTensor(samples)) {
    throw new Error(`${name} must be a LATENT (an object with a samples tensor)`);
  }
  if (samples.rank < 3) throw new Error(`${name}: latent samples must have at least 3 dimensions, got [${samples.shape.join(', ')}]`);
  return value as Latent;
}

/** Checks a MASK input: [B, H, W] or [H, W] (ComfyUI accepts both); returned as a [B, H, W] view. */
export function requireMask(name: string, value: unknown): Tensor {
  if (!isTensor(value)) throw new Error(`${name} must be a MASK tensor`);
  if (value.rank < 2) throw new Error(`${name}: a mask needs at least 2 dimensions, got [${value.shape.join(', ')}]`);
  const h = value.shape[value.rank - 2]!;
  const w = value.shape[value.rank - 1]!;
  const b = h * w === 0 ? 0 : value.size / (h * w);
  return value.rank === 3 ? value : value.reshape([b, h, w]);
}

/** Checks an IMAGE input: [B, H, W, C]. */
export function requireImage(name: string, value: unknown): Tensor {
  if (!isTensor(value) || value.rank !== 4) {
    throw new Error(`${name} must be an IMAGE tensor [batch, height, width, channels]`);
  }
  return value;
}

/** Python's dict.copy() of a LATENT: same tensors, own key set. */
export function copyLatent(latent: Latent): Latent {
  return { ...latent };
}
