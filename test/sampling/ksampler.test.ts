import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tensor, type Latent } from '../../src/inference/tensor.ts';
import { createCfgDenoiser, type DiffusionModel, type ModelCond } from '../../src/inference/sampling/cfg.ts';
import type { Conditioning } from '../../src/inference/sampling/conditioning.ts';
import { advancedOptions, commonKSampler, type KSamplerInput } from '../../src/inference/sampling/ksampler.ts';
import { SD15_LATENT_FORMAT } from '../../src/inference/sampling/latent-format.ts';
import { createDiscreteModelSampling } from '../../src/inference/sampling/model-sampling.ts';
import { prepareNoise, randn } from '../../src/inference/sampling/noise.ts';
import type { StepInfo } from '../../src/inference/sampling/samplers/index.ts';
import { calculateSigmas } from '../../src/inference/sampling/schedulers.ts';
import { get, item, loadTensors, maxAbsDiff, skipUnless, TRACE } from './helpers.ts';

const ms = createDiscreteModelSampling();
const f = Math.fround;

interface Call {
  shape: readonly number[];
  timestep: number[];
  cond: ModelCond;
}

/** A fake ε-model whose output for each batch item is the first value of that item's context. */
function constantEpsModel(): DiffusionModel & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    modelSampling: ms,
    latentFormat: SD15_LATENT_FORMAT,
    async apply(xIn, timestep, cond, shape) {
      calls.push({ shape, timestep, cond });
      const out = new Float32Array(xIn.length);
      const per = xIn.length / shape[0]!;
      const row = cond.context.shape[1]! * cond.context.shape[2]!;
      for (let b = 0; b < shape[0]!; b++) out.fill(cond.context.data[b * row]!, b * per, (b + 1) * per);
      return out;
    },
  };
}

function context(value: number, tokens = 77, dim = 8): Tensor {
  return Tensor.full([1, tokens, dim], value);
}

function latentOf(shape: number[], fill = 0): Latent {
  return { samples: Tensor.full(shape, fill) };
}

function baseInput(model: DiffusionModel, overrides: Partial<KSamplerInput> = {}): KSamplerInput {
  return {
    model,
    seed: 42,
    steps: 4,
    cfg: 8,
    samplerName: 'euler',
    scheduler: 'normal',
    positive: [[context(0.5), {}]],
    negative: [[context(-0.25), {}]],
    latent: latentOf([1, 4, 8, 8]),
    ...overrides,
  };
}

describe('KSampler pipeline', () => {
  it('reproduces the fidelity trace when the model predicts its denoised values', { skip: skipUnless(TRACE) }, async () => {
    const trace = await loadTensors(TRACE);
    const denoised = get(trace, 'denoised');
    const xs = get(trace, 'x');
    let step = 0;
    const seen: StepInfo[] = [];
    const model: DiffusionModel = {
      modelSampling: ms,
      latentFormat: SD15_LATENT_FORMAT,
      async apply(xIn, timestep, _cond, shape) {
        // ε = (x − D)/σ for both halves of the batch, so that CFG returns D whatever the scale.
        const sigma = f(get(trace, 'sigmas').data[step]!);
        const c = f(Math.sqrt(f(f(sigma * sigma) + 1)));
        const target = item(denoised, step++);
        const out = new Float32Array(xIn.length);
        for (let i = 0; i < out.length; i++) out[i] = (f(xIn[i]! * c) - target[i % target.length]!) / sigma;
        assert.equal(shape[0], 2);
        assert.equal(timestep.length, 2);
        return out;
      },
    };
    const result = await commonKSampler({
      ...baseInput(model),
      positive: [[context(1), {}]],
      negative: [[context(2), {}]],
      onStep: (info) => void seen.push({ ...info, x: new Float32Array(info.x), denoised: new Float32Array(info.denoised) }),
    });
    assert.deepEqual(seen[0]!.x, item(xs, 0), 'x[0] = noise·√(1 + σ₀²) exactly');
    assert.deepEqual(seen.map((s) => [s.i, s.total]), [[0, 4], [1, 4], [2, 4], [3, 4]]);
    for (let i = 1; i < 4; i++) assert.ok(maxAbsDiff(seen[i]!.x, item(xs, i)) < 1e-4, `x[${i}]`);
    assert.deepEqual(result.samples.shape, [1, 4, 8, 8]);
    assert.ok(maxAbsDiff(result.samples.data, get(trace, 'final_latent').data) < 1e-4);
  });

  it('batches uncond and cond into one call ([negative, positive]) and skips uncond at cfg 1', async () => {
    const model = constantEpsModel();
    await commonKSampler(baseInput(model));
    assert.equal(model.calls.length, 4);
    assert.deepEqual(model.calls[0]!.shape, [2, 4, 8, 8]);
    assert.deepEqual(model.calls.map((c) => c.timestep[0]), [999, 666, 333, 0]);
    assert.equal(model.calls[0]!.cond.context.data[0], -0.25, 'negative first');
    const single = constantEpsModel();
    await commonKSampler(baseInput(single, { cfg: 1 }));
    assert.deepEqual(single.calls[0]!.shape, [1, 4, 8, 8]);
    assert.equal(single.calls[0]!.cond.context.data[0], 0.5);
    const cfgpp = constantEpsModel();
    await commonKSampler(baseInput(cfgpp, { cfg: 1, samplerName: 'euler_cfg_pp' }));
    assert.deepEqual(cfgpp.calls[0]!.shape, [2, 4, 8, 8], 'CFG++ needs the uncond prediction even at cfg 1');
  });

  it('applies CFG: D = D_u + cfg·(D_c − D_u)', async () => {
    const model = constantEpsModel();
    const cfg = createCfgDenoiser({ model, positive: [[context(0.5), {}]], negative: [[context(-0.25), {}]], cfg: 3, shape: [1, 4, 2, 2] });
    const x = Float32Array.from({ length: 16 }, (_, i) => i / 10);
    const sigma = 2;
    const d = await cfg.denoise(x, sigma);
    for (let i = 0; i < 16; i++) assert.ok(Math.abs(d[i]! - (x[i]! - sigma * (-0.25 + 3 * 0.75))) < 1e-5);
    assert.ok(cfg.lastUncond()!.every((v, i) => Math.abs(v - (x[i]! + 0.5)) < 1e-6));
  });

  it('starts from the seed noise and is deterministic', async () => {
    const seen: Float32Array[] = [];
    const run = (seed: number) => commonKSampler(baseInput(constantEpsModel(), { seed, onStep: (s) => void (s.i === 0 && seen.push(new Float32Array(s.x))) }));
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    assert.deepEqual(a.samples.data, b.samples.data);
    assert.notDeepEqual(a.samples.data, c.samples.data);
    const sigma = f(calculateSigmas(ms, 'normal', 4)[0]!);
    const scale = f(Math.sqrt(f(1 + f(sigma * sigma))));
    assert.deepEqual(seen[0], Float32Array.from(randn(7, [1, 4, 8, 8]), (n) => n * scale));
  });

  it('uses batch_index for the noise', async () => {
    const seen: Float32Array[] = [];
    await commonKSampler(
      baseInput(constantEpsModel(), {
        latent: { samples: Tensor.zeros([2, 4, 8, 8]), batch_index: [2, 0] },
        onStep: (s) => void (s.i === 0 && seen.push(new Float32Array(s.x))),
      }),
    );
    const noise = prepareNoise([2, 4, 8, 8], 42, [2, 0]);
    const sigma = f(calculateSigmas(ms, 'normal', 4)[0]!);
    const scale = f(Math.sqrt(f(1 + f(sigma * sigma))));
    assert.deepEqual(seen[0], Float32Array.from(noise, (n) => n * scale));
  });

  it('denoise < 1 noises the scaled input latent to a lower σ (no max-denoise scaling)', async () => {
    const seen: StepInfo[] = [];
    const latent = { samples: Tensor.full([1, 4, 8, 8], 2) };
    await commonKSampler(baseInput(constantEpsModel(), { latent, denoise: 0.5, onStep: (s) => void seen.push({ ...s, x: new Float32Array(s.x) }) }));
    assert.equal(seen.length, 4);
    const sigma = f(calculateSigmas(ms, 'normal', 8)[4]!);
    assert.equal(seen[0]!.sigma, sigma);
    const noise = randn(42, [1, 4, 8, 8]);
    const z = f(2 * f(0.18215));
    assert.deepEqual(seen[0]!.x, Float32Array.from(noise, (n) => f(n * sigma) + z));
  });

  it('denoise 0 and an empty step window return the latent unchanged', async () => {
    const latent = { samples: Tensor.full([1, 4, 8, 8], 3), batch_index: [0] };
    const model = constantEpsModel();
    const zero = await commonKSampler(baseInput(model, { latent, denoise: 0 }));
    assert.equal(zero.samples, latent.samples);
    assert.deepEqual(zero.batch_index, [0]);
    const late = await commonKSampler(baseInput(model, { latent, ...advancedOptions('enable', 4, 10000, 'disable') }));
    assert.equal(late.samples, latent.samples);
    assert.equal(model.calls.length, 0);
  });

  it('KSamplerAdvanced: step window, add_noise disable, leftover noise', async () => {
    const model = constantEpsModel();
    const seen: StepInfo[] = [];
    const latent = { samples: Tensor.full([1, 4, 8, 8], 1) };
    const out = await commonKSampler(
      baseInput(model, { latent, steps: 6, ...advancedOptions('disable', 2, 4, 'enable'), onStep: (s) => void seen.push({ ...s, x: new Float32Array(s.x) }) }),
    );
    const sigmas = calculateSigmas(ms, 'normal', 6);
    assert.deepEqual(seen.map((s) => s.sigma), [sigmas[2], sigmas[3]]);
    assert.deepEqual(seen[0]!.x, new Float32Array(256).fill(f(0.18215)), 'no noise: the scaled latent itself');
    assert.equal(model.calls.length, 2);
    // With leftover noise the last σ stays σ_4, so the result is not the denoised prediction.
    const full = await commonKSampler(baseInput(constantEpsModel(), { latent, steps: 6, ...advancedOptions('disable', 2, 4, 'disable') }));
    assert.notDeepEqual(out.samples.data, full.samples.data);
  });

  it('noise_mask keeps the unmasked region (inpainting)', async () => {
    const mask = new Tensor([1, 8, 8]);
    for (let y = 0; y < 8; y++) for (let x = 4; x < 8; x++) mask.data[y * 8 + x] = 1; // regenerate the right half
    const latent: Latent = { samples: Tensor.full([1, 4, 8, 8], 0.7), noise_mask: mask };
    for (const samplerName of ['euler', 'ddim', 'dpmpp_2m']) {
      const out = await commonKSampler(baseInput(constantEpsModel(), { latent, samplerName, steps: 5 }));
      for (let c = 0; c < 4; c++) {
        for (let y = 0; y < 8; y++) {
          for (let x = 0; x < 8; x++) {
            const v = out.samples.data[(c * 8 + y) * 8 + x]!;
            if (x < 4) assert.ok(Math.abs(v - 0.7) < 1e-4, `${samplerName} kept ${v}`);
            else assert.ok(Math.abs(v - 0.7) > 1e-2, `${samplerName} regenerated`);
          }
        }
      }
      assert.equal(out.noise_mask, mask);
    }
  });

  it('resizes a pixel-size noise mask to the latent', async () => {
    const mask = Tensor.full([1, 64, 64], 0);
    const latent: Latent = { samples: Tensor.full([1, 4, 8, 8], 0.5), noise_mask: mask };
    const out = await commonKSampler(baseInput(constantEpsModel(), { latent }));
    assert.ok(maxAbsDiff(out.samples.data, latent.samples.data) < 1e-4, 'a zero mask keeps everything');
  });

  it('reports progress per step and stops when interrupted', async () => {
    const model = constantEpsModel();
    let checks = 0;
    const steps: number[] = [];
    await assert.rejects(
      commonKSampler(
        baseInput(model, {
          steps: 10,
          samplerName: 'dpm_2',
          onStep: (s) => void steps.push(s.i),
          checkInterrupted: () => {
            if (++checks > 5) throw new Error('interrupted');
          },
        }),
      ),
      /interrupted/,
    );
    assert.ok(model.calls.length < 10);
    assert.ok(steps.length >= 1 && steps.length < 10);
  });

  it('names an unknown sampler or scheduler', async () => {
    await assert.rejects(commonKSampler(baseInput(constantEpsModel(), { samplerName: 'turbo' })), /unknown sampler "turbo"/);
    await assert.rejects(commonKSampler(baseInput(constantEpsModel(), { scheduler: 'fancy' })), /invalid scheduler fancy/);
  });

  it('widens an empty latent to the model channel count', async () => {
    const out = await commonKSampler(baseInput(constantEpsModel(), { latent: latentOf([1, 16, 8, 8]) }));
    assert.deepEqual(out.samples.shape, [1, 4, 8, 8]);
  });

  it('runs ancestral and SDE samplers through the pipeline deterministically', async () => {
    for (const samplerName of ['euler_ancestral', 'dpmpp_2m_sde', 'dpmpp_sde', 'lcm', 'uni_pc']) {
      const a = await commonKSampler(baseInput(constantEpsModel(), { samplerName, steps: 6 }));
      const b = await commonKSampler(baseInput(constantEpsModel(), { samplerName, steps: 6 }));
      assert.deepEqual(a.samples.data, b.samples.data, samplerName);
      assert.ok(a.samples.data.every(Number.isFinite), samplerName);
    }
  });
});

describe('several conditioning entries', () => {
  const x = new Float32Array(16).fill(1);
  const shape = [1, 4, 2, 2];

  it('averages entries by strength', async () => {
    const model = constantEpsModel();
    const positive: Conditioning = [
      [context(1), { strength: 1 }],
      [context(3), { strength: 3 }],
    ];
    const cfg = createCfgDenoiser({ model, positive, negative: [[context(0), {}]], cfg: 1, shape });
    const d = await cfg.denoise(x, 1);
    // ε_c = (1·1 + 3·3)/4 = 2.5
    for (const v of d) assert.ok(Math.abs(v - (1 - 2.5)) < 1e-6);
    assert.equal(model.calls.length, 1, 'same shapes: one call');
    assert.deepEqual(model.calls[0]!.shape, [2, 4, 2, 2]);
  });

  it('pads contexts of different lengths by repetition when batching', async () => {
    const model = constantEpsModel();
    const cfg = createCfgDenoiser({ model, positive: [[context(1, 154), {}]], negative: [[context(2, 77), {}]], cfg: 2, shape });
    await cfg.denoise(x, 1);
    assert.deepEqual(model.calls[0]!.cond.context.shape, [2, 154, 8]);
  });

  it('restricts an area entry to its crop and gives the other list a matching entry', async () => {
    const model = constantEpsModel();
    const big = [1, 4, 16, 16];
    const positive: Conditioning = [
      [context(1), {}],
      [context(5), { area: [8, 8, 0, 8], strength: 1 }],
    ];
    const cfg = createCfgDenoiser({ model, positive, negative: [[context(0), {}]], cfg: 2, shape: big });
    const xs = new Float32Array(4 * 256).fill(0);
    const d = await cfg.denoise(xs, 1);
    const shapes = model.calls.map((c) => c.shape.join('x'));
    assert.ok(shapes.includes('2x4x8x8'), `area entries batched together: ${shapes}`);
    // Top-left pixel: outside the area, cond ε = 1, uncond ε = 0 → D = 0 − 1·(0 + 2·1).
    assert.ok(Math.abs(d[0]! + 2) < 1e-6);
    // Top-right corner (inside the area, weight 1 there since the area touches that edge): ε_c = (1 + 5)/2.
    assert.ok(Math.abs(d[15]! + 6) < 1e-5, `${d[15]}`);
  });

  it('honours start_percent / end_percent', async () => {
    const model = constantEpsModel();
    const positive: Conditioning = [
      [context(1), { start_percent: 0, end_percent: 0.5 }],
      [context(3), { start_percent: 0.5, end_percent: 1 }],
    ];
    const cfg = createCfgDenoiser({ model, positive, negative: [[context(0), {}]], cfg: 1, shape });
    const early = await cfg.denoise(x, 10);
    const late = await cfg.denoise(x, 0.1);
    assert.ok(Math.abs(early[0]! - (1 - 10 * 1)) < 1e-5);
    assert.ok(Math.abs(late[0]! - (1 - 0.1 * 3)) < 1e-5);
  });

  it('weights by a mask', async () => {
    const model = constantEpsModel();
    const mask = new Tensor([1, 2, 2], Float32Array.from([1, 0, 0, 1]));
    const positive: Conditioning = [
      [context(1), {}],
      [context(3), { mask, mask_strength: 1 }],
    ];
    const cfg = createCfgDenoiser({ model, positive, negative: [[context(0), {}]], cfg: 1, shape });
    const d = await cfg.denoise(x, 1);
    assert.ok(Math.abs(d[0]! - (1 - 2)) < 1e-6, 'masked pixel: (1 + 3)/2');
    assert.ok(Math.abs(d[1]! - (1 - 1)) < 1e-6, 'unmasked pixel: 1');
  });
});
