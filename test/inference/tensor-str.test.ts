// Tensor.toString against the texts torch 2.x's str() printed for the same float32 values (default print options):
// its number formats, Python's ties-to-even rounding, summarised edges over 1,000 values, and the empty/scalar forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/inference/tensor.ts';

const t = (shape: number[], values: number[]) => new Tensor(shape, Float32Array.from(values));

test('number formats as torch picks them: fixed, integers, scientific, nan/inf', () => {
  assert.equal(String(t([2, 2], [0.03125, 0.09375, 1 / 3, -0.5])), 'tensor([[ 0.0312,  0.0938],\n        [ 0.3333, -0.5000]])');
  assert.equal(String(t([4], [1, -2, 300, -0])), 'tensor([  1.,  -2., 300.,  -0.])');
  assert.equal(String(t([4], [1, 2, 3000, 1e-5])), 'tensor([1.0000e+00, 2.0000e+00, 3.0000e+03, 1.0000e-05])');
  assert.equal(String(t([4], [NaN, 1.5, Infinity, -Infinity])), 'tensor([   nan, 1.5000,    inf,   -inf])');
  assert.equal(String(new Tensor([1, 2, 2, 2])), 'tensor([[[[0., 0.],\n          [0., 0.]],\n\n         [[0., 0.],\n          [0., 0.]]]])');
  assert.equal(String(t([], [0.5])), 'tensor(0.5000)');
  assert.equal(String(new Tensor([0, 3])), 'tensor([], size=(0, 3))');
});

test('over 1,000 values only the first and last three of each long axis are shown, and they pick the format', () => {
  const ramp = t([2, 30, 40], Array.from({ length: 2400 }, (_, i) => i / 8));
  // torch's text; its ties round to even (135.125 → 1.3512e+02), where toExponential would round up.
  const expected =
    'tensor([[[0.0000e+00, 1.2500e-01, 2.5000e-01,  ..., 4.6250e+00,\n' +
    '          4.7500e+00, 4.8750e+00],\n' +
    '         [5.0000e+00, 5.1250e+00, 5.2500e+00,  ..., 9.6250e+00,\n' +
    '          9.7500e+00, 9.8750e+00],\n' +
    '         [1.0000e+01, 1.0125e+01, 1.0250e+01,  ..., 1.4625e+01,\n' +
    '          1.4750e+01, 1.4875e+01],\n' +
    '         ...,\n' +
    '         [1.3500e+02, 1.3512e+02, 1.3525e+02,  ..., 1.3962e+02,\n' +
    '          1.3975e+02, 1.3988e+02],\n' +
    '         [1.4000e+02, 1.4012e+02, 1.4025e+02,  ..., 1.4462e+02,\n' +
    '          1.4475e+02, 1.4488e+02],\n' +
    '         [1.4500e+02, 1.4512e+02, 1.4525e+02,  ..., 1.4962e+02,\n' +
    '          1.4975e+02, 1.4988e+02]],\n' +
    '\n' +
    '        [[1.5000e+02, 1.5012e+02, 1.5025e+02,  ..., 1.5462e+02,\n' +
    '          1.5475e+02, 1.5488e+02],\n' +
    '         [1.5500e+02, 1.5512e+02, 1.5525e+02,  ..., 1.5962e+02,\n' +
    '          1.5975e+02, 1.5988e+02],\n' +
    '         [1.6000e+02, 1.6012e+02, 1.6025e+02,  ..., 1.6462e+02,\n' +
    '          1.6475e+02, 1.6488e+02],\n' +
    '         ...,\n' +
    '         [2.8500e+02, 2.8512e+02, 2.8525e+02,  ..., 2.8962e+02,\n' +
    '          2.8975e+02, 2.8988e+02],\n' +
    '         [2.9000e+02, 2.9012e+02, 2.9025e+02,  ..., 2.9462e+02,\n' +
    '          2.9475e+02, 2.9488e+02],\n' +
    '         [2.9500e+02, 2.9512e+02, 2.9525e+02,  ..., 2.9962e+02,\n' +
    '          2.9975e+02, 2.9988e+02]]])';
  assert.equal(String(ramp), expected);
});
