import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brownianNoiseSampler } from '../../src/inference/sampling/brownian.ts';
import { createDiscreteModelSampling } from '../../src/inference/sampling/model-sampling.ts';
import { defaultNoiseSampler, randn } from '../../src/inference/sampling/noise.ts';
import { getSampler, implementedSamplers, SAMPLER_NAMES, type SamplerOptions, type StepInfo } from '../../src/inference/sampling/samplers/index.ts';
import { linearMultistepCoeff } from '../../src/inference/sampling/samplers/multistep.ts';
import { calculateSigmas, ksamplerSigmas } from '../../src/inference/sampling/schedulers.ts';
import { gaussianDenoiser, get, item, loadTensors, maxAbsDiff, mean, skipUnless, std, TRACE } from './helpers.ts';

const ms = createDiscreteModelSampling();
const MU = 0.3;
const S = 0.5;
const SIZE = 4 * 32 * 32;

const DETERMINISTIC = [
  'euler', 'euler_cfg_pp', 'heun', 'heunpp2', 'exp_heun_2_x0', 'dpm_2', 'lms', 'dpmpp_2m', 'dpmpp_2m_cfg_pp',
  'ipndm', 'ipndm_v', 'deis', 'res_multistep', 'res_multistep_cfg_pp', 'gradient_estimation', 'gradient_estimation_cfg_pp',
  'ddim', 'uni_pc', 'uni_pc_bh2', 'dpm_fast', 'dpm_adaptive',
];
/** These run their own step grid between σ_max and σ_min: not one callback per σ. */
const OWN_GRID = new Set(['dpm_fast', 'dpm_adaptive']);
const STOCHASTIC = [
  'euler_ancestral', 'euler_ancestral_cfg_pp', 'exp_heun_2_x0_sde', 'dpm_2_ancestral', 'dpmpp_2s_ancestral',
  'dpmpp_2s_ancestral_cfg_pp', 'dpmpp_sde', 'dpmpp_sde_gpu', 'dpmpp_2m_sde', 'dpmpp_2m_sde_gpu', 'dpmpp_2m_sde_heun',
  'dpmpp_2m_sde_heun_gpu', 'dpmpp_3m_sde', 'dpmpp_3m_sde_gpu', 'ddpm', 'lcm', 'res_multistep_ancestral',
  'res_multistep_ancestral_cfg_pp', 'er_sde', 'seeds_2', 'seeds_3', 'sa_solver', 'sa_solver_pece',
];
const NOT_IMPLEMENTED: string[] = [];
/** First-order (or otherwise low-order) methods: larger discretisation error at these step counts. */
const LOW_ORDER = new Set(['dpm_adaptive', 'euler', 'euler_cfg_pp', 'ddim', 'heunpp2', 'gradient_estimation', 'gradient_estimation_cfg_pp', 'euler_ancestral', 'euler_ancestral_cfg_pp', 'ddpm']);

/** Runs a sampler from pure noise at σ_max on the Gaussian toy model. */
async function run(name: string, steps: number, seed = 0, scheduler = 'karras') {
  const entry = getSampler(name);
  const sigmas = ksamplerSigmas(ms, scheduler, name, steps);
  const noise = randn(seed, [SIZE]);
  const x = ms.noiseScaling(sigmas[0]!, noise, new Float32Array(SIZE), false);
  const model = gaussianDenoiser(MU, S);
  let last: Float32Array = new Float32Array(0);
  const denoise = async (xs: Float32Array, sigma: number) => (last = await model.denoise(xs, sigma));
  const steps_: StepInfo[] = [];
  const opts: SamplerOptions = {
    modelSampling: ms,
    noise: entry.noise === 'default' ? defaultNoiseSampler(SIZE, seed) : undefined,
    brownian: entry.noise === 'brownian' ? brownianNoiseSampler(SIZE, sigmas[sigmas.length - 2]!, sigmas[0]!, seed) : undefined,
    uncondDenoised: () => last,
    onStep: (info) => void steps_.push({ ...info, x: new Float32Array(0), denoised: new Float32Array(0) }),
  };
  const out = await entry.sample(denoise, x, sigmas, opts);
  // The exact probability-flow ODE solution from σ_0 to 0.
  const scale = S / Math.sqrt(S * S + sigmas[0]! * sigmas[0]!);
  const exact = Float32Array.from(x, (v) => MU + (v - MU) * scale);
  return { out, exact, steps: steps_, sigmas, calls: model.calls() };
}

describe('sampler registry', () => {
  it("lists ComfyUI 0.8.0's 44 sampler names in order", () => {
    assert.equal(SAMPLER_NAMES.length, 44);
    assert.deepEqual(SAMPLER_NAMES.slice(0, 8), ['euler', 'euler_cfg_pp', 'euler_ancestral', 'euler_ancestral_cfg_pp', 'heun', 'heunpp2', 'exp_heun_2_x0', 'exp_heun_2_x0_sde']);
    assert.deepEqual(SAMPLER_NAMES.slice(-3), ['ddim', 'uni_pc', 'uni_pc_bh2']);
  });

  it('every name is either implemented or refused with an error naming it', () => {
    assert.deepEqual([...DETERMINISTIC, ...STOCHASTIC, ...NOT_IMPLEMENTED].sort(), [...SAMPLER_NAMES].sort());
    assert.deepEqual(implementedSamplers().sort(), [...DETERMINISTIC, ...STOCHASTIC].sort());
    assert.throws(() => getSampler('euler_turbo'), /unknown sampler "euler_turbo"/);
  });
});

describe('deterministic samplers follow the probability-flow ODE of a Gaussian model', () => {
  for (const name of DETERMINISTIC) {
    it(name, async () => {
      const coarse = await run(name, 8);
      const fine = await run(name, 40);
      const errFine = maxAbsDiff(fine.out, fine.exact);
      const errCoarse = maxAbsDiff(coarse.out, coarse.exact);
      assert.ok(errFine < (LOW_ORDER.has(name) ? 0.12 : 0.02), `error ${errFine} after 40 steps`);
      assert.ok(errFine <= errCoarse + 1e-6, `no convergence: ${errCoarse} → ${errFine}`);
      if (!OWN_GRID.has(name)) assert.equal(fine.steps.length, fine.sigmas.length - 1, 'one callback per step');
      assert.deepEqual(fine.steps.map((s) => s.i), fine.steps.map((_, i) => i));
      assert.ok(fine.steps.every((s) => s.total === fine.sigmas.length - 1));
      const again = await run(name, 8);
      assert.deepEqual(again.out, coarse.out, 'deterministic');
    });
  }
});

describe('stochastic samplers end in the data distribution', () => {
  for (const name of STOCHASTIC) {
    it(name, async () => {
      const { out, steps, sigmas } = await run(name, 30, 1);
      assert.ok(out.every(Number.isFinite));
      assert.ok(Math.abs(mean(out) - MU) < 0.03, `mean ${mean(out)}`);
      if (name === 'lcm') {
        // LCM re-noises the posterior mean, so an exact denoiser loses the posterior variance.
        assert.ok(std(out) < S && std(out) > 0.6 * S, `std ${std(out)}`);
      } else {
        assert.ok(Math.abs(std(out) / S - 1) < (LOW_ORDER.has(name) ? 0.12 : 0.08), `std ${std(out)}`);
      }
      assert.equal(steps.length, sigmas.length - 1);
      const again = await run(name, 30, 1);
      assert.deepEqual(again.out, out, 'same seed, same result');
      const other = await run(name, 30, 2);
      assert.notDeepEqual(other.out, out, 'another seed, another result');
    });
  }
});

describe('model evaluations per step', () => {
  it('heun and dpm_2 evaluate twice per step except the last', async () => {
    assert.equal((await run('heun', 10)).calls, 19);
    const dpm2 = await run('dpm_2', 10);
    assert.equal(dpm2.sigmas.length, 11);
    assert.equal(dpm2.calls, 19);
    assert.equal((await run('euler', 10)).calls, 10);
    assert.equal((await run('uni_pc', 10)).calls, 10);
  });
});

describe('euler replays the fidelity trace exactly', { skip: skipUnless(TRACE) }, () => {
  it('x[i + 1] = x[i] + (x[i] − D_i)/σ_i · (σ_{i+1} − σ_i)', async () => {
    const trace = await loadTensors(TRACE);
    const xs = get(trace, 'x');
    const denoised = get(trace, 'denoised');
    const sigmas = Float64Array.from(get(trace, 'sigmas').data);
    const seen: Float32Array[] = [];
    let step = 0;
    const out = await getSampler('euler').sample(async () => new Float32Array(item(denoised, step++)), item(xs, 0), sigmas, {
      modelSampling: ms,
      onStep: (info) => void seen.push(new Float32Array(info.x)),
    });
    for (let i = 0; i < 4; i++) assert.deepEqual(seen[i], item(xs, i));
    assert.deepEqual(out, item(xs, 4));
  });
});

describe('helpers', () => {
  it('LMS coefficients integrate the Lagrange basis exactly', () => {
    const t = Float64Array.from([10, 6, 3, 1, 0]);
    // Order 1: ∫ 1 dτ from t_i to t_{i+1}.
    assert.ok(Math.abs(linearMultistepCoeff(1, t, 0, 0) - (6 - 10)) < 1e-12);
    // The basis sums to 1, so the coefficients sum to the interval length.
    const c = [0, 1, 2].map((j) => linearMultistepCoeff(3, t, 2, j));
    assert.ok(Math.abs(c.reduce((a, b) => a + b) - (1 - 3)) < 1e-12);
  });

  it('Brownian increments are standard normal and consistent across overlapping queries', () => {
    const n = 20000;
    const b = brownianNoiseSampler(n, 0.03, 14.6, 3);
    const whole = new Float32Array(b(10, 2));
    const first = new Float32Array(b(10, 5));
    const second = new Float32Array(b(5, 2));
    assert.ok(Math.abs(std(whole) - 1) < 0.03 && Math.abs(mean(whole)) < 0.03);
    // W(2) − W(10) = (W(5) − W(10)) + (W(2) − W(5)).
    let worst = 0;
    for (let k = 0; k < n; k++) worst = Math.max(worst, Math.abs(whole[k]! * Math.sqrt(8) - (first[k]! * Math.sqrt(5) + second[k]! * Math.sqrt(3))));
    assert.ok(worst < 1e-4, `inconsistent by ${worst}`);
  });

  it('samplers do not modify the input latent', async () => {
    const x = randn(9, [64]);
    const copy = new Float32Array(x);
    const model = gaussianDenoiser(0, 1);
    await getSampler('dpmpp_2m').sample(model.denoise, x, calculateSigmas(ms, 'normal', 5), { modelSampling: ms });
    assert.deepEqual(x, copy);
  });
});
