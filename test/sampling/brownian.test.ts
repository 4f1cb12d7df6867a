// The SDE samplers' Brownian noise against the real torchsde (fixtures-torchsde-brownian.json, see its `what`):
// numpy's SeedSequence word for word, Python's 6-decimal rounding, and the noise of every query bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { brownianNoiseSampler, roundTo6 } from '../../src/inference/sampling/brownian.ts';
import { SeedSequence } from '../../src/inference/sampling/seed-sequence.ts';

interface Case {
  seed: string;
  shape: number[];
  sigmaMin: number;
  sigmaMax: number;
  queries: [number, number][];
  noise: number[][];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures-torchsde-brownian.json', import.meta.url), 'utf8')) as { cases: Case[] };

test('SeedSequence gives numpy 2.4.6 words (entropy of one and two words, with and without a spawn key)', () => {
  assert.deepEqual(new SeedSequence(42, [], 24).generateState(3), [387750627, 2536650517, 4078839648]);
  assert.deepEqual(new SeedSequence(42, [5, 3], 24).generateState(4), [3084123560, 468215949, 242942938, 2650128260]);
  assert.deepEqual(new SeedSequence(2n ** 64n - 6n, [0, 0], 24).generateState(4), [2464006379, 857515558, 3932062032, 3486412277]);
  assert.throws(() => new SeedSequence(-1), /non-negative/);
});

test('times are rounded to 6 decimals as Python rounds: exact ties go to the even digit', () => {
  assert.equal(roundTo6(1.2345674), 1.234567);
  assert.equal(roundTo6(14.614642143249512), 14.614642);
  assert.equal(roundTo6(0.0078125), 0.007812); // exactly 7812.5e-6
  assert.equal(roundTo6(0.0234375), 0.023438); // exactly 23437.5e-6
  assert.equal(roundTo6(3), 3);
});

test('the noise of every query equals torchsde\'s, value for value', () => {
  for (const c of fixture.cases) {
    const size = c.shape.reduce((a, b) => a * b, 1);
    const seed = BigInt(c.seed) > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(c.seed) : Number(c.seed);
    const noise = brownianNoiseSampler(size, c.sigmaMin, c.sigmaMax, seed);
    c.queries.forEach(([sigma, next], q) => {
      const out = noise(sigma, next);
      for (let k = 0; k < size; k++) {
        if (out[k] !== c.noise[q]![k]) assert.fail(`seed ${c.seed}, query ${q} (${sigma} → ${next}), value ${k}: ${out[k]} ≠ ${c.noise[q]![k]}`);
      }
    });
  }
});

test('answers do not depend on the order of the queries', () => {
  const c = fixture.cases[3]!;
  const size = c.shape.reduce((a, b) => a * b, 1);
  const noise = brownianNoiseSampler(size, c.sigmaMin, c.sigmaMax, Number(c.seed));
  const order = c.queries.map((_, q) => q).reverse();
  for (const q of order) assert.deepEqual([...noise(...c.queries[q]!)], c.noise[q], `query ${q} asked out of order`);
});
