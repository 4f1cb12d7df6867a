// Numbers produced by ComfyUI's own sampler, scheduler and preview code under torch (CPU, float32); see the
// `what` field of each fixture for the exact setup.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pilResize, PIL_FILTERS } from '../../src/imaging/pil-resample.ts';
import { SD15_LATENT_FORMAT } from '../../src/inference/sampling/latent-format.ts';
import { containSize, latentToRgb } from '../../src/inference/sampling/latent-preview.ts';
import { createDiscreteModelSampling } from '../../src/inference/sampling/model-sampling.ts';
import { defaultNoiseSampler } from '../../src/inference/sampling/noise.ts';
import { resizeBilinear } from '../../src/inference/sampling/resize.ts';
import { getSampler } from '../../src/inference/sampling/samplers/index.ts';
import { calculateSigmas } from '../../src/inference/sampling/schedulers.ts';

const samplersFixture = JSON.parse(readFileSync(new URL('./fixtures-comfyui-samplers.json', import.meta.url), 'utf8')) as {
  shape: number[];
  noise0: number[];
  sigmas: Record<string, number[]>;
  samplers: Record<string, number[]>;
  schedulers: Record<string, (number | null)[]>;
};
const miscFixture = JSON.parse(readFileSync(new URL('./fixtures-torch-misc.json', import.meta.url), 'utf8'));

const ms = createDiscreteModelSampling();
const f = Math.fround;

/** The fixture's toy model in torch's float32 order of operations. */
function toy(x: number, sigma: number, mu: number): number {
  const s2 = f(0.25);
  return f(f(f(s2 * x) + f(f(sigma * sigma) * f(mu))) / f(s2 + f(sigma * sigma)));
}

describe("samplers agree with ComfyUI's code", () => {
  for (const [name, expected] of Object.entries(samplersFixture.samplers)) {
    it(name, async () => {
      const sigmas = Float64Array.from(samplersFixture.sigmas[name]!);
      const s0 = f(sigmas[0]!);
      const scale = f(Math.sqrt(f(1 + f(s0 * s0))));
      const x = Float32Array.from(samplersFixture.noise0, (v) => v * scale);
      let uncond = new Float32Array(0);
      const denoise = async (xs: Float32Array, sigma: number) => {
        const out = new Float32Array(xs.length);
        uncond = new Float32Array(xs.length);
        for (let i = 0; i < xs.length; i++) {
          const c = toy(xs[i]!, f(sigma), 0.3);
          const u = toy(xs[i]!, f(sigma), -0.2);
          uncond[i] = u;
          out[i] = u + f(f(c - u) * 2);
        }
        return out;
      };
      const noise = defaultNoiseSampler(x.length, 5);
      const out = await getSampler(name).sample(denoise, x, sigmas, { modelSampling: ms, noise, brownian: noise, uncondDenoised: () => uncond });
      let worst = 0;
      for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i]! - expected[i]!));
      assert.ok(worst < 2e-5, `max abs diff ${worst}`);
    });
  }
});

describe("schedulers agree with ComfyUI's code", () => {
  it('to float32 rounding', () => {
    for (const [key, expected] of Object.entries(samplersFixture.schedulers)) {
      const [name, steps] = key.split('/') as [string, string];
      const got = calculateSigmas(ms, name, Number(steps));
      assert.equal(got.length, expected.length, key);
      got.forEach((v, i) => {
        const e = expected[i];
        if (e === null) assert.ok(Number.isNaN(v), `${key}[${i}]`);
        else assert.ok(Math.abs(v - e) <= 1e-6 * Math.abs(e), `${key}[${i}]: ${v} vs ${e}`);
      });
    }
  });
});

describe('mask resize and previews agree with torch / PIL', () => {
  it('bilinear resize (align_corners=False)', () => {
    for (const [key, { in: input, out }] of Object.entries(miscFixture.resize) as [string, { in: number[]; out: number[] }][]) {
      const [[h, w], [oh, ow]] = key.split('->').map((s) => s.split('x').map(Number)) as [[number, number], [number, number]];
      const got = resizeBilinear(Float32Array.from(input), 2, h, w, oh, ow);
      got.forEach((v, i) => assert.ok(Math.abs(v - out[i]!) < 3e-7, `${key}[${i}]`));
    }
  });

  it('latent2rgb bytes and the contain() fit', () => {
    const img = latentToRgb(Float32Array.from(miscFixture.latent2rgb.x0), [1, 4, 6, 5], SD15_LATENT_FORMAT);
    assert.deepEqual(Array.from(img.pixels), miscFixture.latent2rgb.rgb);
    const [w, h] = containSize(5, 6, 16);
    assert.deepEqual([w, h], miscFixture.contain.size);
    assert.deepEqual(Array.from(pilResize(img.pixels, 5, 6, 3, w, h, PIL_FILTERS.bilinear)), miscFixture.contain.pixels);
  });
});
