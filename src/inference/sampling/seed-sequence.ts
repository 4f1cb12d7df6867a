// numpy's `SeedSequence` (numpy/random/bit_generator.pyx), which torchsde's Brownian tree uses to give every node
// of its interval tree a seed: `SeedSequence(entropy, spawn_key, pool_size).generate_state(n)` gives the same
// 32-bit words here. The construction (facts, after Melissa O'Neill's seed_seq_fe): the entropy and spawn key
// become 32-bit words (little end first); they are hashed into a pool and mixed all-against-all; each output word
// hashes one pool word with a running multiplier.

const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;

/** A non-negative integer as 32-bit words, least significant first (0 is one zero word, as numpy has it). */
function uint32Words(value: number | bigint): number[] {
  let n = BigInt(value);
  if (n < 0n) throw new RangeError(`SeedSequence takes non-negative integers, not ${value}`);
  const words: number[] = [];
  do {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  } while (n > 0n);
  return words;
}

export class SeedSequence {
  private readonly pool: Uint32Array;

  constructor(entropy: number | bigint, spawnKey: readonly (number | bigint)[] = [], poolSize = 4) {
    const run = uint32Words(entropy);
    const spawn = spawnKey.flatMap(uint32Words);
    // With a spawn key the entropy is zero-padded to the pool size, so a key can never look like more entropy.
    if (spawn.length > 0) while (run.length < poolSize) run.push(0);
    this.pool = mixEntropy(poolSize, [...run, ...spawn]);
  }

  /** `generate_state(n)` as uint32 words. */
  generateState(n: number): number[] {
    const out: number[] = [];
    let hashConst = INIT_B;
    for (let i = 0; i < n; i++) {
      let value = (this.pool[i % this.pool.length]! ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      value = Math.imul(value, hashConst) >>> 0;
      out.push((value ^ (value >>> XSHIFT)) >>> 0);
    }
    return out;
  }
}

function mixEntropy(poolSize: number, entropy: readonly number[]): Uint32Array {
  let hashConst = INIT_A;
  const hashmix = (input: number): number => {
    let value = (input ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> XSHIFT)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const result = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (result ^ (result >>> XSHIFT)) >>> 0;
  };
  const pool = new Uint32Array(poolSize);
  for (let i = 0; i < poolSize; i++) pool[i] = hashmix(i < entropy.length ? entropy[i]! : 0);
  for (let src = 0; src < poolSize; src++) {
    for (let dst = 0; dst < poolSize; dst++) if (src !== dst) pool[dst] = mix(pool[dst]!, hashmix(pool[src]!));
  }
  for (let src = poolSize; src < entropy.length; src++) {
    for (let dst = 0; dst < poolSize; dst++) pool[dst] = mix(pool[dst]!, hashmix(entropy[src]!));
  }
  return pool;
}
