// /object_info entries of the custom-sampling nodes: nodes.md §3 (nodes_custom_sampler.py, align_your_steps,
// gits) in the V3 format that changes-0.8.0.md §8.3 gives them, plus 0.8.0's SamplerSEEDS2 and ManualSigmas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLER_NAMES, SCHEDULER_NAMES } from '../../src/inference/sampling/index.ts';
import { samplingNodes } from '../../src/nodes/sampling/index.ts';
import { combo, float, infoOf, int, SEED_MAX, socket, v3 } from './schema-helpers.ts';

const info = (name: string) => infoOf(samplingNodes, name);
const CS = 'comfy_extras.nodes_custom_sampler';
const unrounded = (d: number, min: number, max: number, step = 0.01) => float({ default: d, min, max, step, round: false });
const STEPS = int({ default: 20, min: 1, max: 10000 });
const SIGMA_MAX = unrounded(14.614642, 0.0, 5000.0);
const SIGMA_MIN = unrounded(0.0291675, 0.0, 5000.0);
const DENOISE = float({ default: 1.0, min: 0.0, max: 1.0, step: 0.01 });
const CFG = float({ default: 8.0, min: 0.0, max: 100.0, step: 0.1, round: 0.01 });
const ETA = unrounded(1.0, 0.0, 100.0);
const DEVICE = combo(['gpu', 'cpu']);
const M = socket('MODEL');
const C = socket('CONDITIONING');
const S = socket('SIGMAS');

function expectNode(name: string, category: string, required: Record<string, unknown[]>, outputs: (string | [string, string])[], extra: Record<string, unknown> = {}, module = CS) {
  assert.deepEqual(info(name), v3(name, category, module, { required }, outputs, extra), name);
}

test('schedulers', () => {
  const SCH = 'sampling/custom_sampling/schedulers';
  expectNode('BasicScheduler', SCH, { model: M, scheduler: combo(SCHEDULER_NAMES), steps: STEPS, denoise: DENOISE }, ['SIGMAS']);
  expectNode('KarrasScheduler', SCH, { steps: STEPS, sigma_max: SIGMA_MAX, sigma_min: SIGMA_MIN, rho: unrounded(7.0, 0.0, 100.0) }, ['SIGMAS']);
  expectNode('ExponentialScheduler', SCH, { steps: STEPS, sigma_max: SIGMA_MAX, sigma_min: SIGMA_MIN }, ['SIGMAS']);
  expectNode('PolyexponentialScheduler', SCH, { steps: STEPS, sigma_max: SIGMA_MAX, sigma_min: SIGMA_MIN, rho: unrounded(1.0, 0.0, 100.0) }, ['SIGMAS']);
  expectNode('LaplaceScheduler', SCH, {
    steps: STEPS, sigma_max: SIGMA_MAX, sigma_min: SIGMA_MIN, mu: unrounded(0.0, -10.0, 10.0, 0.1), beta: unrounded(0.5, 0.0, 10.0, 0.1),
  }, ['SIGMAS']);
  expectNode('VPScheduler', SCH, {
    steps: STEPS, beta_d: unrounded(19.9, 0.0, 5000.0), beta_min: unrounded(0.1, 0.0, 5000.0), eps_s: unrounded(0.001, 0.0, 1.0, 0.0001),
  }, ['SIGMAS']);
  expectNode('BetaSamplingScheduler', SCH, { model: M, steps: STEPS, alpha: unrounded(0.6, 0.0, 50.0), beta: unrounded(0.6, 0.0, 50.0) }, ['SIGMAS']);
  expectNode('SDTurboScheduler', SCH, { model: M, steps: int({ default: 1, min: 1, max: 10 }), denoise: float({ default: 1.0, min: 0, max: 1.0, step: 0.01 }) }, ['SIGMAS']);
  expectNode('AlignYourStepsScheduler', SCH, { model_type: combo(['SD1', 'SDXL', 'SVD']), steps: int({ default: 10, min: 1, max: 10000 }), denoise: DENOISE }, ['SIGMAS'], {}, 'comfy_extras.nodes_align_your_steps');
  expectNode('GITSScheduler', SCH, {
    coeff: float({ default: 1.2, min: 0.8, max: 1.5, step: 0.05 }), steps: int({ default: 10, min: 2, max: 1000 }), denoise: DENOISE,
  }, ['SIGMAS'], {}, 'comfy_extras.nodes_gits');
  expectNode('OptimalStepsScheduler', SCH, { model_type: combo(['FLUX', 'Wan', 'Chroma']), steps: int({ default: 20, min: 3, max: 1000 }), denoise: DENOISE }, ['SIGMAS'], {}, 'comfy_extras.nodes_optimalsteps');
  assert.deepEqual(info('LTXVScheduler'), v3('LTXVScheduler', SCH, 'comfy_extras.nodes_lt', {
    required: {
      steps: STEPS, max_shift: float({ default: 2.05, min: 0.0, max: 100.0, step: 0.01 }), base_shift: float({ default: 0.95, min: 0.0, max: 100.0, step: 0.01 }),
      stretch: ['BOOLEAN', { default: true }], terminal: float({ default: 0.1, min: 0.0, max: 0.99, step: 0.01 }),
    },
    optional: { latent: socket('LATENT') },
  }, ['SIGMAS']));
});

test('samplers', () => {
  const SMP = 'sampling/custom_sampling/samplers';
  expectNode('KSamplerSelect', SMP, { sampler_name: combo(SAMPLER_NAMES) }, ['SAMPLER']);
  assert.equal(SAMPLER_NAMES.length, 44);
  expectNode('SamplerEulerAncestral', SMP, { eta: ETA, s_noise: ETA }, ['SAMPLER']);
  expectNode('SamplerEulerAncestralCFGPP', SMP, { eta: unrounded(1.0, 0.0, 1.0), s_noise: unrounded(1.0, 0.0, 10.0) }, ['SAMPLER'], { display_name: 'SamplerEulerAncestralCFG++' });
  expectNode('SamplerLMS', SMP, { order: int({ default: 4, min: 1, max: 100 }) }, ['SAMPLER']);
  expectNode('SamplerDPMPP_3M_SDE', SMP, { eta: ETA, s_noise: ETA, noise_device: DEVICE }, ['SAMPLER']);
  expectNode('SamplerDPMPP_2M_SDE', SMP, { solver_type: combo(['midpoint', 'heun']), eta: ETA, s_noise: ETA, noise_device: DEVICE }, ['SAMPLER']);
  expectNode('SamplerDPMPP_SDE', SMP, { eta: ETA, s_noise: ETA, r: unrounded(0.5, 0.0, 100.0), noise_device: DEVICE }, ['SAMPLER']);
  expectNode('SamplerDPMPP_2S_Ancestral', SMP, { eta: ETA, s_noise: ETA }, ['SAMPLER']);
  const k = (d: number) => unrounded(d, 0.0, 100.0);
  expectNode('SamplerDPMAdaptative', SMP, {
    order: int({ default: 3, min: 2, max: 3 }), rtol: k(0.05), atol: k(0.0078), h_init: k(0.05), pcoeff: k(0.0), icoeff: k(1.0),
    dcoeff: k(0.0), accept_safety: k(0.81), eta: k(0.0), s_noise: k(1.0),
  }, ['SAMPLER']);
  expectNode('SamplerER_SDE', SMP, {
    solver_type: combo(['ER-SDE', 'Reverse-time SDE', 'ODE']), max_stage: int({ default: 3, min: 1, max: 3 }), eta: ETA, s_noise: ETA,
  }, ['SAMPLER']);
  expectNode('SamplerSASolver', SMP, {
    model: M, eta: unrounded(1.0, 0.0, 10.0),
    sde_start_percent: float({ default: 0.2, min: 0.0, max: 1.0, step: 0.001 }),
    sde_end_percent: float({ default: 0.8, min: 0.0, max: 1.0, step: 0.001 }),
    s_noise: ETA, predictor_order: int({ default: 3, min: 1, max: 6 }), corrector_order: int({ default: 4, min: 0, max: 6 }),
    use_pece: socket('BOOLEAN'), simple_order_2: socket('BOOLEAN'),
  }, ['SAMPLER']);
  expectNode('SamplerSEEDS2', SMP, { solver_type: combo(['phi_1', 'phi_2']), eta: ETA, s_noise: ETA, r: unrounded(0.5, 0.01, 1.0) }, ['SAMPLER']);
});

test('sigma editing', () => {
  const SIG = 'sampling/custom_sampling/sigmas';
  const split: [string, string][] = [['SIGMAS', 'high_sigmas'], ['SIGMAS', 'low_sigmas']];
  expectNode('SplitSigmas', SIG, { sigmas: S, step: int({ default: 0, min: 0, max: 10000 }) }, split);
  expectNode('SplitSigmasDenoise', SIG, { sigmas: S, denoise: DENOISE }, split);
  expectNode('FlipSigmas', SIG, { sigmas: S }, ['SIGMAS']);
  expectNode('SetFirstSigma', SIG, { sigmas: S, sigma: unrounded(136.0, 0.0, 20000.0, 0.001) }, ['SIGMAS']);
  expectNode('ExtendIntermediateSigmas', SIG, {
    sigmas: S, steps: int({ default: 2, min: 1, max: 100 }), start_at_sigma: unrounded(-1.0, -1.0, 20000.0),
    end_at_sigma: unrounded(12.0, 0.0, 20000.0), spacing: combo(['linear', 'cosine', 'sine']),
  }, ['SIGMAS']);
  expectNode('SamplingPercentToSigma', SIG, {
    model: M, sampling_percent: float({ default: 0.0, min: 0.0, max: 1.0, step: 0.0001 }), return_actual_sigma: ['BOOLEAN', { default: false }],
  }, [['FLOAT', 'sigma_value']]);
  expectNode('ManualSigmas', '_for_testing/custom_sampling', { sigmas: ['STRING', { default: '1, 0.5', multiline: false }] }, ['SIGMAS'], { experimental: true });
});

test('guiders, noise and the custom samplers', () => {
  const G = 'sampling/custom_sampling/guiders';
  expectNode('CFGGuider', G, { model: M, positive: C, negative: C, cfg: CFG }, ['GUIDER']);
  expectNode('DualCFGGuider', G, {
    model: M, cond1: C, cond2: C, negative: C, cfg_conds: CFG, cfg_cond2_negative: CFG, style: combo(['regular', 'nested']),
  }, ['GUIDER']);
  expectNode('BasicGuider', G, { model: M, conditioning: C }, ['GUIDER']);
  const N = 'sampling/custom_sampling/noise';
  expectNode('RandomNoise', N, { noise_seed: int({ default: 0, min: 0, max: SEED_MAX, control_after_generate: true }) }, ['NOISE']);
  expectNode('DisableNoise', N, {}, ['NOISE']);
  expectNode('AddNoise', '_for_testing/custom_sampling/noise', { model: M, noise: socket('NOISE'), sigmas: S, latent_image: socket('LATENT') }, ['LATENT'], { experimental: true });
  const out: [string, string][] = [['LATENT', 'output'], ['LATENT', 'denoised_output']];
  expectNode('SamplerCustom', 'sampling/custom_sampling', {
    model: M, add_noise: ['BOOLEAN', { default: true }],
    noise_seed: int({ default: 0, min: 0, max: SEED_MAX, control_after_generate: true }),
    cfg: CFG, positive: C, negative: C, sampler: socket('SAMPLER'), sigmas: S, latent_image: socket('LATENT'),
  }, out);
  expectNode('SamplerCustomAdvanced', 'sampling/custom_sampling', {
    noise: socket('NOISE'), guider: socket('GUIDER'), sampler: socket('SAMPLER'), sigmas: S, latent_image: socket('LATENT'),
  }, out);
});
