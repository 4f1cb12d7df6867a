// Brownian-motion noise for the SDE samplers (dpmpp_sde, dpmpp_2m_sde*, dpmpp_3m_sde*), number for number as
// ComfyUI draws it: k-diffusion's BrownianTreeNoiseSampler over torchsde's BrownianTree on the CPU (the `_gpu`
// variants give the same numbers on a CPU-only ComfyUI).
//
// Facts about torchsde's BrownianInterval with halfway_tree=True, tol=1e-6, pool_size=24, no Lévy area:
// * Times are rounded to 6 decimals (Python's round). The root interval [t0, t1] holds
//   W = randn(seed_W)·√(t1 − t0), seed_W = SeedSequence(entropy=seed, pool_size=24).generate_state(3)[0].
// * An interval is split only at its (rounded) midpoint, recursively until the wanted point is a boundary; a split
//   node's seed is SeedSequence(entropy=seed, spawn_key=(key, depth), pool_size=24).generate_state(4)[0], with
//   key = 2·parent key + (0 left | 1 right), depth = parent depth + 1, the root (0, 0).
// * A child's increment is a Brownian bridge on the parent's: with a = mid − start, b = end − mid, h = end − start,
//   left = a·W·(1/h) + √(a·b/h)·randn(parent seed), right = W − left. torch computes in float32 with every Python
//   float scalar rounded to float32 first; randn(seed) is `torch.randn(shape, generator=manual_seed(seed))`.
// * A query [ta, tb] is the sum, left to right, of the largest tree intervals that tile it.
// Every value depends only on the tree's canonical shape, so the order of queries does not matter and every node
// can stay cached.
import { TorchGenerator, type NoiseSampler, type Seed } from './noise.ts';
import { SeedSequence } from './seed-sequence.ts';

const POOL_SIZE = 24;
const f = Math.fround;

/**
 * Python's `round(x, 6)`: the decimal nearest to x's exact value, ties to even. Only a double whose exact value is a
 * tie (an odd multiple of 1/128, so x·10⁶ ends in .5) needs more than toFixed, which breaks ties upwards.
 */
export function roundTo6(x: number): number {
  const scaled128 = x * 128;
  if (Number.isInteger(scaled128) && scaled128 % 2 !== 0) {
    const low = Math.floor(x * 1e6); // exact: x·10⁶ = m·7812.5
    return (low % 2 === 0 ? low : low + 1) / 1e6;
  }
  return Number(x.toFixed(6));
}

class Interval {
  midway: number | null = null;
  spawnKey = 0;
  depth = 0;
  seed = 0;
  left: Interval | null = null;
  right: Interval | null = null;
  increment: Float32Array | null = null;

  constructor(
    readonly start: number,
    readonly end: number,
    readonly parent: Interval | null,
    readonly isLeft: boolean,
  ) {}
}

class BrownianTree {
  private readonly root: Interval;
  private readonly draw: Float32Array;

  constructor(
    private readonly size: number,
    t0: number,
    t1: number,
    private readonly entropy: Seed,
  ) {
    this.draw = new Float32Array(size);
    this.root = new Interval(roundTo6(t0), roundTo6(t1), null, false);
    const [seedW] = new SeedSequence(entropy, [], POOL_SIZE).generateState(1);
    const scale = f(Math.sqrt(t1 - t0));
    const w = new Float32Array(size);
    this.randn(seedW!);
    for (let k = 0; k < size; k++) w[k] = f(this.draw[k]! * scale);
    this.root.increment = w;
  }

  get start(): number {
    return this.root.start;
  }

  get end(): number {
    return this.root.end;
  }

  /** W(tb) − W(ta) for start ≤ ta ≤ tb ≤ end (times outside are clamped, as torchsde does after a warning). */
  increment(ta: number, tb: number): Float32Array {
    ta = Math.min(Math.max(ta, this.root.start), this.root.end);
    tb = Math.min(Math.max(tb, this.root.start), this.root.end);
    if (ta > tb) throw new RangeError(`Brownian increment over [${ta}, ${tb}]: ta must not exceed tb`);
    const out = new Float32Array(this.size);
    if (ta === tb) return out;
    const pieces: Interval[] = [];
    this.locate(this.root, roundTo6(ta), roundTo6(tb), pieces);
    for (const piece of pieces) {
      const w = this.incrementOf(piece);
      for (let k = 0; k < this.size; k++) out[k] = f(out[k]! + w[k]!);
    }
    return out;
  }

  private randn(seed: number): Float32Array {
    return new TorchGenerator(seed).randn(this.size, this.draw);
  }

  /** Appends the tree intervals that tile [ta, tb], searching from `node` and splitting nodes where needed. */
  private locate(node: Interval, ta: number, tb: number, out: Interval[]): void {
    for (;;) {
      if (ta < node.start || tb > node.end) {
        node = node.parent!; // not ours: a larger interval decides
        continue;
      }
      if (ta === node.start && tb === node.end) {
        out.push(node);
        return;
      }
      if (node.midway === null) {
        // Split towards the boundary that is not ours, then go on from the child on the side that shares one.
        const sharesStart = ta === node.start;
        this.split(node, sharesStart ? tb : ta);
        node = sharesStart ? node.left! : node.right!;
        continue;
      }
      if (tb <= node.midway) node = node.left!;
      else if (ta >= node.midway) node = node.right!;
      else {
        this.locate(node.left!, ta, node.midway, out);
        ta = node.midway;
        node = node.right!;
      }
    }
  }

  /** Halfway splits of a fresh node and then of the fresh child holding `point`, until `point` is a boundary. */
  private split(node: Interval, point: number): void {
    for (;;) {
      this.splitAtHalf(node);
      if (point > node.midway!) node = node.right!;
      else if (point < node.midway!) node = node.left!;
      else return;
    }
  }

  private splitAtHalf(node: Interval): void {
    const midway = roundTo6(0.5 * (node.end + node.start));
    if (node.parent) {
      node.spawnKey = 2 * node.parent.spawnKey + (node.isLeft ? 0 : 1);
      node.depth = node.parent.depth + 1;
    }
    [node.seed] = new SeedSequence(this.entropy, [node.spawnKey, node.depth], POOL_SIZE).generateState(1) as [number];
    node.midway = midway;
    node.left = new Interval(node.start, midway, node, true);
    node.right = new Interval(midway, node.end, node, false);
  }

  /** A node's increment, from its parent's (a Brownian bridge), computed once. */
  private incrementOf(node: Interval): Float32Array {
    if (node.increment) return node.increment;
    const parent = node.parent!;
    const w = this.incrementOf(parent);
    const hReciprocal = 1 / (parent.end - parent.start);
    const leftDiff = parent.midway! - parent.start;
    const rightDiff = parent.end - parent.midway!;
    const meanScale = f(leftDiff);
    const hScale = f(hReciprocal);
    const std = f(Math.sqrt(leftDiff * rightDiff * hReciprocal));
    const noise = this.randn(parent.seed);
    const out = new Float32Array(this.size);
    for (let k = 0; k < this.size; k++) {
      const leftW = f(f(f(meanScale * w[k]!) * hScale) + f(std * noise[k]!));
      out[k] = node.isLeft ? leftW : f(w[k]! - leftW);
    }
    node.increment = out;
    return out;
  }
}

/**
 * k-diffusion's BrownianTreeNoiseSampler(x, σ_min, σ_max, seed, cpu=True): `(σ, σ')` → the tree's increment
 * between them (sign following their order) divided by √|σ' − σ|, all in float32.
 */
export function brownianNoiseSampler(size: number, sigmaMin: number, sigmaMax: number, seed: Seed): NoiseSampler {
  const [low, high] = [f(sigmaMin), f(sigmaMax)];
  const tree = new BrownianTree(size, Math.min(low, high), Math.max(low, high), seed);
  const treeSign = low < high ? 1 : -1;
  return (sigma, sigmaNext) => {
    const [t0, t1] = [f(sigma), f(sigmaNext)];
    const sign = treeSign * (t0 < t1 ? 1 : -1);
    const w = tree.increment(Math.min(t0, t1), Math.max(t0, t1));
    const scale = f(Math.sqrt(Math.abs(f(t1 - t0))));
    for (let k = 0; k < size; k++) w[k] = f((w[k]! * sign) / scale);
    return w;
  };
}
