// Morphology, ImageRGBToYUV/ImageYUVToRGB and Canny against kornia 0.8.2 (fixtures/kornia-reference.json, produced
// by the kornia calls ComfyUI 0.8.0 makes). Tolerance 1e-6 (float32); Canny edges are exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/inference/tensor.ts';
import { assertClose, combo, fixture, float, info, int, run, v3Info } from './helpers.ts';

const R = fixture('kornia-reference.json');
const img = new Tensor([1, 6, 7, 3], new Float32Array(R.morph_img));

test('Morphology: every operation, odd and even kernels, geodesic borders', async () => {
  for (const k of [3, 4, 5]) {
    for (const op of ['erode', 'dilate', 'open', 'close', 'gradient', 'top_hat', 'bottom_hat']) {
      const [out] = await run('Morphology', { image: img, operation: op, kernel_size: k });
      assertClose(out.data, R[`${op}_${k}`], 1e-6, `${op} k=${k}`);
    }
  }
});

test('Morphology with a kernel larger than the image reduces over the whole image', async () => {
  const [out] = await run('Morphology', { image: img, operation: 'dilate', kernel_size: 999 });
  const maxR = Math.max(...Array.from({ length: 42 }, (_, p) => img.data[p * 3]!));
  assert.ok(Array.from({ length: 42 }, (_, p) => out.data[p * 3]).every((v) => v === maxR));
});

test('ImageRGBToYUV / ImageYUVToRGB', async () => {
  const [y, u, v] = await run('ImageRGBToYUV', { image: img });
  const ycc = new Float32Array(img.size);
  for (let p = 0; p < img.size; p += 3) [ycc[p], ycc[p + 1], ycc[p + 2]] = [y.data[p], u.data[p], v.data[p]];
  assertClose(ycc, R.ycbcr, 1e-6, 'ycbcr');
  assert.equal(y.data[0], y.data[1], 'each plane is repeated over three channels');
  const [back] = await run('ImageYUVToRGB', { Y: y, U: u, V: v });
  assertClose(back.data, R.rgb_back, 1e-6, 'rgb');
  await assert.rejects(async () => run('ImageRGBToYUV', { image: new Tensor([1, 1, 1, 4]) }), /3 channels/);
});

test('Canny: kornia edges (blur, Sobel, NMS, double threshold, hysteresis), white on black, 3 channels', async () => {
  const card = new Tensor([1, 24, 30, 3], new Float32Array(R.canny_img));
  for (const [lo, hi] of [[0.4, 0.8], [0.05, 0.2]] as const) {
    const [out] = await run('Canny', { image: card, low_threshold: lo, high_threshold: hi });
    assert.deepEqual(out.shape, [1, 24, 30, 3]);
    assert.deepEqual(Array.from(out.data), R[`canny_${lo}_${hi}`], `thresholds ${lo}/${hi}`);
  }
  const noise = new Tensor([1, 16, 16, 3], new Float32Array(R.canny_noise_img));
  const [edges] = await run('Canny', { image: noise, low_threshold: 0.2, high_threshold: 0.5 });
  assert.deepEqual(Array.from(edges.data), R.canny_noise);
  await assert.rejects(async () => run('Canny', { image: noise, low_threshold: 0.6, high_threshold: 0.5 }), /low_threshold should be smaller/);
});

test('Morphology, YUV and Canny schemas', () => {
  const IMG = ['IMAGE', {}];
  const MO = 'comfy_extras.nodes_morphology';
  assert.deepEqual(info('Morphology'), v3Info('Morphology', 'image/postprocessing', MO, {
    required: {
      image: IMG,
      operation: combo(['erode', 'dilate', 'open', 'close', 'gradient', 'bottom_hat', 'top_hat']),
      kernel_size: int({ default: 3, min: 3, max: 999, step: 1 }),
    },
  }, { required: ['image', 'operation', 'kernel_size'] }, ['IMAGE'], { display_name: 'ImageMorphology' }));
  assert.deepEqual(info('ImageRGBToYUV'), {
    ...v3Info('ImageRGBToYUV', 'image/batch', MO, { required: { image: IMG } }, { required: ['image'] }, ['IMAGE', 'IMAGE', 'IMAGE']),
    output_name: ['Y', 'U', 'V'],
  });
  assert.deepEqual(info('ImageYUVToRGB'), v3Info('ImageYUVToRGB', 'image/batch', MO, { required: { Y: IMG, U: IMG, V: IMG } }, { required: ['Y', 'U', 'V'] }, ['IMAGE']));
  assert.deepEqual(info('Canny'), v3Info('Canny', 'image/preprocessors', 'comfy_extras.nodes_canny', {
    required: {
      image: IMG,
      low_threshold: float({ default: 0.4, min: 0.01, max: 0.99, step: 0.01 }),
      high_threshold: float({ default: 0.8, min: 0.01, max: 0.99, step: 0.01 }),
    },
  }, { required: ['image', 'low_threshold', 'high_threshold'] }, ['IMAGE']));
});
