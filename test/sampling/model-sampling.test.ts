import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tensor } from '../../src/inference/tensor.ts';
import { createCfgDenoiser, type DiffusionModel, type ModelCond } from '../../src/inference/sampling/cfg.ts';
import { processIn, processOut, SD15_LATENT_FORMAT } from '../../src/inference/sampling/latent-format.ts';
import { createDiscreteModelSampling, discreteSigmas64, isMaxDenoise } from '../../src/inference/sampling/model-sampling.ts';
import { get, item, loadTensors, skipUnless, TRACE, UNET_STEP0 } from './helpers.ts';

const eps = createDiscreteModelSampling();
const v = createDiscreteModelSampling({ predictionType: 'v_prediction' });

describe('discrete model sampling (SD1.x / SD2.x / SDXL)', () => {
  it('builds the scaled-linear σ table', () => {
    assert.equal(eps.sigmas.length, 1000);
    assert.ok(Math.abs(eps.sigmaMin - 0.0291672) < 1e-7);
    assert.ok(Math.abs(eps.sigmaMax - 14.614641) < 1e-6);
    // σ_i = √((1 − ᾱ_i)/ᾱ_i) with ᾱ the running product of 1 − β and β from squared linspace.
    const b0 = 0.00085;
    assert.ok(Math.abs(discreteSigmas64()[0]! - Math.sqrt(b0 / (1 - b0))) < 1e-15);
    for (let i = 1; i < 1000; i++) assert.ok(eps.sigmas[i]! > eps.sigmas[i - 1]!);
  });

  it('zero terminal SNR rescales the table so the last ᾱ is 4.8973451890853435e-08', () => {
    const z = createDiscreteModelSampling({ zsnr: true });
    const last = 4.8973451890853435e-8;
    assert.equal(z.sigmaMax, Math.fround(Math.sqrt((1 - last) / last)));
    assert.equal(z.sigmaMin, eps.sigmaMin, 'the first value keeps its ᾱ');
  });

  it('maps σ to the nearest log-σ index and back', () => {
    assert.equal(eps.timestep(eps.sigmaMax), 999);
    assert.equal(eps.timestep(eps.sigmaMin), 0);
    assert.equal(eps.timestep(eps.sigmas[500]! * 1.0001), 500);
    assert.equal(eps.timestep(100), 999);
    assert.equal(eps.sigma(999), Math.fround(Math.exp(eps.logSigmas[999]!)));
    const mid = eps.sigma(499.5);
    assert.ok(Math.abs(Math.log(mid) - (eps.logSigmas[499]! + eps.logSigmas[500]!) / 2) < 1e-6);
    assert.equal(eps.sigma(-5), eps.sigma(0));
    assert.equal(eps.sigma(5000), eps.sigma(999));
  });

  it('percent_to_sigma', () => {
    assert.equal(eps.percentToSigma(0), 999999999.9);
    assert.equal(eps.percentToSigma(1), 0);
    assert.equal(eps.percentToSigma(0.5), eps.sigma(499.5));
  });

  it('max denoise: σ equal to σ_max within 1e-5, or above it', () => {
    assert.ok(isMaxDenoise(eps, 14.61464));
    assert.ok(isMaxDenoise(eps, 20));
    assert.ok(!isMaxDenoise(eps, 14.6));
  });

  it('noise scaling: √(1 + σ²) at max denoise, σ otherwise, plus the latent', () => {
    const noise = Float32Array.from([1, -2]);
    const latent = Float32Array.from([0.5, 0.25]);
    assert.deepEqual(Array.from(eps.noiseScaling(2, noise, latent, false)), [2.5, -3.75]);
    const s = Math.fround(Math.sqrt(5));
    assert.deepEqual(Array.from(eps.noiseScaling(2, noise, null, true)), [s, Math.fround(-2 * s)]);
  });

  it('v-prediction: D = x·σd²/(σ² + σd²) − out·σ·σd/√(σ² + σd²)', () => {
    const x = Float32Array.from([1, 2]);
    const out = Float32Array.from([0.5, -1]);
    const sigma = 3;
    const d = v.calculateDenoised(sigma, out, x);
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(d[i]! - (x[i]! / 10 - (out[i]! * 3) / Math.sqrt(10))) < 1e-6);
    const cIn = v.calculateInput(sigma, x);
    assert.ok(Math.abs(cIn[1]! - 2 / Math.sqrt(10)) < 1e-7);
  });

  it('latent format SD15 scales by 0.18215 and leaves zeros alone', () => {
    const z = Float32Array.from([1, 0, -2]);
    const m = processIn(SD15_LATENT_FORMAT, z);
    assert.deepEqual(Array.from(m), [Math.fround(0.18215), 0, Math.fround(-2 * Math.fround(0.18215))]);
    assert.deepEqual(Array.from(processOut(SD15_LATENT_FORMAT, m)), [1, 0, -2]);
  });
});

describe('the fidelity trace, step 0', { skip: skipUnless(UNET_STEP0) || skipUnless(TRACE) }, () => {
  it('UNet input, timestep and CFG-combined prediction match ComfyUI bit for bit', async () => {
    const step0 = await loadTensors(UNET_STEP0);
    const x = get(step0, 'x');
    const sigma = get(step0, 'sigma').data[0]!;
    const contextPos = get(step0, 'context_pos');
    const contextNeg = get(step0, 'context_neg');
    const calls: { xIn: Float32Array; timestep: number[]; cond: ModelCond; shape: readonly number[] }[] = [];
    const model: DiffusionModel = {
      modelSampling: eps,
      latentFormat: SD15_LATENT_FORMAT,
      async apply(xIn, timestep, cond, shape) {
        calls.push({ xIn: new Float32Array(xIn), timestep, cond, shape });
        // ComfyUI batches [negative, positive]; answer with the recorded ε of each.
        const out = new Float32Array(xIn.length);
        const half = xIn.length / 2;
        const first = cond.context.data[0] === contextNeg.data[0] ? 'eps_neg' : 'eps_pos';
        out.set(get(step0, first).data, 0);
        out.set(get(step0, first === 'eps_neg' ? 'eps_pos' : 'eps_neg').data, half);
        return out;
      },
    };
    const cfg = createCfgDenoiser({
      model,
      positive: [[new Tensor(contextPos.shape, contextPos.data), {}]],
      negative: [[new Tensor(contextNeg.shape, contextNeg.data), {}]],
      cfg: get(step0, 'cfg_scale').data[0]!,
      shape: x.shape,
    });
    const denoised = await cfg.denoise(x.data, sigma);
    assert.equal(calls.length, 1, 'cond and uncond share one model call');
    const call = calls[0]!;
    assert.deepEqual(call.shape, [2, 4, 8, 8]);
    assert.deepEqual(call.timestep, [999, 999]);
    assert.equal(call.timestep[0], get(step0, 'timestep').data[0]);
    assert.deepEqual(call.cond.context.shape, [2, 77, 768]);
    assert.deepEqual(call.cond.context.data.subarray(0, 77 * 768), contextNeg.data, 'negative first');
    assert.deepEqual(call.xIn.subarray(0, 256), get(step0, 'unet_input').data);
    assert.deepEqual(call.xIn.subarray(256), get(step0, 'unet_input').data);
    assert.deepEqual(denoised, get(step0, 'denoised_cfg').data);
    const trace = await loadTensors(TRACE);
    assert.deepEqual(denoised, item(get(trace, 'denoised'), 0));
  });
});
