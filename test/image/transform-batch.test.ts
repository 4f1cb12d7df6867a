// Results of the shape-changing image nodes on small synthetic images, worked out from ComfyUI 0.8.0's code
// (nodes.py, comfy_extras/nodes_images.py, nodes_post_processing.py, nodes_rebatch.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/inference/tensor.ts';
import { makeContext } from '../helpers/node-context.ts';
import { assertClose, image, info, run } from './helpers.ts';

/** Pixel (i, y, x) of an image whose channel 0 encodes its coordinates. */
const coords = (b: number, h: number, w: number, c = 3) => image(b, h, w, c, (i, y, x, k) => (k === 0 ? i * 100 + y * 10 + x : 0.5));
const ch0 = (t: Tensor) => Array.from({ length: t.size / t.shape[3]! }, (_, p) => t.data[p * t.shape[3]!]);

test('ImageCrop clamps the corner into the image and cuts the window at the edges', async () => {
  const [a] = await run('ImageCrop', { image: coords(1, 4, 5), width: 2, height: 3, x: 1, y: 2 });
  assert.deepEqual(a.shape, [1, 2, 2, 3]);
  assert.deepEqual(ch0(a), [21, 22, 31, 32]);
  const [b] = await run('ImageCrop', { image: coords(1, 4, 5), width: 512, height: 512, x: 99, y: 99 });
  assert.deepEqual([b.shape, ch0(b)], [[1, 1, 1, 3], [34]]);
});

test('ImageFlip: x-axis flips rows, y-axis flips columns', async () => {
  const [v] = await run('ImageFlip', { image: coords(1, 2, 2), flip_method: 'x-axis: vertically' });
  const [h] = await run('ImageFlip', { image: coords(1, 2, 2), flip_method: 'y-axis: horizontally' });
  assert.deepEqual(ch0(v), [10, 11, 0, 1]);
  assert.deepEqual(ch0(h), [1, 0, 11, 10]);
});

test('ImageRotate 90 degrees is clockwise and swaps the sides', async () => {
  const [r] = await run('ImageRotate', { image: coords(1, 2, 3), rotation: '90 degrees' });
  assert.deepEqual(r.shape, [1, 3, 2, 3]);
  assert.deepEqual(ch0(r), [10, 0, 11, 1, 12, 2]);
  const [r180] = await run('ImageRotate', { image: coords(1, 2, 3), rotation: '180 degrees' });
  assert.deepEqual(ch0(r180), [12, 11, 10, 2, 1, 0]);
});

test('RepeatImageBatch and ImageFromBatch (clamped index and length)', async () => {
  const [rep] = await run('RepeatImageBatch', { image: coords(2, 1, 1), amount: 3 });
  assert.deepEqual(ch0(rep), [0, 100, 0, 100, 0, 100]);
  const [from] = await run('ImageFromBatch', { image: coords(4, 1, 1), batch_index: 2, length: 10 });
  assert.deepEqual(ch0(from), [200, 300]);
  const [last] = await run('ImageFromBatch', { image: coords(4, 1, 1), batch_index: 4000, length: 1 });
  assert.deepEqual(ch0(last), [300]);
  await assert.rejects(async () => run('RepeatImageBatch', { image: coords(1, 1, 1), amount: 0 }), /amount/);
});

test('ImageBatch: RGB + RGBA gets an opaque alpha, image2 is resized (bilinear, centre crop) to image1', async () => {
  const [out] = await run('ImageBatch', { image1: Tensor.full([1, 2, 4, 3], 0.25), image2: Tensor.full([2, 4, 4, 4], 0.5) });
  assert.deepEqual(out.shape, [3, 2, 4, 4]);
  assertClose(out.data.subarray(0, 4), [0.25, 0.25, 0.25, 1], 0);
  assertClose(out.data.subarray(32, 36), [0.5, 0.5, 0.5, 0.5], 1e-7);
});

test('BatchImagesNode batches the autogrow slots in order', async () => {
  const [out] = await run('BatchImagesNode', { images: { image0: coords(1, 2, 2), image1: coords(2, 2, 2), image2: coords(1, 4, 4) } });
  assert.deepEqual(out.shape, [4, 2, 2, 3]);
  assert.deepEqual(ch0(out).slice(0, 8), [0, 1, 10, 11, 0, 1, 10, 11]);
  await assert.rejects(async () => run('BatchImagesNode', { images: {} }), /no images/);
});

test('RebatchImages regroups a list of batches (INPUT_IS_LIST / OUTPUT_IS_LIST)', async () => {
  const [list] = await run('RebatchImages', { images: [coords(3, 1, 1), coords(2, 1, 1)], batch_size: [2] });
  assert.deepEqual(list.map((t: Tensor) => ch0(t)), [[0, 100], [200, 0], [100]]);
});

test('ImageStitch: matching size with Lanczos, spacing colour, directions, batch extension', async () => {
  const a = Tensor.full([2, 4, 4, 3], 0.2);
  const b = Tensor.full([1, 2, 4, 3], 0.8);
  const [right] = await run('ImageStitch', { image1: a, image2: b, direction: 'right', match_image_size: true, spacing_width: 2, spacing_color: 'red' });
  // image2 scaled to height 4 keeping 2:1 → 8 wide; 2 columns of red spacing.
  assert.deepEqual(right.shape, [2, 4, 14, 3]);
  assertClose(right.data.subarray(4 * 3, 5 * 3), [1, 0, 0], 0);
  assertClose(right.data.subarray(6 * 3, 7 * 3), [204 / 255, 204 / 255, 204 / 255], 1e-7);
  const [up] = await run('ImageStitch', { image1: a, image2: b, direction: 'up', match_image_size: false, spacing_width: 0, spacing_color: 'white' });
  assert.deepEqual(up.shape, [2, 6, 4, 3]);
  assertClose(up.data.subarray(0, 3), [0.8, 0.8, 0.8], 1e-7);
  const [left] = await run('ImageStitch', { image1: a, image2: Tensor.full([1, 2, 1, 3], 0.8), direction: 'left', match_image_size: false, spacing_width: 0, spacing_color: 'black' });
  assert.deepEqual(left.shape, [2, 4, 5, 3]);
  assert.deepEqual(ch0(left).filter((_, i) => i % 5 === 0).slice(0, 4), [0, 0.800000011920929, 0.800000011920929, 0]);
  const [same] = await run('ImageStitch', { image1: a, direction: 'right', match_image_size: true, spacing_width: 0, spacing_color: 'white' });
  assert.equal(same, a);
});

test('ResizeAndPadImage keeps the aspect ratio and centres the result on the padding colour', async () => {
  const [out] = await run('ResizeAndPadImage', { image: Tensor.full([1, 2, 4, 3], 0.5), target_width: 8, target_height: 8, padding_color: 'black', interpolation: 'nearest-exact' });
  assert.deepEqual(out.shape, [1, 8, 8, 3]);
  assert.equal(out.data[0], 0);
  assert.equal(out.data[(2 * 8) * 3], 0.5); // rows 2..5 hold the 8×4 resized image
  assert.equal(out.data[(6 * 8) * 3], 0);
});

test('ImageScale: 0 keeps the aspect ratio (Python rounding), both 0 pass through; ImageScaleBy rounds', async () => {
  const img = Tensor.full([1, 3, 5, 3], 0.5);
  const [a] = await run('ImageScale', { image: img, upscale_method: 'nearest-exact', width: 0, height: 6, crop: 'disabled' });
  assert.deepEqual(a.shape, [1, 6, 10, 3]);
  const [b] = await run('ImageScale', { image: img, upscale_method: 'bilinear', width: 0, height: 0, crop: 'center' });
  assert.equal(b, img);
  const [c] = await run('ImageScaleBy', { image: img, upscale_method: 'area', scale_by: 0.5 });
  assert.deepEqual(c.shape, [1, 2, 2, 3]); // round(1.5) = 2, round(2.5) = 2
  await assert.rejects(async () => run('ImageScale', { image: img, upscale_method: 'sinc', width: 4, height: 4, crop: 'disabled' }), /upscale_method/);
});

test('ImageScaleToTotalPixels rounds each side to resolution_steps; ImageScaleToMaxDimension', async () => {
  const img = Tensor.full([1, 100, 200, 3], 0.5);
  const [a] = await run('ImageScaleToTotalPixels', { image: img, upscale_method: 'area', megapixels: 0.02, resolution_steps: 8 });
  // s = √(0.02·1024²/20000) ≈ 1.0486: 209.7 → 26·8 = 208, 104.9 → 13·8 = 104.
  assert.deepEqual(a.shape, [1, 104, 208, 3]);
  const [b] = await run('ImageScaleToMaxDimension', { image: img, upscale_method: 'bilinear', largest_size: 50 });
  assert.deepEqual(b.shape, [1, 25, 50, 3]);
  await assert.rejects(async () => run('ImageScaleToMaxDimension', { image: img, upscale_method: 'bilinear', largest_size: 0 }), /at least 1/);
});

test('GetImageSize returns width, height, batch size and shows them as progress text', async () => {
  const ctx = makeContext();
  const r = await run('GetImageSize', { image: new Tensor([3, 5, 7, 3]), unique_id: '9' }, ctx);
  assert.deepEqual(r, [7, 5, 3]);
  assert.deepEqual(ctx.texts, ['width: 7, height: 5\n batch size: 3']);
});

test('ResizeImageMaskNode: every mode on IMAGE and MASK, output type following the input', async () => {
  const img = coords(2, 4, 8);
  const mask = new Tensor([1, 4, 8], new Float32Array(32).map((_, i) => i / 31));
  const rt = (resize_type: string, extra: Record<string, unknown> = {}) => ({ resize_type, ...extra });
  const shape = async (input: Tensor, resize_type: Record<string, unknown>, scale_method = 'nearest-exact') =>
    (await run('ResizeImageMaskNode', { input, resize_type, scale_method }))[0].shape;
  assert.deepEqual(await shape(img, rt('scale by multiplier', { multiplier: 0.5 })), [2, 2, 4, 3]);
  assert.deepEqual(await shape(mask, rt('scale by multiplier', { multiplier: 1.5 })), [1, 6, 12]);
  assert.deepEqual(await shape(img, rt('scale dimensions', { width: 0, height: 2, crop: 'center' })), [2, 2, 4, 3]);
  assert.deepEqual(await shape(img, rt('scale dimensions', { width: 4, height: 4, crop: 'center' })), [2, 4, 4, 3]);
  assert.deepEqual(await shape(img, rt('scale longer dimension', { longer_size: 16 })), [2, 8, 16, 3]);
  assert.deepEqual(await shape(img, rt('scale shorter dimension', { shorter_size: 2 })), [2, 2, 4, 3]);
  // 0.8.0 quirk: a portrait input becomes a square of shorter_size.
  assert.deepEqual(await shape(new Tensor([1, 8, 4, 3]), rt('scale shorter dimension', { shorter_size: 2 })), [1, 2, 2, 3]);
  assert.deepEqual(await shape(img, rt('scale width', { width: 4 })), [2, 2, 4, 3]);
  assert.deepEqual(await shape(mask, rt('scale height', { height: 8 })), [1, 8, 16]);
  assert.deepEqual(await shape(img, rt('scale total pixels', { megapixels: 0.01 })), [2, 72, 145, 3]); // int(0.01·1024²) = 10485 px
  assert.deepEqual(await shape(img, rt('match size', { match: mask, crop: 'disabled' })), [2, 4, 8, 3]);
  assert.deepEqual(await shape(mask, rt('match size', { match: new Tensor([1, 3, 5, 3]), crop: 'center' })), [1, 3, 5]);
  const [same] = await run('ResizeImageMaskNode', { input: img, resize_type: rt('scale dimensions', { width: 0, height: 0, crop: 'disabled' }), scale_method: 'area' });
  assert.equal(same, img);
  // Center crop of 8×4 to a square keeps columns 2..5 before scaling.
  const [cropped] = await run('ResizeImageMaskNode', { input: img, resize_type: rt('scale dimensions', { width: 4, height: 4, crop: 'center' }), scale_method: 'nearest-exact' });
  assert.deepEqual(ch0(cropped).slice(0, 4), [2, 3, 4, 5]);
  await assert.rejects(async () => run('ResizeImageMaskNode', { input: img, resize_type: rt('scale sideways'), scale_method: 'area' }), /resize_type/);
});

test('ResizeImageMaskNode schema: match-type input and output, dynamic combo of eight modes', () => {
  const entry = info('ResizeImageMaskNode');
  assert.equal(entry.display_name, 'Resize Image/Mask');
  assert.equal(entry.category, 'transform');
  assert.deepEqual(entry.input.required.input, ['COMFY_MATCHTYPE_V3', { template: { template_id: 'input_type', allowed_types: 'IMAGE,MASK' } }]);
  assert.deepEqual(entry.input.required.scale_method, ['COMBO', { default: 'area', multiselect: false, options: ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'] }]);
  const [type, opts] = entry.input.required.resize_type;
  assert.equal(type, 'COMFY_DYNAMICCOMBO_V3');
  assert.deepEqual(opts.options.map((o: any) => o.key), ['scale by multiplier', 'scale dimensions', 'scale longer dimension', 'scale shorter dimension', 'scale width', 'scale height', 'scale total pixels', 'match size']);
  assert.deepEqual(opts.options[1].inputs, { required: {
    width: ['INT', { default: 512, min: 0, max: 16384, step: 1 }],
    height: ['INT', { default: 512, min: 0, max: 16384, step: 1 }],
    crop: ['COMBO', { default: 'center', multiselect: false, options: ['disabled', 'center'] }],
  } });
  assert.deepEqual(opts.options[7].inputs.required.match, ['IMAGE,MASK', {}]);
  assert.deepEqual([entry.output, entry.output_name, entry.output_matchtypes], [['COMFY_MATCHTYPE_V3'], ['resized'], ['input_type']]);
});

test('ImageBatch pads by one channel only: RGB + RGBA works, grey + RGB is refused', async () => {
  await assert.rejects(async () => run('ImageBatch', { image1: new Tensor([1, 2, 2, 1]), image2: new Tensor([1, 2, 2, 3]) }), /channels/);
  await assert.rejects(async () => run('BatchImagesNode', { images: { image0: new Tensor([1, 2, 2, 3]), image1: new Tensor([1, 2, 2, 1]) } }), /channels/);
});
