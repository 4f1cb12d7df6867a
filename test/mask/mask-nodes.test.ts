// Mask nodes: schemas from nodes.md §3 (comfy_extras/nodes_mask.py, nodes_compositing.py) with changes-0.8.0.md
// §8.3/§8.4 (the nodes_mask.py nodes report the V3 format, display names, ImageColorToMask display "number"),
// and results on small synthetic masks worked out from ComfyUI's definitions (GrowMask against scipy.ndimage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../src/inference/tensor.ts';
import { readPngText } from '../../src/imaging/png-text.ts';
import { makeContext, makeServices } from '../helpers/node-context.ts';
import { assertClose, BOOL, COMBO, FLOAT, info, INT, run, runUi, SOCKET, tensor, v3, values } from './helpers.ts';

const MASK = 'comfy_extras.nodes_mask';
const POS = INT(0, 0, 16384, 1);
const SIZE = INT(512, 1, 16384, 1);

test('nodes_mask.py schemas (V3 in 0.8.0)', () => {
  const m = (name: string, display: string | null, required: Record<string, unknown>, outputs: string[], extra = {}) =>
    assert.deepEqual(info(name), v3({ name, display, category: 'mask', module: MASK, required, outputs, ...extra }), name);
  m('MaskToImage', 'Convert Mask to Image', { mask: SOCKET('MASK') }, ['IMAGE']);
  m('ImageToMask', 'Convert Image to Mask', { image: SOCKET('IMAGE'), channel: COMBO(['red', 'green', 'blue', 'alpha']) }, ['MASK']);
  m('ImageColorToMask', null, { image: SOCKET('IMAGE'), color: INT(0, 0, 16777215, 1, { display: 'number' }) }, ['MASK']);
  m('SolidMask', null, { value: FLOAT(1.0, 0.0, 1.0, 0.01), width: SIZE, height: SIZE }, ['MASK']);
  m('InvertMask', null, { mask: SOCKET('MASK') }, ['MASK']);
  m('CropMask', null, { mask: SOCKET('MASK'), x: POS, y: POS, width: SIZE, height: SIZE }, ['MASK']);
  m('MaskComposite', null, {
    destination: SOCKET('MASK'), source: SOCKET('MASK'), x: POS, y: POS,
    operation: COMBO(['multiply', 'add', 'subtract', 'and', 'or', 'xor']),
  }, ['MASK']);
  m('FeatherMask', null, { mask: SOCKET('MASK'), left: POS, top: POS, right: POS, bottom: POS }, ['MASK']);
  m('GrowMask', 'Grow Mask', { mask: SOCKET('MASK'), expand: INT(0, -16384, 16384, 1), tapered_corners: BOOL(true) }, ['MASK']);
  m('ThresholdMask', null, { mask: SOCKET('MASK'), value: FLOAT(0.5, 0.0, 1.0, 0.01) }, ['MASK']);
  m('MaskPreview', 'Preview Mask', { mask: SOCKET('MASK') }, [], { hidden: ['prompt', 'extra_pnginfo'], outputNode: true });
  assert.deepEqual(info('LatentCompositeMasked'), v3({
    name: 'LatentCompositeMasked', category: 'latent', module: MASK,
    required: { destination: SOCKET('LATENT'), source: SOCKET('LATENT'), x: INT(0, 0, 16384, 8), y: INT(0, 0, 16384, 8), resize_source: BOOL(false) },
    optional: { mask: SOCKET('MASK') },
    outputs: ['LATENT'],
  }));
});

test('nodes_compositing.py and BatchMasksNode schemas', () => {
  const c = 'comfy_extras.nodes_compositing';
  assert.deepEqual(info('PorterDuffImageComposite'), v3({
    name: 'PorterDuffImageComposite', display: 'Porter-Duff Image Composite', category: 'mask/compositing', module: c,
    required: {
      source: SOCKET('IMAGE'), source_alpha: SOCKET('MASK'), destination: SOCKET('IMAGE'), destination_alpha: SOCKET('MASK'),
      mode: COMBO(['ADD', 'CLEAR', 'DARKEN', 'DST', 'DST_ATOP', 'DST_IN', 'DST_OUT', 'DST_OVER', 'LIGHTEN', 'MULTIPLY', 'OVERLAY', 'SCREEN', 'SRC', 'SRC_ATOP', 'SRC_IN', 'SRC_OUT', 'SRC_OVER', 'XOR'], 'DST'),
    },
    outputs: ['IMAGE', 'MASK'],
  }));
  assert.deepEqual(info('SplitImageWithAlpha'), v3({
    name: 'SplitImageWithAlpha', display: 'Split Image with Alpha', category: 'mask/compositing', module: c,
    required: { image: SOCKET('IMAGE') }, outputs: ['IMAGE', 'MASK'],
  }));
  assert.deepEqual(info('JoinImageWithAlpha'), v3({
    name: 'JoinImageWithAlpha', display: 'Join Image with Alpha', category: 'mask/compositing', module: c,
    required: { image: SOCKET('IMAGE'), alpha: SOCKET('MASK') }, outputs: ['IMAGE'],
  }));
  assert.deepEqual(info('BatchMasksNode'), v3({
    name: 'BatchMasksNode', display: 'Batch Masks', category: 'mask', module: 'comfy_extras.nodes_post_processing',
    required: { masks: ['COMFY_AUTOGROW_V3', { template: { input: { required: { mask: ['MASK', {}] } }, prefix: 'mask', min: 2, max: 50 } }] },
    outputs: ['MASK'],
  }));
});

const mask2x3 = () => tensor([1, 2, 3], [0, 0.25, 0.5, 0.75, 1, 0.1]);

test('MaskToImage / ImageToMask / InvertMask / ThresholdMask / SolidMask', async () => {
  const [img] = await run('MaskToImage', { mask: mask2x3() });
  assert.deepEqual(img.shape, [1, 2, 3, 3]);
  assert.deepEqual(values(img).slice(3, 6), [0.25, 0.25, 0.25]);
  const rgba = tensor([1, 1, 2, 4], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
  const [g] = await run('ImageToMask', { image: rgba, channel: 'green' });
  assert.deepEqual(g.shape, [1, 1, 2]);
  assertClose(values(g), [0.2, 0.6]);
  await assert.rejects(run('ImageToMask', { image: tensor([1, 1, 1, 3], [0, 0, 0]), channel: 'alpha' }), /no alpha channel/);
  const [inv] = await run('InvertMask', { mask: mask2x3() });
  assertClose(values(inv), [1, 0.75, 0.5, 0.25, 0, 0.9]);
  // 0.1 is compared in float32, so a float32 0.1 is not greater than it.
  const [th] = await run('ThresholdMask', { mask: mask2x3(), value: 0.1 });
  assert.deepEqual(values(th), [0, 1, 1, 1, 1, 0]);
  const [solid] = await run('SolidMask', { value: 0.3, width: 3, height: 2 });
  assert.deepEqual(solid.shape, [1, 2, 3]);
  assert.ok(values(solid).every((v) => v === Math.fround(0.3)));
  await assert.rejects(run('SolidMask', { value: 1, width: 0, height: 2 }), /width must be between 1 and 16384/);
});

test('ImageColorToMask matches 8-bit colours rounded half to even', async () => {
  // 0.5 * 255 = 127.5 rounds to 128 (even); 1/255 stays 1.
  const image = tensor([1, 1, 3, 3], [1, 0, 0, 0.5, 1 / 255, 0, 0.5, 0, 0]);
  const [m] = await run('ImageColorToMask', { image, color: 0x800100 });
  assert.deepEqual(values(m), [0, 1, 0]);
  const [red] = await run('ImageColorToMask', { image, color: 0xff0000 });
  assert.deepEqual(values(red), [1, 0, 0]);
});

test('CropMask follows Python slicing and rejects an empty crop', async () => {
  const mask = tensor([1, 3, 4], (i) => i);
  const [c] = await run('CropMask', { mask, x: 1, y: 1, width: 10, height: 1 });
  assert.deepEqual(c.shape, [1, 1, 3]);
  assert.deepEqual(values(c), [5, 6, 7]);
  await assert.rejects(run('CropMask', { mask, x: 4, y: 0, width: 2, height: 2 }), /outside/);
});

test('MaskComposite operations, offsets, clamping and batch broadcast', async () => {
  const dst = tensor([1, 2, 3], [0.2, 0.4, 0.6, 0.8, 1.0, 0.5]);
  const src = tensor([1, 1, 2], [0.5, 1.0]);
  const op = async (operation: string, x = 1, y = 1) => values((await run('MaskComposite', { destination: dst, source: src, x, y, operation }))[0]);
  assertClose(await op('multiply'), [0.2, 0.4, 0.6, 0.8, 0.5, 0.5]);
  assertClose(await op('add'), [0.2, 0.4, 0.6, 0.8, 1.0, 1.0]);
  assertClose(await op('subtract'), [0.2, 0.4, 0.6, 0.8, 0.5, 0]);
  // Logical ops round (0.5 → 0, half to even) and compare non-zero.
  assert.deepEqual(await op('and'), [0.2, 0.4, 0.6, 0.8, 0, 0].map(Math.fround));
  assert.deepEqual(await op('or'), [0.2, 0.4, 0.6, 0.8, 1, 1].map(Math.fround));
  assert.deepEqual(await op('xor'), [0.2, 0.4, 0.6, 0.8, 1, 1].map(Math.fround));
  // Off the edge: nothing changes.
  assertClose(await op('multiply', 3, 0), values(dst));
  const dst2 = tensor([2, 1, 1], [0.5, 0.25]);
  const [b] = await run('MaskComposite', { destination: dst2, source: tensor([1, 1, 1], [2]), x: 0, y: 0, operation: 'multiply' });
  assertClose(values(b), [1, 0.5]);
  await assert.rejects(
    run('MaskComposite', { destination: dst2, source: tensor([3, 1, 1], [1, 1, 1]), x: 0, y: 0, operation: 'add' }),
    /source has 3 masks but destination has 2/,
  );
});

test('FeatherMask reproduces ComfyUI 0.8.0 (right/bottom ramps start at index -0 = 0)', async () => {
  const [f] = await run('FeatherMask', { mask: Tensor.full([1, 4, 5], 1), left: 2, top: 1, right: 2, bottom: 3 });
  // numpy emulation of the 0.8.0 loops.
  assertClose(values(f), [
    0.0833333358168602, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408,
    0.25, 1, 1, 1, 1,
    0.25, 1, 1, 1, 1,
    0.1666666716337204, 0.6666666865348816, 0.6666666865348816, 0.6666666865348816, 0.6666666865348816,
  ], 0);
});

test('GrowMask matches scipy.ndimage grey dilation/erosion', async () => {
  const m = new Tensor([1, 5, 6]);
  m.data[2 * 6 + 2] = 1;
  m.data[5] = 0.5;
  m.data[4 * 6] = 0.25;
  const grow = async (mask: Tensor, expand: number, tapered: boolean) => values((await run('GrowMask', { mask, expand, tapered_corners: tapered }))[0]);
  assert.deepEqual(await grow(m, 1, true), [0, 0, 0, 0, 0.5, 0.5, 0, 0, 1, 0, 0, 0.5, 0, 1, 1, 1, 0, 0, 0.25, 0, 1, 0, 0, 0, 0.25, 0.25, 0, 0, 0, 0]);
  assert.deepEqual(await grow(m, 2, false), [1, 1, 1, 1, 1, 0.5, 1, 1, 1, 1, 1, 0.5, 1, 1, 1, 1, 1, 0.5, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0]);
  const big = Tensor.full([1, 5, 6], 1);
  big.data[0] = 0;
  big.data[3 * 6 + 4] = 0.5;
  assert.deepEqual(await grow(big, -1, true), [0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5, 1, 1, 1, 1, 0.5, 0.5, 0.5, 1, 1, 1, 1, 0.5, 1]);
  assert.deepEqual(await grow(big, -1, false), [0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 1, 1, 1, 0.5, 0.5, 0.5, 1, 1, 1, 0.5, 0.5, 0.5]);
  // A huge expand gives the full dilation.
  assert.ok((await grow(m, 16384, true)).every((v) => v === 1 || v === 0.5 || v === 0.25));
});

test('SplitImageWithAlpha / JoinImageWithAlpha round trip', async () => {
  const rgba = tensor([1, 1, 2, 4], [0.1, 0.2, 0.3, 1.0, 0.4, 0.5, 0.6, 0.25]);
  const [rgb, mask] = await run('SplitImageWithAlpha', { image: rgba });
  assert.deepEqual(rgb.shape, [1, 1, 2, 3]);
  assertClose(values(mask), [0, 0.75]);
  const [joined] = await run('JoinImageWithAlpha', { image: rgb, alpha: mask });
  assertClose(values(joined), values(rgba));
  const [noAlpha, zero] = await run('SplitImageWithAlpha', { image: tensor([1, 1, 1, 3], [0.1, 0.2, 0.3]) });
  assert.deepEqual(noAlpha.shape, [1, 1, 1, 3]);
  assert.deepEqual(values(zero), [0]);
});

test('PorterDuffImageComposite modes on one pixel', async () => {
  // source colour 0.8 with alpha 0.5 (mask 0.5), destination colour 0.4 with alpha 1 (mask 0).
  const pd = async (mode: string) => {
    const [img, m] = await run('PorterDuffImageComposite', {
      source: tensor([1, 1, 1, 3], [0.8, 0.8, 0.8]), source_alpha: tensor([1, 1, 1], [0.5]),
      destination: tensor([1, 1, 1, 3], [0.4, 0.4, 0.4]), destination_alpha: tensor([1, 1, 1], [0]), mode,
    });
    return [img.data[0], m.data[0]];
  };
  // SRC_OVER: a = 0.5 + 0.5·1 = 1; premultiplied colour 0.4 + 0.5·0.4 = 0.6.
  assertClose(await pd('SRC_OVER'), [0.6, 0]);
  assertClose(await pd('DST'), [0.4, 0]);
  // SRC: colour 0.8, alpha 0.5 → mask 0.5.
  assertClose(await pd('SRC'), [0.8, 0.5]);
  assertClose(await pd('CLEAR'), [0, 1]);
  // MULTIPLY: alpha 0.5, colour (0.4·0.4)/0.5 = 0.32.
  assertClose(await pd('MULTIPLY'), [0.32, 0.5]);
  await assert.rejects(run('PorterDuffImageComposite', {
    source: tensor([1, 1, 1, 4], [0, 0, 0, 0]), source_alpha: tensor([1, 1, 1], [0]),
    destination: tensor([1, 1, 1, 3], [0, 0, 0]), destination_alpha: tensor([1, 1, 1], [0]), mode: 'SRC',
  }), /channels/);
});

test('BatchMasksNode resizes to the first mask and concatenates', async () => {
  const [b] = await run('BatchMasksNode', { masks: { mask0: Tensor.full([1, 2, 2], 1), mask1: Tensor.full([2, 4, 4], 0.5) } });
  assert.deepEqual(b.shape, [3, 2, 2]);
  assertClose(values(b), [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  const [flat] = await run('BatchMasksNode', { 'masks.mask0': Tensor.full([1, 2, 2], 1), 'masks.mask1': Tensor.full([1, 2, 2], 0) });
  assert.deepEqual(flat.shape, [2, 2, 2]);
});

test('MaskPreview writes a temp PNG without metadata and returns UI images', async () => {
  const services = makeServices();
  const ui = await runUi('MaskPreview', { mask: mask2x3(), prompt: { a: 1 } }, makeContext(services));
  const images = ui.images as { filename: string; subfolder: string; type: string }[];
  assert.equal(images.length, 1);
  assert.equal(images[0]!.type, 'temp');
  assert.match(images[0]!.filename, /^ComfyUI_temp_[a-z]{5}_00001_\.png$/);
  assert.deepEqual(ui.animated, [false]);
  const file = join(services.paths.tempDir, images[0]!.subfolder, images[0]!.filename);
  assert.ok(existsSync(file));
  assert.deepEqual(readPngText(readFileSync(file)), {});
});

test('bad inputs give clear errors', async () => {
  await assert.rejects(run('InvertMask', { mask: 'nope' }), /mask must be a MASK tensor/);
  await assert.rejects(run('MaskToImage', { mask: tensor([3], [1, 2, 3]) }), /at least 2 dimensions/);
  await assert.rejects(run('GrowMask', { mask: mask2x3(), expand: 20000, tapered_corners: true }), /expand must be between/);
  await assert.rejects(run('ImageColorToMask', { image: mask2x3(), color: 0 }), /IMAGE tensor/);
});
