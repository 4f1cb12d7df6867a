import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { betaCdf, betaPpf } from '../../src/inference/sampling/beta-distribution.ts';
import { createDiscreteModelSampling } from '../../src/inference/sampling/model-sampling.ts';
import {
  applyStepWindow,
  basicSchedulerSigmas,
  calculateSigmas,
  ksamplerSigmas,
  linspace32,
  SCHEDULER_NAMES,
} from '../../src/inference/sampling/schedulers.ts';
import { get, loadTensors, skipUnless, TRACE } from './helpers.ts';

const ms = createDiscreteModelSampling();

function assertClose(actual: ArrayLike<number>, expected: readonly number[], tol: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol, `${label}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

// models.md §6.6 reference values (SD1.x / SDXL discrete schedule, 20 steps).
const REFERENCE_20: Record<string, number[]> = {
  normal: [14.6146, 10.7468, 8.0815, 6.2049, 4.8557, 3.8654, 3.1238, 2.5572, 2.1157, 1.7648, 1.4806, 1.2458, 1.0481, 0.8784, 0.7297, 0.5964, 0.4736, 0.3555, 0.2322, 0.0292, 0],
  karras: [14.6146, 11.7254, 9.3402, 7.3836, 5.7894, 4.4998, 3.4647, 2.6408, 1.9909, 1.4832, 1.0908, 0.7909, 0.5647, 0.3964, 0.273, 0.1842, 0.1213, 0.0779, 0.0485, 0.0292, 0],
  simple: [14.6146, 10.9042, 8.3028, 6.443, 5.0878, 4.0817, 3.3211, 2.7355, 2.2765, 1.9103, 1.6129, 1.3672, 1.1606, 0.9838, 0.8299, 0.6932, 0.5693, 0.4538, 0.3417, 0.223, 0],
  sgm_uniform: [14.6146, 10.9073, 8.3072, 6.4477, 5.0924, 4.0861, 3.3251, 2.7391, 2.2797, 1.9132, 1.6156, 1.3696, 1.1629, 0.986, 0.8319, 0.6951, 0.5712, 0.4557, 0.3437, 0.2255, 0],
};

describe('schedulers', () => {
  it("lists ComfyUI 0.8.0's scheduler names in order", () => {
    assert.deepEqual(
      [...SCHEDULER_NAMES],
      ['simple', 'sgm_uniform', 'karras', 'exponential', 'ddim_uniform', 'beta', 'normal', 'linear_quadratic', 'kl_optimal'],
    );
  });

  for (const [name, expected] of Object.entries(REFERENCE_20)) {
    it(`${name}, 20 steps, matches the reference values`, () => {
      assertClose(calculateSigmas(ms, name, 20), expected, 6e-5, name);
    });
  }

  it('normal, 4 steps, equals the fidelity trace bit for bit', { skip: skipUnless(TRACE) }, async () => {
    const trace = await loadTensors(TRACE);
    assert.deepEqual(Array.from(calculateSigmas(ms, 'normal', 4)), Array.from(get(trace, 'sigmas').data));
  });

  it('every scheduler descends to a final 0', () => {
    for (const name of SCHEDULER_NAMES) {
      for (const steps of [1, 2, 3, 10, 25]) {
        const s = calculateSigmas(ms, name, steps);
        assert.equal(s[s.length - 1], 0, `${name} ${steps}`);
        if (name === 'kl_optimal' && steps === 1) {
          assert.ok(Number.isNaN(s[0]), 'ComfyUI divides 0 by 0 here too');
          continue;
        }
        for (let i = 1; i < s.length; i++) assert.ok(s[i]! <= s[i - 1]!, `${name} ${steps} not descending at ${i}`);
      }
    }
  });

  it('exponential is evenly spaced in log σ', () => {
    const s = calculateSigmas(ms, 'exponential', 10);
    const expected = Array.from({ length: 10 }, (_, k) => Math.exp(Math.log(ms.sigmaMax) + (k / 9) * (Math.log(ms.sigmaMin) - Math.log(ms.sigmaMax))));
    assertClose(s.subarray(0, 10), expected, 2e-5, 'exponential');
  });

  it('kl_optimal is evenly spaced in arctan σ', () => {
    const s = calculateSigmas(ms, 'kl_optimal', 8);
    const expected = Array.from({ length: 8 }, (_, k) => Math.tan((k / 7) * Math.atan(ms.sigmaMin) + (1 - k / 7) * Math.atan(ms.sigmaMax)));
    assertClose(s.subarray(0, 8), expected, 2e-5, 'kl_optimal');
    assert.equal(s[8], 0);
  });

  it('linear_quadratic follows the Mochi formula', () => {
    assertClose(calculateSigmas(ms, 'linear_quadratic', 1), [ms.sigmaMax, 0], 1e-6, 'n=1');
    const n = 6;
    const L = 3;
    const d = L - 0.025 * n;
    const Q = n - L;
    const a = d / (L * Q * Q);
    const b = 0.025 / L - (2 * d) / (Q * Q);
    const c = a * L * L;
    const raw = [0, 1, 2].map((i) => (i * 0.025) / L).concat([3, 4, 5].map((i) => a * i * i + b * i + c), [1]);
    assertClose(calculateSigmas(ms, 'linear_quadratic', n), raw.map((v) => (1 - v) * ms.sigmaMax), 2e-5, 'n=6');
  });

  it('beta picks the table entries at Beta(0.6, 0.6) quantiles (indices as scipy computes them)', () => {
    const expected: Record<number, number[]> = {
      20: [999, 986, 959, 922, 876, 823, 765, 703, 637, 569, 500, 430, 362, 296, 234, 176, 123, 77, 40, 13],
      7: [999, 928, 782, 598, 401, 217, 71],
    };
    for (const [steps, indices] of Object.entries(expected)) {
      assert.deepEqual(Array.from(calculateSigmas(ms, 'beta', Number(steps))), [...indices.map((t) => ms.sigmas[t]!), 0]);
    }
  });

  it('ddim_uniform can give a different step count (30 → 31)', () => {
    const s = calculateSigmas(ms, 'ddim_uniform', 30);
    assert.equal(s.length - 1, 31);
    assert.equal(s[0], ms.sigmas[1 + 30 * 33]);
    assert.equal(s[s.length - 2], ms.sigmas[1]);
  });

  it('rejects an unknown scheduler', () => {
    assert.throws(() => calculateSigmas(ms, 'nope', 10), /invalid scheduler nope/);
  });

  it('linspace32 counts up from the start for the first half and down from the end after', () => {
    assert.deepEqual(Array.from(linspace32(999, 0, 4)), [999, 666, 333, 0]);
    assert.deepEqual(Array.from(linspace32(0, 1, 1)), [0]);
  });
});

describe('KSampler σ lists', () => {
  it('denoise < 1 computes int(steps/denoise) steps and keeps the last steps + 1', () => {
    const full = calculateSigmas(ms, 'normal', 20);
    assert.deepEqual(Array.from(ksamplerSigmas(ms, 'normal', 'euler', 10, 0.5)), Array.from(full.subarray(10)));
    const thirds = calculateSigmas(ms, 'karras', Math.trunc(7 / 0.3));
    assert.deepEqual(Array.from(ksamplerSigmas(ms, 'karras', 'euler', 7, 0.3)), Array.from(thirds.subarray(thirds.length - 8)));
    assert.equal(ksamplerSigmas(ms, 'normal', 'euler', 10, 0).length, 0);
    assert.deepEqual(Array.from(ksamplerSigmas(ms, 'normal', 'euler', 10, 0.99995)), Array.from(calculateSigmas(ms, 'normal', 10)));
  });

  it('dpm_2, dpm_2_ancestral, uni_pc, uni_pc_bh2 compute one more step and drop the penultimate σ', () => {
    const extra = calculateSigmas(ms, 'normal', 11);
    const expected = [...Array.from(extra.subarray(0, 10)), 0];
    for (const sampler of ['dpm_2', 'dpm_2_ancestral', 'uni_pc', 'uni_pc_bh2']) {
      assert.deepEqual(Array.from(ksamplerSigmas(ms, 'normal', sampler, 10)), expected, sampler);
    }
  });

  it('BasicScheduler trims whenever denoise < 1', () => {
    const full = calculateSigmas(ms, 'normal', Math.trunc(10 / 0.99995));
    assert.deepEqual(Array.from(basicSchedulerSigmas(ms, 'normal', 10, 0.99995)), Array.from(full.subarray(full.length - 11)));
  });

  it("KSamplerAdvanced's window: end_at_step (forcing 0 unless leftover noise), then start_at_step", () => {
    const s = calculateSigmas(ms, 'normal', 10);
    assert.deepEqual(Array.from(applyStepWindow(s, 0, 10000, true)!), Array.from(s));
    const cut = applyStepWindow(s, 0, 4, true)!;
    assert.deepEqual(Array.from(cut), [...Array.from(s.subarray(0, 4)), 0]);
    const leftover = applyStepWindow(s, 0, 4, false)!;
    assert.deepEqual(Array.from(leftover), Array.from(s.subarray(0, 5)));
    assert.deepEqual(Array.from(applyStepWindow(s, 4, 10000, true)!), Array.from(s.subarray(4)));
    assert.equal(applyStepWindow(s, 10, 10000, true), null);
    assert.equal(applyStepWindow(s, 3, 3, true), null);
  });
});

describe('beta distribution', () => {
  it('inverts its CDF', () => {
    for (const p of [1e-6, 0.01, 0.2, 0.5, 0.77, 0.9999]) assert.ok(Math.abs(betaCdf(betaPpf(p, 0.6, 0.6), 0.6, 0.6) - p) < 1e-13);
    assert.equal(betaPpf(0.5, 0.6, 0.6), 0.5);
    assert.equal(betaPpf(1, 0.6, 0.6), 1);
    assert.ok(Math.abs(betaPpf(0.3, 2, 5) - 0.18180347131894917) < 1e-12); // scipy.stats.beta.ppf(0.3, 2, 5)
  });
});
