// NumPy's legacy global generator as the dataset nodes use it: `np.random.seed(int)` (MT19937 seeded like
// init_genrand, the same engine torch uses), `randint(low, high)` and `permutation(n)`, both drawing bounded
// integers by masked rejection of 32-bit outputs (numpy/random/src/distributions: random_interval).
import { TorchGenerator } from '../../inference/sampling/noise.ts';

/** ComfyUI's `seed % (2**32 - 1)`, for seeds up to 2^64 − 1. */
export function datasetSeed(seed: number | bigint): number {
  return Number(BigInt(seed) % 0xffffffffn);
}

export class NumpyLegacyRandom {
  private readonly mt: TorchGenerator;

  constructor(seed: number) {
    this.mt = new TorchGenerator(seed);
  }

  /** A uniform integer in [0, max] (max < 2^32). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    for (let shift = 1; shift <= 16; shift *= 2) mask |= mask >>> shift;
    mask >>>= 0;
    let value: number;
    do value = (this.mt.nextU32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** `randint(low, high)`: a uniform integer in [low, high). */
  randint(low: number, high: number): number {
    if (high <= low) throw new Error(`randint: low (${low}) must be below high (${high})`);
    return low + this.interval(high - 1 - low);
  }

  /** `permutation(n)`: a Fisher–Yates shuffle of 0 … n−1, swapping from the end. */
  permutation(n: number): number[] {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i >= 1; i--) {
      const j = this.interval(i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }
}
