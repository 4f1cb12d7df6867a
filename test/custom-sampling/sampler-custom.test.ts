// SamplerCustom / SamplerCustomAdvanced and the model-bound custom-sampling nodes on a real, tiny random-weight
// SD1.5 checkpoint (scripts/make-test-checkpoint.ts), 8×8 latents (64×64 pixels; 9×9 once), 2 steps. The custom
// path must agree with KSampler where ComfyUI's definitions make them the same computation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { calculateSigmas, prepareNoise } from '../../src/inference/sampling/index.ts';
import { Tensor, type Latent } from '../../src/inference/tensor.ts';
import { clipTextEncode } from '../../src/nodes/conditioning/clip-text-encode.ts';
import { checkpointLoaderSimple } from '../../src/nodes/loaders/checkpoint-loader.ts';
import { inference } from '../../src/nodes/loaders/model-files.ts';
import { InterruptedError, type NodeDefinition } from '../../src/nodes/node-definition.ts';
import { emptyLatentImage } from '../../src/nodes/latent/empty-latent-image.ts';
import { vaeDecode } from '../../src/nodes/latent/vae-codec.ts';
import { samplingNodes } from '../../src/nodes/sampling/index.ts';
import { TINY_SIZES, writeTestCheckpoint } from '../../scripts/make-test-checkpoint.ts';
import { makeContext, makeServices } from '../helpers/node-context.ts';

const TOKENIZER = join(import.meta.dirname, '../../../shared/data/clip-tokenizer');
const services = makeServices();
const byName = (name: string) => samplingNodes.find((n) => n.name === name)!;
const run = async (node: NodeDefinition | string, inputs: Record<string, unknown>, ctx = makeContext(services)) =>
  (await (typeof node === 'string' ? byName(node) : node).execute(inputs, ctx)) as any[];

let model: any;
let vae: unknown;
let positive: unknown;
let negative: unknown;
let sigmas: Tensor;
const emptyLatent = (): Latent => ({ samples: Tensor.zeros([1, 4, 8, 8]) });
const SEED = 42;

before(async () => {
  const base = services.paths.baseDir;
  mkdirSync(join(base, 'models/tokenizers/clip'), { recursive: true });
  for (const f of ['vocab.json', 'merges.txt']) cpSync(join(TOKENIZER, f), join(base, 'models/tokenizers/clip', f));
  await writeTestCheckpoint(join(base, 'models/checkpoints/tiny.safetensors'), { arch: 'sd15', sizes: TINY_SIZES });
  let clip: unknown;
  [model, clip, vae] = await run(checkpointLoaderSimple, { ckpt_name: 'tiny.safetensors' });
  [positive] = await run(clipTextEncode, { clip, text: 'a photo of a cat' });
  [negative] = await run(clipTextEncode, { clip, text: 'blurry' });
  [sigmas] = await run('BasicScheduler', { model, scheduler: 'normal', steps: 2, denoise: 1 });
});

after(async () => {
  await inference(services).store.unloadAll();
});

const select = async (sampler_name: string) => (await run('KSamplerSelect', { sampler_name }))[0];
const custom = async (sampler: unknown, extra: Record<string, unknown> = {}, ctx = makeContext(services)) =>
  run('SamplerCustom', { model, add_noise: true, noise_seed: SEED, cfg: 7, positive, negative, sampler, sigmas, latent_image: emptyLatent(), ...extra }, ctx);
const advanced = async (guider: unknown, sampler: unknown, noise?: unknown, latent_image = emptyLatent()) =>
  run('SamplerCustomAdvanced', { noise: noise ?? (await run('RandomNoise', { noise_seed: SEED }))[0], guider, sampler, sigmas, latent_image });
const cfgGuider = async (cfg: number) => (await run('CFGGuider', { model, positive, negative, cfg }))[0];
/** SamplerCustom's output with euler and the defaults above (set by the KSampler comparison, reused after). */
let eulerOut: Latent;

function assertClose(a: Float32Array, b: Float32Array, tol: number, what: string) {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst <= tol, `${what}: max difference ${worst} > ${tol}`);
}

describe('custom sampling on a tiny SD1.5 checkpoint', () => {
  it('model schedulers follow the model σ table', async () => {
    assert.deepEqual([...sigmas.data], [...Float32Array.from(calculateSigmas(model.modelSampling, 'normal', 2))]);
    const [turbo] = await run('SDTurboScheduler', { model, steps: 2, denoise: 1 });
    assertClose(turbo.data, Float32Array.from([14.614640235900879, 8.302803039550781, 0]), 2e-5, 'sd turbo');
    const [half] = await run('SDTurboScheduler', { model, steps: 2, denoise: 0.5 });
    assertClose(half.data, Float32Array.from([1.6128861904144287, 1.1605783700942993, 0]), 2e-6, 'sd turbo denoise 0.5');
    const [[pct], [actualMax], [fullPct]] = await Promise.all([
      run('SamplingPercentToSigma', { model, sampling_percent: 0.5, return_actual_sigma: false }),
      run('SamplingPercentToSigma', { model, sampling_percent: 0, return_actual_sigma: true }),
      run('SamplingPercentToSigma', { model, sampling_percent: 0, return_actual_sigma: false }),
    ]);
    assert.ok(Math.abs(pct - 1.6155803203582764) < 2e-6);
    assert.equal(actualMax, model.modelSampling.sigmaMax);
    assert.equal(fullPct, 999999999.9);
    const [partial] = await run('BasicScheduler', { model, scheduler: 'karras', steps: 2, denoise: 0.5 });
    assert.deepEqual([...partial.data], [...Float32Array.from(calculateSigmas(model.modelSampling, 'karras', 4).slice(2))]);
    assert.deepEqual([...(await run('BasicScheduler', { model, scheduler: 'normal', steps: 2, denoise: 0 }))[0].data], []);
  });

  it('SamplerCustom equals KSampler for the same seed, sampler and σ, with progress and a denoised output', async () => {
    const ctx = makeContext(services);
    const [out, denoised] = await custom(await select('euler'), {}, ctx);
    const { kSampler } = await import('../../src/nodes/sampling/ksampler.ts');
    const [reference] = await run(kSampler, {
      model, seed: SEED, steps: 2, cfg: 7, sampler_name: 'euler', scheduler: 'normal', positive, negative, latent_image: emptyLatent(), denoise: 1,
    });
    assert.deepEqual(out.samples.data, reference.samples.data);
    eulerOut = out;
    assert.deepEqual(ctx.progressCalls.map((p) => [p.value, p.max]), [[1, 2], [2, 2]]);
    // Euler's last step to σ = 0 lands on the prediction.
    assertClose(denoised.samples.data, out.samples.data, 1e-4, 'denoised_output');
    assert.notEqual(denoised, out);
  });

  it('KSampler and VAEDecode take latents that are not a multiple of 8 (a 72×72 image), as ComfyUI does', async () => {
    const { kSampler } = await import('../../src/nodes/sampling/ksampler.ts');
    const [latent] = await run(emptyLatentImage, { width: 72, height: 72, batch_size: 1 });
    assert.deepEqual(latent.samples.shape, [1, 4, 9, 9]);
    const [out] = await run(kSampler, {
      model, seed: SEED, steps: 2, cfg: 7, sampler_name: 'euler', scheduler: 'normal', positive, negative, latent_image: latent, denoise: 1,
    });
    assert.deepEqual(out.samples.shape, [1, 4, 9, 9]);
    const [image] = await run(vaeDecode, { samples: out, vae });
    assert.deepEqual(image.shape, [1, 72, 72, 3]);
    assert.ok(image.data.every((v: number) => v >= 0 && v <= 1));
  });

  it('SamplerLCMUpscale enlarges the latent while it samples, the same way every run', async () => {
    const [sampler] = await run('SamplerLCMUpscale', { scale_ratio: 1.5, scale_steps: -1, upscale_method: 'bislerp' });
    const [first, denoised] = await custom(sampler);
    const [again] = await custom(sampler);
    // 2 steps: linspace(1, 1.5, 2)[1:] = [1.5], so after the first step 8×8 becomes 12×12.
    assert.deepEqual(first.samples.shape, [1, 4, 12, 12]);
    assert.deepEqual(denoised.samples.shape, [1, 4, 12, 12]);
    assert.deepEqual(first.samples.data, again.samples.data);
    assert.ok(first.samples.data.every(Number.isFinite));
  });

  it('SamplerCustomAdvanced with RandomNoise and CFGGuider equals SamplerCustom; BasicGuider equals cfg 1', async () => {
    const sampler = await select('euler');
    const [viaAdvanced] = await advanced(await cfgGuider(7), sampler);
    assert.deepEqual(viaAdvanced.samples.data, eulerOut.samples.data);
    const [basic] = (await run('BasicGuider', { model, conditioning: positive }));
    const [viaBasic] = await advanced(basic, sampler);
    const [viaCfg1] = await advanced(await cfgGuider(1), sampler);
    assert.deepEqual(viaBasic.samples.data, viaCfg1.samples.data);
    assert.notDeepEqual(viaBasic.samples.data, eulerOut.samples.data);
  });

  it('inpaints the noise-masked area like KSampler', async () => {
    const samples = new Tensor([1, 4, 8, 8], Float32Array.from({ length: 256 }, (_, i) => Math.sin(i) * 0.5));
    const noise_mask = new Tensor([1, 8, 8], Float32Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 0)));
    const latent_image = { samples, noise_mask };
    const [out] = await custom(await select('euler'), { latent_image });
    const { kSampler } = await import('../../src/nodes/sampling/ksampler.ts');
    const [reference] = await run(kSampler, {
      model, seed: SEED, steps: 2, cfg: 7, sampler_name: 'euler', scheduler: 'normal', positive, negative, latent_image, denoise: 1,
    });
    assert.deepEqual(out.samples.data, reference.samples.data);
    assert.equal(out.noise_mask, noise_mask);
  });

  it('sampler knobs are honoured: eta 0 makes euler_ancestral plain euler; SEEDS2 φ₂, r 1, eta 0 is exp_heun_2_x0', async () => {
    const euler = eulerOut;
    const [eta0] = await custom((await run('SamplerEulerAncestral', { eta: 0, s_noise: 1 }))[0]);
    const [eta1] = await custom((await run('SamplerEulerAncestral', { eta: 1, s_noise: 1 }))[0]);
    const [ancestral] = await custom(await select('euler_ancestral'));
    assert.deepEqual(eta0.samples.data, euler.samples.data);
    assert.deepEqual(eta1.samples.data, ancestral.samples.data);
    assert.notDeepEqual(eta1.samples.data, euler.samples.data);
    const [seeds] = await custom((await run('SamplerSEEDS2', { solver_type: 'phi_2', eta: 0, s_noise: 1, r: 1 }))[0]);
    const [expHeun] = await custom(await select('exp_heun_2_x0'));
    assert.deepEqual(seeds.samples.data, expHeun.samples.data);
  });

  it('DualCFGGuider with cond1 = cond2 is plain CFG in both styles', async () => {
    const [reference] = await advanced(await cfgGuider(5), await select('euler'));
    for (const style of ['regular', 'nested']) {
      const [guider] = await run('DualCFGGuider', { model, cond1: positive, cond2: positive, negative, cfg_conds: 3, cfg_cond2_negative: 5, style });
      const [out] = await advanced(guider, await select('euler'));
      assertClose(out.samples.data, reference.samples.data, 1e-3, style);
    }
  });

  it('no noise: DisableNoise matches SamplerCustom add_noise=false; AddNoise scales the noise to the σ span', async () => {
    const start = { samples: new Tensor([1, 4, 8, 8], Float32Array.from({ length: 256 }, (_, i) => Math.cos(i))) };
    const [disabled] = await run('DisableNoise', {});
    const [viaAdvanced] = await advanced(await cfgGuider(7), await select('euler'), disabled, start);
    const [viaCustom] = await custom(await select('euler'), { add_noise: false, noise_seed: 5, latent_image: start });
    assert.deepEqual(viaAdvanced.samples.data, viaCustom.samples.data);

    const [noise] = await run('RandomNoise', { noise_seed: 3 });
    const [noised] = await run('AddNoise', { model, noise, sigmas, latent_image: emptyLatent() });
    const expected = prepareNoise([1, 4, 8, 8], 3).map((v) => Math.fround(v * sigmas.data[0]!) / 0.18215);
    assertClose(noised.samples.data, expected, 1e-4, 'AddNoise');
    assert.deepEqual((await run('AddNoise', { model, noise, sigmas: new Tensor([0]), latent_image: start }))[0], start);
  });

  it('returns the input for empty σ, stops on interrupt, and fails clearly for sampler settings comfy-ts lacks', async () => {
    const start = emptyLatent();
    const [out, denoised] = await run('SamplerCustomAdvanced', {
      noise: (await run('DisableNoise', {}))[0], guider: await cfgGuider(7), sampler: await select('euler'), sigmas: new Tensor([0]), latent_image: start,
    });
    assert.equal(out.samples, start.samples);
    assert.equal(denoised, out);
    const ctx = makeContext(services);
    ctx.checkInterrupted = () => {
      throw new InterruptedError();
    };
    await assert.rejects(custom(await select('euler'), {}, ctx), InterruptedError);
    const dpmDefaults = { order: 3, rtol: 0.05, atol: 0.0078, h_init: 0.05, pcoeff: 0, icoeff: 1, dcoeff: 0, accept_safety: 0.81, eta: 0, s_noise: 1 };
    assert.equal((await run('SamplerDPMAdaptative', dpmDefaults))[0].name, 'dpm_adaptive');
    await assert.rejects(run('SamplerDPMAdaptative', { ...dpmDefaults, rtol: 0.1 }), /non-default settings are not implemented.*rtol=0.1/);
    const saDefaults = { model, eta: 1, sde_start_percent: 0.2, sde_end_percent: 0.8, s_noise: 1, predictor_order: 3, corrector_order: 4, use_pece: true, simple_order_2: false };
    assert.equal((await run('SamplerSASolver', saDefaults))[0].name, 'sa_solver_pece');
    await assert.rejects(run('SamplerSASolver', { ...saDefaults, predictor_order: 2 }), /not implemented.*predictor_order=2/);
    await assert.rejects(run('SamplerER_SDE', { solver_type: 'ODE', max_stage: 3, eta: 1, s_noise: 1 }), /not implemented/);
    await assert.rejects(run('SamplerCustomAdvanced', { noise: 1, guider: 2, sampler: 3, sigmas, latent_image: start }), /must be a GUIDER/);
  });
});
