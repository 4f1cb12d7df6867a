// ImageQuantize against Pillow 12.3 (fixtures/quantize-reference.json): median-cut palette, nearest-colour cache,
// Floyd–Steinberg and ComfyUI's Bayer pre-dither. Exact (8-bit palettes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/inference/tensor.ts';
import { combo, fixture, info, int, run, v3Info } from './helpers.ts';

const R = fixture('quantize-reference.json');

test('ImageQuantize matches Pillow pixel for pixel', async () => {
  for (const c of R.cases) {
    const [h, w] = R.shapes[c.name];
    const img = new Tensor([1, h, w, 3], new Float32Array(R.inputs[c.name].map((v: number) => v / 255)));
    const [out] = await run('ImageQuantize', { image: img, colors: c.colors, dither: c.dither });
    const got = Array.from(out.data, (v: number) => Math.round(v * 255));
    assert.deepEqual(got, c.out, `${c.name} colors=${c.colors} dither=${c.dither}`);
  }
});

test('ImageQuantize quantizes each batch item with its own palette and refuses non-RGB input', async () => {
  const img = new Tensor([2, 1, 2, 3], new Float32Array([0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1]));
  const [out] = await run('ImageQuantize', { image: img, colors: 2, dither: 'none' });
  assert.deepEqual(Array.from(out.data), Array.from(img.data));
  await assert.rejects(async () => run('ImageQuantize', { image: new Tensor([1, 2, 2, 4]), colors: 4, dither: 'none' }), /3 channels/);
});

test('ImageQuantize schema', () => {
  assert.deepEqual(info('ImageQuantize'), v3Info('ImageQuantize', 'image/postprocessing', 'comfy_extras.nodes_post_processing', {
    required: {
      image: ['IMAGE', {}],
      colors: int({ default: 256, min: 1, max: 256, step: 1 }),
      dither: combo(['none', 'floyd-steinberg', 'bayer-2', 'bayer-4', 'bayer-8', 'bayer-16']),
    },
  }, { required: ['image', 'colors', 'dither'] }, ['IMAGE']));
});
