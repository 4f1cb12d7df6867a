// Morphology against an unfold-based reference (torch, fixtures/morphology-reference.json: kornia's flat-kernel
// operations with geodesic borders, window [x − ⌊k/2⌋, x − ⌊k/2⌋ + k − 1]); YUV against kornia's formulas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/inference/tensor.ts';
import { assertClose, fixture, image, run } from './helpers.ts';

const R = fixture('morphology-reference.json');
const img = new Tensor([1, 6, 7, 3], new Float32Array(R.img));

test('Morphology: every operation with odd and even kernels', async () => {
  for (const k of [3, 4]) {
    for (const op of ['erode', 'dilate', 'open', 'close', 'gradient', 'top_hat', 'bottom_hat']) {
      const [out] = await run('Morphology', { image: img, operation: op, kernel_size: k });
      assertClose(out.data, R[`${op}_${k}`], 1e-7, `${op} k=${k}`);
    }
  }
});

test('Morphology with a kernel larger than the image reduces over the whole image', async () => {
  const [out] = await run('Morphology', { image: img, operation: 'dilate', kernel_size: 999 });
  const maxR = Math.max(...Array.from({ length: 42 }, (_, p) => img.data[p * 3]!));
  assert.ok(Array.from({ length: 42 }, (_, p) => out.data[p * 3]).every((v) => v === maxR));
});

test('ImageRGBToYUV / ImageYUVToRGB round trip (kornia YCbCr coefficients)', async () => {
  const rgb = image(1, 1, 2, 3, (_, __, x, k) => [[1, 0, 0], [0.2, 0.4, 0.6]][x]![k]!);
  const [y, u, v] = await run('ImageRGBToYUV', { image: rgb });
  assertClose(y.data, [0.299, 0.299, 0.299, 0.363, 0.363, 0.363], 1e-6);
  assertClose(u.data.subarray(0, 3), [(0 - 0.299) * 0.564 + 0.5, (0 - 0.299) * 0.564 + 0.5, (0 - 0.299) * 0.564 + 0.5], 1e-6);
  assertClose(v.data.subarray(3, 6), Array(3).fill((0.2 - 0.363) * 0.713 + 0.5), 1e-6);
  const [back] = await run('ImageYUVToRGB', { Y: y, U: u, V: v });
  assertClose(back.data, rgb.data, 2e-3);
  await assert.rejects(async () => run('ImageRGBToYUV', { image: new Tensor([1, 1, 1, 4]) }), /3 channels/);
});
