import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fmaf, logf, sincosf } from '../../src/inference/sampling/avx-mathfun.ts';
import { addToSeed, defaultNoiseSampler, prepareNoise, randn, seedLow32, TorchGenerator } from '../../src/inference/sampling/noise.ts';
import { get, loadTensors, maxAbsDiff, skipUnless, TORCH_NOISE, TRACE } from './helpers.ts';

interface NoiseCase {
  file: string;
  shape: number[];
}

function readF32(path: string): Float32Array {
  const buf = readFileSync(path);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

const indexPath = join(TORCH_NOISE, 'index.json');

describe('torch CPU randn', { skip: skipUnless(indexPath) }, () => {
  const cases: NoiseCase[] = skipUnless(indexPath) ? [] : JSON.parse(readFileSync(indexPath, 'utf8')).cases;
  const gen99 = new TorchGenerator(99);

  for (const c of cases) {
    it(`matches ${c.file}`, () => {
      const ref = readF32(join(TORCH_NOISE, c.file));
      const size = c.shape.reduce((a, b) => a * b, 1);
      assert.equal(ref.length, size);
      const got = c.file.startsWith('gen99_') ? gen99.randn(size) : randn(BigInt(/^seed(\d+)_/.exec(c.file)![1]!), c.shape);
      assert.ok(maxAbsDiff(got, ref) <= 1e-6, `max diff ${maxAbsDiff(got, ref)}`);
      // The float32 kernels are reproduced operation by operation: the draws are bit-identical.
      assert.deepEqual(got, ref);
    });
  }

  it('covers the scalar (< 16 values) and the vectorised (>= 16, with a redrawn tail) paths', () => {
    const files = cases.map((c) => c.file);
    assert.ok(files.includes('seed7_1x1x1x15.f32') && files.includes('seed7_1x1x1x16.f32'));
    assert.ok(files.includes('seed123456789_1x4x7x5.f32')); // 140 values: not a multiple of 16
  });
});

describe('seeds', () => {
  it('uses only the low 32 bits, for numbers and bigints alike', () => {
    assert.equal(seedLow32(4294967297), 1);
    assert.equal(seedLow32(4294967297n), 1);
    assert.equal(seedLow32(18446744073709551615n), 4294967295);
    assert.equal(seedLow32(42), 42);
    assert.deepEqual(randn(4294967297n, [20]), randn(1, [20]));
  });

  it('adds to big seeds exactly, wrapping at 2^64', () => {
    assert.equal(addToSeed(41, 1), 42);
    assert.equal(addToSeed(2 ** 53 - 1, 1), 2n ** 53n);
    assert.equal(addToSeed(18446744073709551615n, 1), 0n);
  });

  it('rejects non-integer numbers', () => {
    assert.throws(() => seedLow32(1.5), /integer/);
  });

  it('is deterministic and seed dependent', () => {
    assert.deepEqual(randn(1234, [2, 4, 8, 8]), randn(1234, [2, 4, 8, 8]));
    assert.notDeepEqual(randn(1234, [64]), randn(1235, [64]));
  });

  it('draws successively from one generator, and manual_seed resets it (cached normal included)', () => {
    const g = new TorchGenerator(5);
    const a = g.randn(3); // odd count through the double path leaves a cached value
    const b = g.randn(20);
    g.manualSeed(5);
    assert.deepEqual(g.randn(3), a);
    assert.deepEqual(g.randn(20), b);
    assert.notDeepEqual(Array.from(a), Array.from(g.randn(3)));
  });

  it('MT19937 matches the reference output for seed 5489', () => {
    // The first outputs of std::mt19937 with its default seed.
    const g = new TorchGenerator(5489);
    assert.deepEqual([g.nextU32(), g.nextU32(), g.nextU32()], [3499211612, 581869302, 3890346734]);
    const g2 = new TorchGenerator(5489);
    for (let i = 0; i < 9999; i++) g2.nextU32();
    assert.equal(g2.nextU32(), 4123659995); // the C++ standard's check value for the 10000th output
  });
});

describe('prepare_noise', () => {
  it('without batch_index is one draw of the latent shape', () => {
    assert.deepEqual(prepareNoise([2, 4, 8, 8], 42), randn(42, [2, 4, 8, 8]));
  });

  it('with batch_index draws [1, C, H, W] per index up to the largest and keeps the listed ones in order', () => {
    const shape = [1, 4, 8, 8];
    const g = new TorchGenerator(7);
    const draws = [0, 1, 2, 3].map(() => g.randn(256));
    const noise = prepareNoise([3, 4, 8, 8], 7, [3, 1, 3]);
    assert.deepEqual(noise.subarray(0, 256), draws[3]);
    assert.deepEqual(noise.subarray(256, 512), draws[1]);
    assert.deepEqual(noise.subarray(512, 768), draws[3]);
    assert.equal(shape.length, 4);
  });

  it('the fidelity trace starts from seed 42 noise', { skip: skipUnless(TRACE) }, async () => {
    const trace = await loadTensors(TRACE);
    const noise = get(trace, 'noise');
    assert.deepEqual(prepareNoise(noise.shape, 42), noise.data);
  });
});

describe('default noise sampler (ancestral samplers on CPU, ComfyUI 0.8.0)', () => {
  it('is a generator seeded with seed + 1 drawing the latent size each call', () => {
    const sampler = defaultNoiseSampler(64, 42);
    const g = new TorchGenerator(43);
    assert.deepEqual(Array.from(sampler(1, 0.5)), Array.from(g.randn(64)));
    assert.deepEqual(Array.from(sampler(0.5, 0.2)), Array.from(g.randn(64)));
  });
});

describe('avx_mathfun float32 kernels', () => {
  it('are close to the exact functions', () => {
    const out = [0, 0];
    for (const x of [1e-7, 0.001, 0.3, 0.5, 0.70710677, 0.9, 1]) assert.ok(Math.abs(logf(Math.fround(x)) - Math.log(Math.fround(x))) < 1e-6 * Math.max(1, Math.abs(Math.log(x))));
    for (const x of [0, 0.1, 1, 2, 3.14159, 4, 5.5, 6.28]) {
      sincosf(Math.fround(x), out);
      assert.ok(Math.abs(out[0]! - Math.sin(Math.fround(x))) < 1e-6);
      assert.ok(Math.abs(out[1]! - Math.cos(Math.fround(x))) < 1e-6);
    }
  });

  it('fmaf rounds once', () => {
    const a = Math.fround(1 + 2 ** -12);
    // a·a = 1 + 2^-11 + 2^-24 exactly; minus (1 + 2^-11) leaves 2^-24, which a separate multiply would lose.
    assert.equal(fmaf(a, a, -Math.fround(1 + 2 ** -11)), 2 ** -24);
  });
});
