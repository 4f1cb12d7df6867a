// SIGMAS from the model-free scheduler and sigma nodes, against values computed with torch/numpy following
// ComfyUI's definitions (k-diffusion get_sigmas_*, nodes_custom_sampler.py, nodes_align_your_steps.py,
// nodes_gits.py), and the Python slicing edge cases of the split nodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/inference/tensor.ts';
import { samplingNodes } from '../../src/nodes/sampling/index.ts';
import { makeContext } from '../helpers/node-context.ts';

async function run(name: string, inputs: Record<string, unknown>): Promise<any[]> {
  const node = samplingNodes.find((n) => n.name === name)!;
  return (await node.execute(inputs, makeContext())) as any[];
}

async function sigmasOf(name: string, inputs: Record<string, unknown>, output = 0): Promise<number[]> {
  const t = (await run(name, inputs))[output] as Tensor;
  assert.equal(t.rank, 1);
  return [...t.data];
}

/** Equal within a few float32 ulps (torch's transcendental kernels may round differently from libm). */
function assertSigmas(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length}`);
  expected.forEach((e, i) => {
    const tol = Math.abs(e) * 4e-7;
    assert.ok(Math.abs(actual[i]! - e) <= tol, `${what}[${i}]: expected ${e}, got ${actual[i]}`);
  });
}

const sigmas = (values: number[]) => new Tensor([values.length], Float32Array.from(values));

test('σ-bound schedulers', async () => {
  assertSigmas(await sigmasOf('KarrasScheduler', { steps: 4, sigma_max: 14.614642, sigma_min: 0.0291675, rho: 7 }),
    [14.614643096923828, 3.168609380722046, 0.4469206631183624, 0.029167499393224716, 0], 'karras');
  assertSigmas(await sigmasOf('PolyexponentialScheduler', { steps: 4, sigma_max: 14.6, sigma_min: 0.03, rho: 2 }),
    [14.60000228881836, 0.4692953824996948, 0.05966264754533768, 0.029999999329447746, 0], 'polyexponential');
  assertSigmas(await sigmasOf('VPScheduler', { steps: 4, beta_d: 19.9, beta_min: 0.1, eps_s: 0.001 }),
    [152.16697692871094, 9.403197288513184, 1.4619717597961426, 0.010485993698239326, 0], 'vp');
  assertSigmas(await sigmasOf('LaplaceScheduler', { steps: 5, sigma_max: 14.6, sigma_min: 0.03, mu: 0, beta: 0.5 }),
    [14.600000381469727, 1.4141993522644043, 1.0, 0.7071138620376587, 0.029999999329447746], 'laplace (no final 0)');
  const exp = await sigmasOf('ExponentialScheduler', { steps: 3, sigma_max: 10, sigma_min: 0.1 });
  assertSigmas(exp, [10, 1, 0.1, 0], 'exponential');
  await assert.rejects(async () => run('ExponentialScheduler', { steps: 3, sigma_max: 10, sigma_min: 0 }), /math domain error/);
  await assert.rejects(async () => run('KarrasScheduler', { steps: 3, sigma_max: 10, sigma_min: 0.1, rho: 0 }), /float division by zero/);
});

test('Align Your Steps and GITS tables', async () => {
  assertSigmas(await sigmasOf('AlignYourStepsScheduler', { model_type: 'SD1', steps: 5, denoise: 1 }),
    [14.614641189575195, 3.8636746406555176, 1.8841921091079712, 0.9642583727836609, 0.39774563908576965, 0], 'ays 5 steps');
  assertSigmas(await sigmasOf('AlignYourStepsScheduler', { model_type: 'SD1', steps: 10, denoise: 0.5 }),
    [1.3943804502487183, 0.9642583727836609, 0.6523686051368713, 0.39774563908576965, 0.15152326226234436, 0], 'ays denoise 0.5');
  assert.deepEqual(await sigmasOf('AlignYourStepsScheduler', { model_type: 'SVD', steps: 10, denoise: 0 }), []);
  assertSigmas(await sigmasOf('GITSScheduler', { coeff: 1.2, steps: 4, denoise: 1 }),
    [14.614641189575195, 2.3632607460021973, 0.9219232201576233, 0.3661700189113617, 0], 'gits table');
  assertSigmas(await sigmasOf('GITSScheduler', { coeff: 0.85, steps: 25, denoise: 0.5 }), [
    8.135689735412598, 7.804433822631836, 7.490016460418701, 6.910764217376709, 6.2064008712768555, 5.341740608215332, 4.386980056762695,
    3.4613945484161377, 2.625927448272705, 1.870873212814331, 1.1470537185668945, 0.3797442615032196, 0,
  ], 'gits interpolated, round(12.5) = 12 steps');
  await assert.rejects(async () => run('GITSScheduler', { coeff: 0.82, steps: 4, denoise: 1 }), /no schedule for coeff 0.82/);
  assertSigmas(await sigmasOf('OptimalStepsScheduler', { model_type: 'FLUX', steps: 5, denoise: 1 }),
    [0.9968000054359436, 0.9818999767303467, 0.9660000205039978, 0.9157999753952026, 0.5511999726295471, 0], 'optimal steps');
});

test('LTXVScheduler shifts by the token count and stretches to the terminal σ', async () => {
  assertSigmas(await sigmasOf('LTXVScheduler', { steps: 4, max_shift: 2.05, base_shift: 0.95, stretch: true, terminal: 0.1 }),
    [0.9999998211860657, 0.8670830726623535, 0.6315688490867615, 0.10000002384185791, 0], 'stretched, 4096 tokens');
  const latent = { samples: new Tensor([1, 128, 2, 16, 16]) };
  assertSigmas(await sigmasOf('LTXVScheduler', { steps: 4, max_shift: 2.05, base_shift: 0.95, stretch: false, terminal: 0.1, latent }),
    [1, 0.865911066532135, 0.6827993988990784, 0.4177672863006592, 0], '512 tokens');
});

test('splitting, flipping and setting σ', async () => {
  const s = sigmas([10, 5, 2, 1, 0]);
  assert.deepEqual(await sigmasOf('SplitSigmas', { sigmas: s, step: 2 }, 0), [10, 5, 2]);
  assert.deepEqual(await sigmasOf('SplitSigmas', { sigmas: s, step: 2 }, 1), [2, 1, 0]);
  assert.deepEqual(await sigmasOf('SplitSigmas', { sigmas: s, step: 9 }, 1), []);
  assert.deepEqual(await sigmasOf('SplitSigmasDenoise', { sigmas: s, denoise: 0.5 }, 0), [10, 5, 2]);
  assert.deepEqual(await sigmasOf('SplitSigmasDenoise', { sigmas: s, denoise: 0.5 }, 1), [2, 1, 0]);
  // round(4 · 0.1) = 0: sigmas[:-0] is empty and the low part is the last σ alone.
  assert.deepEqual(await sigmasOf('SplitSigmasDenoise', { sigmas: s, denoise: 0.1 }, 0), []);
  assert.deepEqual(await sigmasOf('SplitSigmasDenoise', { sigmas: s, denoise: 0.1 }, 1), [0]);
  assert.deepEqual(await sigmasOf('FlipSigmas', { sigmas: s }), [Math.fround(0.0001), 1, 2, 5, 10]);
  assert.deepEqual(await sigmasOf('FlipSigmas', { sigmas: sigmas([]) }), []);
  assert.deepEqual(await sigmasOf('SetFirstSigma', { sigmas: s, sigma: 136 }), [136, 5, 2, 1, 0]);
  assert.deepEqual([...s.data], [10, 5, 2, 1, 0], 'inputs are not modified');
  await assert.rejects(async () => run('SetFirstSigma', { sigmas: sigmas([]), sigma: 1 }), /out of bounds/);
  await assert.rejects(async () => run('FlipSigmas', { sigmas: [1, 2] }), /SIGMAS tensor/);
});

test('ExtendIntermediateSigmas inserts spaced values above end_at_sigma', async () => {
  const s = sigmas([14.6, 8, 3, 0]);
  const extend = (spacing: string) => sigmasOf('ExtendIntermediateSigmas', { sigmas: s, steps: 3, start_at_sigma: -1, end_at_sigma: 5, spacing });
  assertSigmas(await extend('cosine'), [14.600000381469727, 11.300000190734863, 8.884233474731445, 8, 5.5, 3.6698732376098633, 3, 0], 'cosine');
  assertSigmas(await extend('sine'), [14.600000381469727, 13.715767860412598, 11.30000114440918, 8, 7.330126762390137, 5.5, 3, 0], 'sine');
  assertSigmas(await extend('linear'), [14.6, 12.4, 10.2, 8, 6.333333, 4.666667, 3, 0].map(Math.fround), 'linear');
});

test('ManualSigmas parses the numbers in order', async () => {
  assert.deepEqual(await sigmasOf('ManualSigmas', { sigmas: '14.6, 3;1 .5 -0.25' }), [14.6, 3, 1, 0.5, -0.25].map(Math.fround));
  assert.deepEqual(await sigmasOf('ManualSigmas', { sigmas: 'none' }), []);
  await assert.rejects(async () => run('ManualSigmas', { sigmas: '1..5' }), /could not convert string to float/);
});
