// SamplerLCMUpscale, SamplerEulerCFGpp (nodes_advanced_samplers) and Flux2Scheduler (nodes_flux): schemas,
// the samplers' update rules on a toy denoiser, and the Flux 2 sigmas against the formula in float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDiscreteModelSampling } from '../../src/inference/sampling/model-sampling.ts';
import { samplingNodes } from '../../src/nodes/sampling/index.ts';
import type { SamplerObject } from '../../src/nodes/sampling/custom/sampler-object.ts';
import { makeContext } from '../helpers/node-context.ts';
import { combo, float, infoOf, int, v3 } from './schema-helpers.ts';

const node = (name: string) => samplingNodes.find((n) => n.name === name)!;
const run = async (name: string, inputs: Record<string, unknown>) => (await node(name).execute(inputs, makeContext())) as any[];

test('schemas', () => {
  assert.deepEqual(infoOf(samplingNodes, 'SamplerLCMUpscale'), v3('SamplerLCMUpscale', 'sampling/custom_sampling/samplers', 'comfy_extras.nodes_advanced_samplers', {
    required: {
      scale_ratio: float({ default: 1.0, min: 0.1, max: 20.0, step: 0.01 }),
      scale_steps: int({ default: -1, min: -1, max: 1000, step: 1 }),
      upscale_method: combo(['bislerp', 'nearest-exact', 'bilinear', 'area', 'bicubic']),
    },
  }, ['SAMPLER']));
  assert.deepEqual(infoOf(samplingNodes, 'SamplerEulerCFGpp'), v3('SamplerEulerCFGpp', '_for_testing', 'comfy_extras.nodes_advanced_samplers', {
    required: { version: combo(['regular', 'alternative']) },
  }, ['SAMPLER'], { display_name: 'SamplerEulerCFG++', experimental: true }));
  assert.deepEqual(infoOf(samplingNodes, 'Flux2Scheduler'), v3('Flux2Scheduler', 'sampling/custom_sampling/schedulers', 'comfy_extras.nodes_flux', {
    required: {
      steps: int({ default: 20, min: 1, max: 4096 }),
      width: int({ default: 1024, min: 16, max: 16384, step: 1 }),
      height: int({ default: 1024, min: 16, max: 16384, step: 1 }),
    },
  }, ['SIGMAS']));
});

const sigmas = Float64Array.from([2, 1, 0]);
const opts = { modelSampling: createDiscreteModelSampling() };

test('SamplerLCMUpscale: x ← D(x), enlarged over the first steps, + σ_next·randn_like', async () => {
  const [sampler] = (await run('SamplerLCMUpscale', { scale_ratio: 1.0, scale_steps: -1, upscale_method: 'bislerp' })) as [SamplerObject];
  assert.equal(sampler.entry.noise, 'global');
  const draws: number[] = [];
  const randnLike = (size: number) => {
    draws.push(size);
    return Float32Array.from({ length: size }, (_, i) => (i % 2 === 0 ? 1 : -1));
  };
  const half = async (x: Float32Array) => x.map((v) => v * 0.5);
  const out = await sampler.entry.sample(half, Float32Array.from([4, 8]), sigmas, { ...opts, shape: [1, 1, 1, 2], randnLike });
  // step 0: D = [2, 4], + 1·[1, −1] = [3, 3]; step 1: D = [1.5, 1.5], σ_next = 0 so no noise.
  assert.deepEqual([...out], [1.5, 1.5]);
  assert.deepEqual(draws, [2]);

  // Ratio 2 over 3 σ: linspace(1, 2, 2)[1:] = [2], so the first prediction is enlarged to 2×4 (nearest-exact here).
  const [double] = (await run('SamplerLCMUpscale', { scale_ratio: 2.0, scale_steps: -1, upscale_method: 'nearest-exact' })) as [SamplerObject];
  const shapes: (readonly number[])[] = [];
  const seen: (readonly number[] | undefined)[] = [];
  const big = await double.entry.sample(half, Float32Array.from([4, 8]), sigmas, {
    ...opts, shape: [1, 1, 1, 2], randnLike, onResize: (s) => shapes.push(s), onStep: (info) => void seen.push(info.shape),
  });
  assert.deepEqual(shapes, [[1, 1, 2, 4]]);
  assert.deepEqual(seen, [[1, 1, 1, 2], [1, 1, 2, 4]]);
  // [2, 4] → nearest ×2 → [2, 2, 4, 4] on both rows, + [1, −1, …]; then halved.
  assert.deepEqual([...big], [1.5, 0.5, 2.5, 1.5, 1.5, 0.5, 2.5, 1.5]);
  await assert.rejects(async () => run('SamplerLCMUpscale', { scale_ratio: 1.0, scale_steps: -1, upscale_method: 'lanczos' }), /upscale_method/);
});

test('SamplerEulerCFGpp: regular is euler_cfg_pp, alternative steps along (x − 2D + D_uncond)/σ', async () => {
  const [regular] = (await run('SamplerEulerCFGpp', { version: 'regular' })) as [SamplerObject];
  assert.equal(regular.name, 'euler_cfg_pp');
  const [alt] = (await run('SamplerEulerCFGpp', { version: 'alternative' })) as [SamplerObject];
  assert.equal(alt.entry.needsUncond, true);
  let uncond = new Float32Array();
  const denoise = async (x: Float32Array) => {
    uncond = x.map((v) => v * 0.25);
    return x.map((v) => v * 0.5);
  };
  const out = await alt.entry.sample(denoise, Float32Array.from([4]), sigmas, { ...opts, uncondDenoised: () => uncond });
  // step 0: d = (4 − 4 + 1)/2 = 0.5, x = 4 − 0.5 = 3.5; step 1: d = (3.5 − 3.5 + 0.875)/1, x = 3.5 − 0.875.
  assert.deepEqual([...out], [2.625]);
  await assert.rejects(async () => run('SamplerEulerCFGpp', { version: 'other' }), /version/);
});

function flux2Expected(steps: number, width: number, height: number): number[] {
  const len = Math.round((width * height) / 256);
  const long = 0.00016927 * len + 0.45666666;
  const short = 8.73809524e-5 * len + 1.89833333;
  const mu = len > 4300 ? long : long + (steps - 200) * ((long - short) / 190);
  return Array.from({ length: steps + 1 }, (_, i) => {
    const t = 1 - i / steps;
    return t === 0 ? 0 : Math.exp(mu) / (Math.exp(mu) + (1 / t - 1));
  });
}

test('Flux2Scheduler follows the shifted schedule for short and long sequences', async () => {
  for (const [steps, w, h] of [[4, 1024, 1024], [3, 2048, 1024], [1, 16, 16]] as const) {
    const [s] = await run('Flux2Scheduler', { steps, width: w, height: h });
    assert.deepEqual(s.shape, [steps + 1]);
    flux2Expected(steps, w, h).forEach((v, i) => assert.ok(Math.abs(s.data[i] - v) < 1e-6, `${w}x${h} σ${i}: ${s.data[i]} vs ${v}`));
    assert.equal(s.data[0], 1);
    assert.equal(s.data[steps], 0);
  }
  await assert.rejects(async () => run('Flux2Scheduler', { steps: 0, width: 1024, height: 1024 }), /steps/);
});
