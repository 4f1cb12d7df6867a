// PyTorch's CPU random generator, reproduced draw for draw: `torch.manual_seed(seed)` followed by
// `torch.randn(shape)` in float32 gives the same numbers here (models.md §6.5). ComfyUI makes its
// initial noise this way (comfy/sample.py `prepare_noise`), and on CPU the per-step noise of the
// ancestral samplers too (generator seeded with seed + 1 in 0.8.0).
//
// Facts about torch (aten/src/ATen/core/MT19937RNGEngine.h, CPUGeneratorImpl.cpp,
// native/cpu/DistributionTemplates.h, core/DistributionsHelper.h):
// * the engine is the standard MT19937, seeded from the low 32 bits of the 64-bit seed;
// * a float32 uniform is `(u32 & 0xFFFFFF) * 2^-24`; a float64 uniform takes a 64-bit word built from
//   two u32 (first = high half) and keeps its low 53 bits;
// * `randn` of a contiguous float32 tensor with >= 16 values fills it with uniforms, then applies
//   Box–Muller in place to each block of 16 (u1 = 1 - d[j], u2 = d[j + 8], j < 8); if the size is not
//   a multiple of 16 the last 16 values are redrawn and transformed again (x86 builds use the AVX2
//   kernel with avx_mathfun's float32 log/sin/cos, reproduced in avx-mathfun.ts);
// * smaller tensors draw each value with the double-precision Box–Muller, which returns r·cos θ and
//   caches r·sin θ for the next value (the cache lives in the generator, reset by manual_seed).

import { logf, sincosf } from './avx-mathfun.ts';

const MT_N = 624;
const MT_M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;
const TWO_PI = 2 * Math.PI;
const TWO_PI_F32 = Math.fround(2 * Math.PI);
const INV_2_24 = 1 / 16777216;
const INV_2_53 = 1 / 9007199254740992;

/** The seed as torch receives it: any integer 0 … 2^64 − 1 (numbers must be safe integers). */
export type Seed = number | bigint;

/** Low 32 bits of a seed, the only part the MT19937 state depends on. */
export function seedLow32(seed: Seed): number {
  if (typeof seed === 'bigint') return Number(BigInt.asUintN(32, seed));
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed ${seed} is not an integer (use a bigint beyond 2^53)`);
  // `seed % 2^32` works for negative numbers too once brought into [0, 2^32).
  const low = seed % 4294967296;
  return low < 0 ? low + 4294967296 : low;
}

/** `seed + n` kept exact for big seeds (ComfyUI adds 1 for the ancestral samplers' noise). */
export function addToSeed(seed: Seed, n: number): Seed {
  if (typeof seed === 'bigint') return BigInt.asUintN(64, seed + BigInt(n));
  const sum = seed + n;
  return Number.isSafeInteger(sum) ? sum : BigInt.asUintN(64, BigInt(seed) + BigInt(n));
}

/** A torch.Generator on the CPU: MT19937 plus the cached second normal of the double path. */
export class TorchGenerator {
  private readonly state = new Uint32Array(MT_N);
  private index = MT_N;
  private nextDoubleNormal: number | null = null;

  constructor(seed: Seed = 67280421310721n) {
    this.manualSeed(seed);
  }

  /** `generator.manual_seed(seed)`. */
  manualSeed(seed: Seed): this {
    const s = this.state;
    s[0] = seedLow32(seed);
    for (let i = 1; i < MT_N; i++) {
      const prev = s[i - 1]! ^ (s[i - 1]! >>> 30);
      // 1812433253 * prev + i  (mod 2^32), split to stay exact in doubles.
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = MT_N;
    this.nextDoubleNormal = null;
    return this;
  }

  /** The next 32-bit output of MT19937 (`generator->random()`). */
  nextU32(): number {
    if (this.index >= MT_N) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A float32 uniform in [0, 1): `uniform_real_distribution<float>(0, 1)`. */
  uniformFloat(): number {
    return (this.nextU32() & 0xffffff) * INV_2_24;
  }

  /** A float64 uniform in [0, 1): `uniform_real_distribution<double>(0, 1)` (53 bits of random64()). */
  uniformDouble(): number {
    const hi = this.nextU32();
    const lo = this.nextU32();
    return ((hi & 0x1fffff) * 4294967296 + lo) * INV_2_53;
  }

  /** One standard normal from `normal_distribution<double>`, with torch's caching of the sine branch. */
  normalDouble(): number {
    if (this.nextDoubleNormal !== null) {
      const cached = this.nextDoubleNormal;
      this.nextDoubleNormal = null;
      return cached;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = TWO_PI * u1;
    this.nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** `torch.randn(size, dtype=float32, generator=this)` into `out` (allocated when not given). */
  randn(size: number, out: Float32Array = new Float32Array(size)): Float32Array {
    if (out.length < size) throw new RangeError(`randn: output holds ${out.length} values, ${size} needed`);
    if (size >= 16) {
      for (let i = 0; i < size; i++) out[i] = this.uniformFloat();
      for (let i = 0; i + 16 <= size; i += 16) boxMuller16(out, i);
      if (size % 16 !== 0) {
        const start = size - 16;
        for (let i = 0; i < 16; i++) out[start + i] = this.uniformFloat();
        boxMuller16(out, start);
      }
    } else {
      for (let i = 0; i < size; i++) out[i] = this.normalDouble();
    }
    return out;
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < MT_N; i++) {
      const y = (s[i]! & UPPER_MASK) | (s[(i + 1) % MT_N]! & LOWER_MASK);
      s[i] = s[(i + MT_M) % MT_N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }
}

const sinCos = new Float64Array(2);

/**
 * torch's `normal_fill_16_AVX2` on one block, in float32: u1 = 1 − d[j] maps [0, 1) to (0, 1] for the
 * log; θ = float32(2π)·u2; log, sin and cos are avx_mathfun's (see avx-mathfun.ts).
 */
function boxMuller16(d: Float32Array, at: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = Math.fround(1 - d[at + j]!);
    const u2 = d[at + j + 8]!;
    const radius = Math.fround(Math.sqrt(Math.fround(-2 * logf(u1))));
    sincosf(Math.fround(TWO_PI_F32 * u2), sinCos);
    d[at + j] = radius * sinCos[1]!;
    d[at + j + 8] = radius * sinCos[0]!;
  }
}

/** `torch.manual_seed(seed); torch.randn(shape)` on the CPU, float32. */
export function randn(seed: Seed, shape: readonly number[]): Float32Array {
  return new TorchGenerator(seed).randn(shapeSize(shape));
}

export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * ComfyUI's `prepare_noise`: one draw of the latent's shape, or, with a `batch_index` list, one draw of
 * [1, C, H, W] for every index 0 … max(batch_index) from the same generator, keeping the draws whose
 * index is listed (in the order of the list, duplicates repeated). ComfyUI draws it from torch's global
 * generator; pass `generator` to keep drawing from where it stops (`torch.randn_like` in a sampler).
 */
export function prepareNoise(shape: readonly number[], seed: Seed, batchIndex?: readonly number[], generator = new TorchGenerator(seed)): Float32Array {
  if (!batchIndex) return generator.randn(shapeSize(shape));
  const itemSize = shapeSize(shape.slice(1));
  const maxIndex = Math.max(...batchIndex);
  const wanted = new Set(batchIndex);
  const draws = new Map<number, Float32Array>();
  for (let i = 0; i <= maxIndex; i++) {
    const draw = generator.randn(itemSize);
    if (wanted.has(i)) draws.set(i, draw);
  }
  const out = new Float32Array(itemSize * batchIndex.length);
  batchIndex.forEach((index, k) => out.set(draws.get(index)!, k * itemSize));
  return out;
}

/** A source of fresh standard-normal noise for a sampler step from σ to σ' (k-diffusion's noise_sampler). */
export type NoiseSampler = (sigma: number, sigmaNext: number) => Float32Array;

/**
 * ComfyUI 0.8.0's `default_noise_sampler` on the CPU: a generator seeded with seed + 1, drawing noise of
 * the latent's size on every call. The returned array is reused between calls.
 */
export function defaultNoiseSampler(size: number, seed: Seed): NoiseSampler {
  const generator = new TorchGenerator(addToSeed(seed, 1));
  const buffer = new Float32Array(size);
  return () => generator.randn(size, buffer);
}
