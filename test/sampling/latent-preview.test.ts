import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { SD15_LATENT_FORMAT, SDXL_LATENT_FORMAT } from '../../src/inference/sampling/latent-format.ts';
import { containSize, latentPreview, latentToRgb } from '../../src/inference/sampling/latent-preview.ts';
import { randn } from '../../src/inference/sampling/noise.ts';

describe('latent previews', () => {
  it('latent2rgb: rgb = Σ z_k·W_k (+ bias), mapped from −1…1 to bytes by truncation', () => {
    const zero = latentToRgb(new Float32Array(4 * 2 * 2), [1, 4, 2, 2], SD15_LATENT_FORMAT);
    assert.deepEqual(Array.from(zero.pixels), new Array(12).fill(127));
    const one = new Float32Array(4).fill(0);
    one[0] = 1; // channel 0 only: (0.3512, 0.2297, 0.3227)
    const px = latentToRgb(one, [1, 4, 1, 1], SD15_LATENT_FORMAT).pixels;
    assert.deepEqual(Array.from(px), [172, 156, 168]);
    const xl = latentToRgb(new Float32Array(4), [1, 4, 1, 1], SDXL_LATENT_FORMAT).pixels;
    assert.deepEqual(Array.from(xl), [141, 125, 127], 'SDXL adds its bias');
    assert.deepEqual(Array.from(latentToRgb(Float32Array.from([10, 10, 10, 10]), [1, 4, 1, 1], SD15_LATENT_FORMAT).pixels), [255, 255, 255]);
    assert.deepEqual(Array.from(latentToRgb(Float32Array.from([-10, -10, -10, -10]), [1, 4, 1, 1], SD15_LATENT_FORMAT).pixels), [0, 0, 0]);
  });

  it('uses the first batch item only', () => {
    const x = new Float32Array(2 * 4);
    x.fill(5, 4); // second item
    assert.deepEqual(Array.from(latentToRgb(x, [2, 4, 1, 1], SD15_LATENT_FORMAT).pixels), [127, 127, 127]);
  });

  it('fits the preview box like ImageOps.contain (scaling up too)', () => {
    assert.deepEqual(containSize(64, 64, 512), [512, 512]);
    assert.deepEqual(containSize(96, 64, 512), [512, 341]);
    assert.deepEqual(containSize(64, 96, 512), [341, 512]);
    assert.deepEqual(containSize(1024, 8, 256), [256, 2]);
  });

  it('encodes a JPEG of the fitted size', async () => {
    const x0 = randn(1, [1, 4, 64, 96]);
    const preview = await latentPreview(x0, [1, 4, 64, 96], SD15_LATENT_FORMAT, 512);
    assert.equal(preview.format, 'JPEG');
    assert.equal(preview.data[0], 0xff);
    assert.equal(preview.data[1], 0xd8);
    const meta = await sharp(preview.data).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.deepEqual([meta.width, meta.height], [512, 341]);
  });
});

describe('sampling progress', () => {
  it('reports step + 1 of the step count, with a preview when enabled', async () => {
    const calls: [number, number, boolean][] = [];
    const sink = (value: number, max: number, preview?: { format: string; data: Buffer }) => void calls.push([value, max, preview?.format === 'JPEG']);
    const { samplingProgress } = await import('../../src/inference/sampling/latent-preview.ts');
    const on = samplingProgress(sink, { format: SD15_LATENT_FORMAT, shape: [1, 4, 8, 8], previews: true, previewSize: 64 });
    const off = samplingProgress(sink, { format: SD15_LATENT_FORMAT, shape: [1, 4, 8, 8], previews: false });
    await on({ i: 0, total: 20, denoised: new Float32Array(256) });
    await off({ i: 19, total: 20, denoised: new Float32Array(256) });
    assert.deepEqual(calls, [[1, 20, true], [20, 20, false]]);
  });
});
