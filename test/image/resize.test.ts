// src/imaging/resize.ts against torch's F.interpolate and Pillow's LANCZOS (values in fixtures/resize-reference.json,
// produced by ComfyUI 0.8.0's common_upscale under torch 2.13 / Pillow 12.3).
// Tolerances: torch methods 1e-6 (float32 rounding order), lanczos exact (same 8-bit fixed-point arithmetic),
// bislerp 1e-3 (acos/sin near parallel vectors amplify float32-vs-float64 differences).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/inference/tensor.ts';
import { commonUpscale, nchwToNhwc, nhwcToNchw, pyRound, resizeNCHW, upscaleImage } from '../../src/imaging/resize.ts';
import { assertClose, fixture } from './helpers.ts';

const TOLERANCE: Record<string, number> = { 'nearest-exact': 0, bilinear: 1e-6, bicubic: 1e-6, area: 1e-6, lanczos: 1e-7 };

for (const c of fixture('resize-reference.json').cases) {
  test(`resize [${c.shape}] → ${c.W}x${c.H} matches torch/Pillow`, () => {
    const x = new Tensor(c.shape, new Float32Array(c.x));
    for (const [method, expected] of Object.entries(c.out) as [string, number[]][]) {
      const r = resizeNCHW(x, c.W, c.H, method);
      assert.deepEqual(r.shape, [c.shape[0], c.shape[1], c.H, c.W]);
      assertClose(r.data, expected, TOLERANCE[method]! + 1e-7, method);
    }
    const xs = new Tensor(c.shape, new Float32Array(c.xs));
    assertClose(resizeNCHW(xs, c.W, c.H, 'bislerp').data, c.bislerp, 1e-3, 'bislerp');
  });
}

test('bilinear 2x2 → 4x4 is torch align_corners=False', () => {
  const r = resizeNCHW(new Tensor([1, 1, 2, 2], new Float32Array([0, 1, 2, 3])), 4, 4, 'bilinear');
  assertClose(r.data, [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3], 1e-7);
});

test('lanczos works on NHWC images without changing values at the same size', () => {
  const img = new Tensor([1, 2, 3, 3], new Float32Array(18).map((_, i) => i / 17));
  const same = upscaleImage(img, 3, 2, 'lanczos');
  // 8-bit round trip: truncation of 255·x, then /255.
  assertClose(same.data, Array.from(img.data, (v) => Math.trunc(v * 255) / 255), 1e-7);
});

test('rank 3 masks and rank 5 video latents resize on their last two axes', () => {
  const mask = new Tensor([2, 2, 2], new Float32Array([0, 1, 1, 0, 1, 1, 1, 1]));
  assert.deepEqual(resizeNCHW(mask, 4, 3, 'nearest-exact').shape, [2, 3, 4]);
  const video = new Tensor([1, 4, 3, 2, 2], new Float32Array(48).map((_, i) => Math.sin(i)));
  const r = resizeNCHW(video, 4, 4, 'bislerp');
  assert.deepEqual(r.shape, [1, 4, 3, 4, 4]);
  // Frame t of the result is the bislerp of frame t alone.
  const frame1 = new Tensor([1, 4, 2, 2], new Float32Array(16));
  for (let c = 0; c < 4; c++) for (let p = 0; p < 4; p++) frame1.data[c * 4 + p] = video.data[(c * 3 + 1) * 4 + p]!;
  const f1 = resizeNCHW(frame1, 4, 4, 'bislerp');
  for (let c = 0; c < 4; c++) for (let p = 0; p < 16; p++) assert.equal(r.data[(c * 3 + 1) * 16 + p], f1.data[c * 16 + p]);
});

test('center crop follows common_upscale (Python rounding of the margin)', () => {
  const t = new Tensor([1, 1, 2, 10], new Float32Array(20).map((_, i) => i));
  // 10x2 to a square: margin round((10 - 10·(1/5))/2) = 4 → columns 4..5.
  const r = commonUpscale(t, 2, 2, 'nearest-exact', 'center');
  assert.deepEqual(Array.from(r.data), [4, 5, 14, 15]);
});

test('pyRound rounds halves to even like Python 3', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, 2.4999, 2.5001].map(pyRound), [0, 2, 2, 0, 2, 3]);
});

test('layout helpers are inverse', () => {
  const t = new Tensor([2, 3, 4, 3], new Float32Array(72).map((_, i) => i));
  assert.deepEqual(Array.from(nchwToNhwc(nhwcToNchw(t)).data), Array.from(t.data));
});

test('bad sizes and methods are refused with a clear message', () => {
  const t = new Tensor([1, 1, 2, 2]);
  assert.throws(() => resizeNCHW(t, 0, 2, 'bilinear'), /positive integers/);
  assert.throws(() => resizeNCHW(t, 2, 2, 'cubic-spline'), /unknown upscale method/);
  assert.throws(() => resizeNCHW(new Tensor([1, 1, 0, 2]), 2, 2, 'bilinear'), /empty/);
});
