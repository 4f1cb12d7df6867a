// ImageBlur, ImageSharpen, ImageBlend, ImageAddNoise, ImagePadForOutpaint, ImageCompositeMasked, ImageRotate and
// the centre-cropping resize against fixtures/nodes-reference.json (ComfyUI 0.8.0's formulas run with torch 2.13).
// Tolerance 1e-6 (float32 summation order); noise, padding and rotation are exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/inference/tensor.ts';
import { upscaleImage } from '../../src/imaging/resize.ts';
import { assertClose, fixture, image, run } from './helpers.ts';

const R = fixture('nodes-reference.json');
const img = new Tensor([2, 5, 6, 3], new Float32Array(R.img));
const img2 = new Tensor([1, 3, 4, 3], new Float32Array(R.img2));
const mask = new Tensor([1, 3, 3], new Float32Array(R.mask));

function expectRef(name: string, t: Tensor, tol = 1e-6): void {
  assert.deepEqual(t.shape, R[name].shape, `${name}: shape`);
  assertClose(t.data, R[name].data, tol, name);
}

test('ImageBlur: reflect-padded Gaussian on linspace(-1, 1)', async () => {
  expectRef('blur_r2_s1.5', (await run('ImageBlur', { image: img, blur_radius: 2, sigma: 1.5 }))[0]);
  expectRef('blur_r4_s0.3', (await run('ImageBlur', { image: img, blur_radius: 4, sigma: 0.3 }))[0]);
});

test('ImageSharpen: (1 + 10α)·x − 10α·blur(x), clamped', async () => {
  expectRef('sharpen_r1_s1_a1', (await run('ImageSharpen', { image: img, sharpen_radius: 1, sigma: 1, alpha: 1 }))[0]);
  expectRef('sharpen_r3_s2_a0.4', (await run('ImageSharpen', { image: img, sharpen_radius: 3, sigma: 2, alpha: 0.4 }))[0]);
});

test('ImageBlur refuses a radius the image cannot reflect', async () => {
  await assert.rejects(async () => run('ImageBlur', { image: new Tensor([1, 2, 2, 3]), blur_radius: 3, sigma: 1 }), /larger than 3x3/);
});

test('ImageBlend: every mode, image2 bicubic-resized (centre crop) and broadcast over the batch', async () => {
  for (const mode of ['normal', 'multiply', 'screen', 'overlay', 'soft_light', 'difference']) {
    expectRef(`blend_${mode}`, (await run('ImageBlend', { image1: img, image2: img2, blend_factor: 0.3, blend_mode: mode }))[0]);
  }
});

test('ImageBlend: batches of 2 and 3 do not broadcast', async () => {
  await assert.rejects(async () => run('ImageBlend', { image1: new Tensor([2, 2, 2, 3]), image2: new Tensor([3, 2, 2, 3]), blend_factor: 0.5, blend_mode: 'normal' }), /batch sizes 2 and 3/);
});

test('ImageAddNoise: torch.manual_seed + randn, draw for draw', async () => {
  expectRef('noise_s42', (await run('ImageAddNoise', { image: img, seed: 42, strength: 0.5 }))[0], 0);
  const small = new Tensor([1, 2, 2, 3], new Float32Array([...R.img2.slice(0, 6), ...R.img2.slice(12, 18)]));
  expectRef('noise_s7_small', (await run('ImageAddNoise', { image: small, seed: 7, strength: 0.25 }))[0], 0);
});

test('ImagePadForOutpaint: grey padding and the quadratic feathered mask', async () => {
  const [padded, m] = await run('ImagePadForOutpaint', { image: img, left: 8, top: 0, right: 16, bottom: 3, feathering: 2 });
  expectRef('pad_image', padded, 0);
  expectRef('pad_mask', m, 1e-7);
});

test('ImageCompositeMasked: mask resized to the source, offset paste, optional resize_source', async () => {
  expectRef('composite_mask', (await run('ImageCompositeMasked', { destination: img, source: img2, x: 3, y: 2, resize_source: false, mask }))[0]);
  expectRef('composite_resize', (await run('ImageCompositeMasked', { destination: img, source: img2, x: 0, y: 0, resize_source: true }))[0]);
});

test('ImageCompositeMasked: RGBA destination with an RGB source fails as in ComfyUI (image_alpha_fix)', async () => {
  await assert.rejects(async () => run('ImageCompositeMasked', { destination: new Tensor([1, 2, 2, 4]), source: new Tensor([1, 2, 2, 3]), x: 0, y: 0, resize_source: false }), /channels/);
  // The other way round the source's alpha is dropped.
  const [out] = await run('ImageCompositeMasked', { destination: new Tensor([1, 2, 2, 3]), source: Tensor.full([1, 2, 2, 4], 0.5), x: 0, y: 0, resize_source: false });
  assert.deepEqual(out.shape, [1, 2, 2, 3]);
  assert.ok(out.data.every((v: number) => v === 0.5));
});

test('ImageRotate: torch.rot90(k, dims=[2, 1]) turns clockwise', async () => {
  expectRef('rot90', (await run('ImageRotate', { image: img, rotation: '90 degrees' }))[0], 0);
  expectRef('rot270', (await run('ImageRotate', { image: img, rotation: '270 degrees' }))[0], 0);
  const [same] = await run('ImageRotate', { image: img, rotation: 'none' });
  assert.equal(same, img);
});

test('common_upscale centre crop + bicubic, and lanczos', () => {
  expectRef('scale_center_bicubic', upscaleImage(img, 6, 6, 'bicubic', 'center'));
  expectRef('scale_lanczos', upscaleImage(img, 9, 4, 'lanczos'), 1e-7);
});

test('ImageInvert and EmptyImage', async () => {
  const [inv] = await run('ImageInvert', { image: image(1, 1, 2, 3, (_, __, x, k) => x * 0.25 + k * 0.1) });
  assertClose(inv.data, [1, 0.9, 0.8, 0.75, 0.65, 0.55], 1e-7);
  const [empty] = await run('EmptyImage', { width: 2, height: 1, batch_size: 3, color: 0xff8000 });
  assert.deepEqual(empty.shape, [3, 1, 2, 3]);
  assertClose(empty.data.subarray(0, 3), [1, 128 / 255, 0], 1e-7);
  await assert.rejects(async () => run('EmptyImage', { width: 0, height: 1, batch_size: 1, color: 0 }), /width/);
  await assert.rejects(async () => run('EmptyImage', { width: 16384, height: 16384, batch_size: 4096, color: 0 }), /too large/);
});

test('ImageBlend: a 1-channel image2 broadcasts over image1 after the alpha fix pads image1 (RGB → 4 channels)', async () => {
  const [out] = await run('ImageBlend', { image1: Tensor.full([1, 1, 1, 3], 0.5), image2: Tensor.full([1, 1, 1, 1], 1), blend_factor: 1, blend_mode: 'multiply' });
  // image_alpha_fix appends an alpha of 1.0 to image1, then multiply with 1.0 leaves every channel.
  assert.deepEqual(Array.from(out.data), [0.5, 0.5, 0.5, 1]);
  await assert.rejects(async () => run('ImageBlend', { image1: new Tensor([1, 1, 1, 4]), image2: new Tensor([1, 1, 1, 3]), blend_factor: 0.5, blend_mode: 'normal' }), /channels/);
});
