// Model-free latent nodes: schemas from nodes.md §2–§3 and changes-0.8.0.md §8 (LatentBatch deprecated, the
// 0.8.0 additions), and results on small synthetic latents worked out from ComfyUI's definitions (numpy
// emulations of the torch code for LatentComposite's feather, LatentInterpolate and the latent operations).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../src/inference/tensor.ts';
import { openSafetensors } from '../../src/inference/files/safetensors.ts';
import { latentFileBytes } from '../../src/nodes/latent/latent-files.ts';
import { makeContext, makeServices } from '../helpers/node-context.ts';
import { assertClose, BOOL, COMBO, FLOAT, info, INT, node, run, SOCKET, tensor, v1, v3, values } from '../mask/helpers.ts';

const LATENT = 'comfy_extras.nodes_latent';
const METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'bislerp'];

test('nodes.py latent schemas (V1)', () => {
  const x8 = ['INT', { default: 0, min: 0, max: 16384, step: 8 }];
  const cases = [
    v1({ name: 'EmptyLatentImage', display: 'Empty Latent Image', category: 'latent', outputs: ['LATENT'], required: {
      width: ['INT', { default: 512, min: 16, max: 16384, step: 8 }], height: ['INT', { default: 512, min: 16, max: 16384, step: 8 }],
      batch_size: ['INT', { default: 1, min: 1, max: 4096 }] } }),
    v1({ name: 'LatentUpscale', display: 'Upscale Latent', category: 'latent', outputs: ['LATENT'], required: {
      samples: ['LATENT'], upscale_method: [METHODS], width: ['INT', { default: 512, min: 0, max: 16384, step: 8 }],
      height: ['INT', { default: 512, min: 0, max: 16384, step: 8 }], crop: [['disabled', 'center']] } }),
    v1({ name: 'LatentUpscaleBy', display: 'Upscale Latent By', category: 'latent', outputs: ['LATENT'], required: {
      samples: ['LATENT'], upscale_method: [METHODS], scale_by: ['FLOAT', { default: 1.5, min: 0.01, max: 8.0, step: 0.01 }] } }),
    v1({ name: 'LatentFromBatch', display: 'Latent From Batch', category: 'latent/batch', outputs: ['LATENT'], required: {
      samples: ['LATENT'], batch_index: ['INT', { default: 0, min: 0, max: 63 }], length: ['INT', { default: 1, min: 1, max: 64 }] } }),
    v1({ name: 'RepeatLatentBatch', display: 'Repeat Latent Batch', category: 'latent/batch', outputs: ['LATENT'], required: {
      samples: ['LATENT'], amount: ['INT', { default: 1, min: 1, max: 64 }] } }),
    v1({ name: 'SetLatentNoiseMask', display: 'Set Latent Noise Mask', category: 'latent/inpaint', outputs: ['LATENT'], required: {
      samples: ['LATENT'], mask: ['MASK'] } }),
    v1({ name: 'LatentComposite', display: 'Latent Composite', category: 'latent', outputs: ['LATENT'], required: {
      samples_to: ['LATENT'], samples_from: ['LATENT'], x: x8, y: x8, feather: x8 } }),
    v1({ name: 'LatentBlend', display: 'Latent Blend', category: '_for_testing', outputs: ['LATENT'], required: {
      samples1: ['LATENT'], samples2: ['LATENT'], blend_factor: ['FLOAT', { default: 0.5, min: 0, max: 1, step: 0.01 }] } }),
    v1({ name: 'LatentRotate', display: 'Rotate Latent', category: 'latent/transform', outputs: ['LATENT'], required: {
      samples: ['LATENT'], rotation: [['none', '90 degrees', '180 degrees', '270 degrees']] } }),
    v1({ name: 'LatentFlip', display: 'Flip Latent', category: 'latent/transform', outputs: ['LATENT'], required: {
      samples: ['LATENT'], flip_method: [['x-axis: vertically', 'y-axis: horizontally']] } }),
    v1({ name: 'LatentCrop', display: 'Crop Latent', category: 'latent/transform', outputs: ['LATENT'], required: {
      samples: ['LATENT'], width: ['INT', { default: 512, min: 64, max: 16384, step: 8 }], height: ['INT', { default: 512, min: 64, max: 16384, step: 8 }], x: x8, y: x8 } }),
  ];
  for (const expected of cases) assert.deepEqual(info(expected.name), expected, expected.name);
});

test('nodes_latent.py schemas (V3)', () => {
  const s = SOCKET('LATENT');
  const l = (name: string, category: string, required: Record<string, unknown>, outputs = ['LATENT'], extra = {}) =>
    assert.deepEqual(info(name), v3({ name, category, module: LATENT, required, outputs, ...extra }), name);
  l('LatentAdd', 'latent/advanced', { samples1: s, samples2: s });
  l('LatentSubtract', 'latent/advanced', { samples1: s, samples2: s });
  l('LatentMultiply', 'latent/advanced', { samples: s, multiplier: FLOAT(1.0, -10.0, 10.0, 0.01) });
  l('LatentInterpolate', 'latent/advanced', { samples1: s, samples2: s, ratio: FLOAT(1.0, 0.0, 1.0, 0.01) });
  l('LatentConcat', 'latent/advanced', { samples1: s, samples2: s, dim: COMBO(['x', '-x', 'y', '-y', 't', '-t']) });
  l('LatentCut', 'latent/advanced', { samples: s, dim: COMBO(['x', 'y', 't']), index: INT(0, -16384, 16384, 1), amount: INT(1, 1, 16384, 1) });
  l('LatentCutToBatch', 'latent/advanced', { samples: s, dim: COMBO(['t', 'x', 'y']), slice_size: INT(1, 1, 16384, 1) });
  l('LatentBatch', 'latent/batch', { samples1: s, samples2: s }, ['LATENT'], { deprecated: true });
  l('LatentBatchSeedBehavior', 'latent/advanced', { samples: s, seed_behavior: COMBO(['random', 'fixed'], 'fixed') });
  l('LatentApplyOperation', 'latent/advanced/operations', { samples: s, operation: SOCKET('LATENT_OPERATION') }, ['LATENT'], { experimental: true });
  l('LatentOperationTonemapReinhard', 'latent/advanced/operations', { multiplier: FLOAT(1.0, 0.0, 100.0, 0.01) }, ['LATENT_OPERATION'], { experimental: true });
  l('LatentOperationSharpen', 'latent/advanced/operations', {
    sharpen_radius: INT(9, 1, 31, 1), sigma: FLOAT(1.0, 0.1, 10.0, 0.1), alpha: FLOAT(0.1, 0.0, 5.0, 0.01),
  }, ['LATENT_OPERATION'], { experimental: true });
  assert.deepEqual(info('ReplaceVideoLatentFrames'), v3({
    name: 'ReplaceVideoLatentFrames', category: 'latent/batch', module: LATENT,
    required: { destination: s, index: INT(0, -16384, 16384, 1) }, optional: { source: s }, outputs: ['LATENT'],
  }));
  assert.deepEqual(info('RebatchLatents'), v3({
    name: 'RebatchLatents', display: 'Rebatch Latents', category: 'latent/batch', module: 'comfy_extras.nodes_rebatch',
    required: { latents: s, batch_size: INT(1, 1, 4096) }, outputs: ['LATENT'], isList: [true],
  }));
  assert.deepEqual(info('BatchLatentsNode'), v3({
    name: 'BatchLatentsNode', display: 'Batch Latents', category: 'latent', module: 'comfy_extras.nodes_post_processing',
    required: { latents: ['COMFY_AUTOGROW_V3', { template: { input: { required: { latent: ['LATENT', {}] } }, prefix: 'latent', min: 2, max: 50 } }] },
    outputs: ['LATENT'],
  }));
});

test('model-specific empty latent schemas', () => {
  const wh = (w: number, h: number, step: number, min = 16) => ({ width: INT(w, min, 16384, step), height: INT(h, min, 16384, step) });
  const batch = INT(1, 1, 4096);
  const e = (name: string, display: string | null, category: string, module: string, required: Record<string, unknown>, outputs: (string | [string, string])[] = ['LATENT']) =>
    assert.deepEqual(info(name), v3({ name, display, category, module: `comfy_extras.${module}`, required, outputs }), name);
  e('EmptySD3LatentImage', null, 'latent/sd3', 'nodes_sd3', { ...wh(1024, 1024, 16), batch_size: batch });
  e('EmptyHunyuanLatentVideo', 'Empty HunyuanVideo 1.0 Latent', 'latent/video', 'nodes_hunyuan', { ...wh(848, 480, 16), length: INT(25, 1, 16384, 4), batch_size: batch });
  e('EmptyHunyuanImageLatent', null, 'latent', 'nodes_hunyuan', { ...wh(2048, 2048, 32, 64), batch_size: batch });
  e('EmptyHunyuanVideo15Latent', 'Empty HunyuanVideo 1.5 Latent', 'latent/video', 'nodes_hunyuan', { ...wh(848, 480, 16), length: INT(25, 1, 16384, 4), batch_size: batch });
  e('EmptyMochiLatentVideo', null, 'latent/video', 'nodes_mochi', { ...wh(848, 480, 16), length: INT(25, 7, 16384, 6), batch_size: batch });
  e('EmptyLTXVLatentVideo', null, 'latent/video/ltxv', 'nodes_lt', { ...wh(768, 512, 32, 64), length: INT(97, 1, 16384, 8), batch_size: batch });
  e('EmptyCosmosLatentVideo', null, 'latent/video', 'nodes_cosmos', { ...wh(1280, 704, 16), length: INT(121, 1, 16384, 8), batch_size: batch });
  e('EmptyChromaRadianceLatentImage', null, 'latent/chroma_radiance', 'nodes_chroma_radiance', { ...wh(1024, 1024, 16), batch_size: batch });
  e('EmptyFlux2LatentImage', 'Empty Flux 2 Latent', 'latent', 'nodes_flux', { ...wh(1024, 1024, 16), batch_size: batch });
  e('EmptyQwenImageLayeredLatentImage', 'Empty Qwen Image Layered Latent', 'latent/qwen', 'nodes_qwen', { ...wh(640, 640, 16), layers: INT(3, 0, 16384, 1), batch_size: batch });
  e('EmptyLatentHunyuan3Dv2', null, 'latent/3d', 'nodes_hunyuan3d', { resolution: INT(3072, 1, 8192), batch_size: batch });
  e('EmptyLatentAudio', 'Empty Latent Audio', 'latent/audio', 'nodes_audio', { seconds: FLOAT(47.6, 1.0, 1000.0, 0.1), batch_size: batch });
  e('EmptyAceStepLatentAudio', null, 'latent/audio', 'nodes_ace', { seconds: FLOAT(120.0, 1.0, 1000.0, 0.1), batch_size: batch });
  e('StableCascade_EmptyLatentImage', null, 'latent/stable_cascade', 'nodes_stable_cascade', {
    ...wh(1024, 1024, 8, 256), compression: INT(42, 4, 128, 1), batch_size: batch,
  }, [['LATENT', 'stage_c'], ['LATENT', 'stage_b']]);
  e('TrimVideoLatent', null, 'latent/video', 'nodes_wan', { samples: SOCKET('LATENT'), trim_amount: INT(0, 0, 99999) });
  assert.deepEqual(info('LatentCompositeMasked').input.required.resize_source, BOOL(false));
});

test('empty latents have ComfyUI shapes and types', async () => {
  const shape = async (name: string, inputs: Record<string, unknown>) => (await run(name, inputs))[0].samples.shape;
  assert.deepEqual(await shape('EmptyLatentImage', { width: 520, height: 64, batch_size: 2 }), [2, 4, 8, 65]);
  assert.deepEqual(await shape('EmptySD3LatentImage', { width: 64, height: 32, batch_size: 1 }), [1, 16, 4, 8]);
  assert.deepEqual(await shape('EmptyHunyuanLatentVideo', { width: 64, height: 32, length: 25, batch_size: 1 }), [1, 16, 7, 4, 8]);
  assert.deepEqual(await shape('EmptyMochiLatentVideo', { width: 64, height: 32, length: 25, batch_size: 1 }), [1, 12, 5, 4, 8]);
  assert.deepEqual(await shape('EmptyLTXVLatentVideo', { width: 64, height: 64, length: 97, batch_size: 1 }), [1, 128, 13, 2, 2]);
  assert.deepEqual(await shape('EmptyFlux2LatentImage', { width: 64, height: 32, batch_size: 1 }), [1, 128, 2, 4]);
  assert.deepEqual(await shape('EmptyQwenImageLayeredLatentImage', { width: 64, height: 32, layers: 3, batch_size: 1 }), [1, 16, 4, 4, 8]);
  assert.deepEqual(await shape('EmptyChromaRadianceLatentImage', { width: 32, height: 16, batch_size: 1 }), [1, 3, 16, 32]);
  const [audio] = await run('EmptyLatentAudio', { seconds: 47.6, batch_size: 1 });
  assert.deepEqual(audio.samples.shape, [1, 64, 1024]);
  assert.equal(audio.type, 'audio');
  const [ace] = await run('EmptyAceStepLatentAudio', { seconds: 120, batch_size: 1 });
  assert.deepEqual(ace.samples.shape, [1, 8, 16, 1291]);
  const [h3d] = await run('EmptyLatentHunyuan3Dv2', { resolution: 10, batch_size: 2 });
  assert.deepEqual([h3d.samples.shape, h3d.type], [[2, 64, 10], 'hunyuan3dv2']);
  const [c, b] = await run('StableCascade_EmptyLatentImage', { width: 1024, height: 512, compression: 42, batch_size: 1 });
  assert.deepEqual([c.samples.shape, b.samples.shape], [[1, 16, 12, 24], [1, 4, 128, 256]]);
  await assert.rejects(run('EmptyLatentImage', { width: 8, height: 64, batch_size: 1 }), /width must be between 16 and 16384/);
  await assert.rejects(run('EmptyLatentImage', { width: 16384, height: 16384, batch_size: 4096 }), /too large/);
});

const ramp = (shape: number[]) => tensor(shape, (i) => i);

test('LatentUpscale / LatentUpscaleBy sizes and nearest-exact values', async () => {
  const samples = { samples: tensor([1, 1, 2, 2], [1, 2, 3, 4]), noise_mask: Tensor.full([1, 1, 16, 16], 1) };
  const [up] = await run('LatentUpscale', { samples, upscale_method: 'nearest-exact', width: 128, height: 64, crop: 'disabled' });
  assert.deepEqual(up.samples.shape, [1, 1, 8, 16]);
  assert.equal(up.samples.data[0], 1);
  assert.equal(up.samples.data[8], 2);
  assert.equal(up.samples.data[4 * 16], 3);
  assert.equal(up.noise_mask, samples.noise_mask);
  const [auto] = await run('LatentUpscale', { samples, upscale_method: 'bilinear', width: 0, height: 8, crop: 'disabled' });
  assert.deepEqual(auto.samples.shape, [1, 1, 8, 8]);
  const [same] = await run('LatentUpscale', { samples, upscale_method: 'bilinear', width: 0, height: 0, crop: 'center' });
  assert.equal(same, samples);
  const [by] = await run('LatentUpscaleBy', { samples, upscale_method: 'area', scale_by: 1.5 });
  assert.deepEqual(by.samples.shape, [1, 1, 3, 3]);
  await assert.rejects(run('LatentUpscale', { samples, upscale_method: 'lanczos', width: 64, height: 64, crop: 'disabled' }), /upscale_method must be one of/);
});

test('LatentFromBatch and RepeatLatentBatch keep masks and batch indices in step', async () => {
  const samples = { samples: tensor([4, 1, 1, 1], [0, 1, 2, 3]), noise_mask: tensor([2, 1, 1, 1], [10, 11]) };
  const [s] = await run('LatentFromBatch', { samples, batch_index: 1, length: 2 });
  assert.deepEqual(values(s.samples), [1, 2]);
  assert.deepEqual(values(s.noise_mask), [11, 10]);
  assert.deepEqual(s.batch_index, [1, 2]);
  const [clamped] = await run('LatentFromBatch', { samples, batch_index: 9, length: 5 });
  assert.deepEqual([values(clamped.samples), clamped.batch_index], [[3], [3]]);
  const [r] = await run('RepeatLatentBatch', { samples: { samples: tensor([2, 1, 1, 1], [5, 6]), batch_index: [2, 5] }, amount: 3 });
  assert.deepEqual(values(r.samples), [5, 6, 5, 6, 5, 6]);
  assert.deepEqual(r.batch_index, [2, 5, 6, 9, 10, 13]);
});

test('LatentRotate / LatentFlip / LatentCrop / SetLatentNoiseMask', async () => {
  const samples = { samples: ramp([1, 1, 2, 3]) };
  const rot = async (rotation: string) => (await run('LatentRotate', { samples, rotation }))[0].samples;
  const r90 = await rot('90 degrees');
  assert.deepEqual([r90.shape, values(r90)], [[1, 1, 3, 2], [3, 0, 4, 1, 5, 2]]);
  assert.deepEqual(values(await rot('270 degrees')), [2, 5, 1, 4, 0, 3]);
  assert.deepEqual(values(await rot('180 degrees')), [5, 4, 3, 2, 1, 0]);
  assert.deepEqual(values((await run('LatentFlip', { samples, flip_method: 'x-axis: vertically' }))[0].samples), [3, 4, 5, 0, 1, 2]);
  assert.deepEqual(values((await run('LatentFlip', { samples, flip_method: 'y-axis: horizontally' }))[0].samples), [2, 1, 0, 5, 4, 3]);
  const big = { samples: ramp([1, 1, 10, 10]) };
  const [crop] = await run('LatentCrop', { samples: big, width: 64, height: 64, x: 16, y: 8 });
  assert.deepEqual(crop.samples.shape, [1, 1, 8, 8]);
  assert.equal(crop.samples.data[0], 12);
  // The origin is kept 8 latent pixels inside: x = 80 px → 10 → 2.
  const [edge] = await run('LatentCrop', { samples: big, width: 64, height: 64, x: 80, y: 0 });
  assert.equal(edge.samples.data[0], 2);
  const [masked] = await run('SetLatentNoiseMask', { samples: big, mask: Tensor.full([2, 3, 4], 1) });
  assert.deepEqual(masked.noise_mask.shape, [2, 1, 3, 4]);
});

test('LatentComposite with and without feathering', async () => {
  const to = { samples: new Tensor([1, 1, 6, 6]) };
  const from = { samples: Tensor.full([1, 1, 3, 3], 2) };
  const [plain] = await run('LatentComposite', { samples_to: to, samples_from: from, x: 24, y: 32, feather: 0 });
  const expected = new Array(36).fill(0);
  for (const [r, c] of [[4, 3], [4, 4], [4, 5], [5, 3], [5, 4], [5, 5]]) expected[r! * 6 + c!] = 2;
  assert.deepEqual(values(plain.samples), expected);
  const [feathered] = await run('LatentComposite', { samples_to: to, samples_from: from, x: 16, y: 16, feather: 16 });
  assert.deepEqual(values(feathered.samples), [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1, 0.5, 0, 0, 0, 1, 2, 1, 0, 0, 0, 0.5, 1, 0.5, 0, 0, 0, 0, 0, 0, 0,
  ]);
});

test('LatentCompositeMasked pastes through a resized mask', async () => {
  const destination = { samples: new Tensor([1, 2, 4, 4]) };
  const source = { samples: Tensor.full([1, 2, 2, 2], 1) };
  const [plain] = await run('LatentCompositeMasked', { destination, source, x: 8, y: 16, resize_source: false });
  assert.deepEqual(values(plain.samples).slice(0, 16), [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
  const [half] = await run('LatentCompositeMasked', { destination, source, x: 0, y: 0, resize_source: false, mask: Tensor.full([1, 8, 8], 0.25) });
  assertClose(values(half.samples).slice(0, 4), [0.25, 0.25, 0, 0]);
  const [resized] = await run('LatentCompositeMasked', { destination, source, x: 0, y: 0, resize_source: true });
  assert.ok(values(resized.samples).every((v) => v === 1));
});

test('LatentBlend, LatentAdd/Subtract/Multiply, LatentInterpolate', async () => {
  const a = { samples: tensor([1, 1, 1, 2], [1, 2]) };
  const b = { samples: tensor([1, 1, 1, 2], [3, 5]) };
  assertClose(values((await run('LatentBlend', { samples1: a, samples2: b, blend_factor: 0.25 }))[0].samples), [2.5, 4.25]);
  assert.deepEqual(values((await run('LatentAdd', { samples1: a, samples2: b }))[0].samples), [4, 7]);
  assert.deepEqual(values((await run('LatentSubtract', { samples1: a, samples2: b }))[0].samples), [-2, -3]);
  assertClose(values((await run('LatentMultiply', { samples: a, multiplier: 0.1 }))[0].samples), [Math.fround(0.1), Math.fround(0.2)]);
  // samples2 is resized (bilinear, centre) and repeated to samples1's batch.
  const [rep] = await run('LatentAdd', { samples1: { samples: new Tensor([2, 1, 2, 2]) }, samples2: { samples: Tensor.full([1, 1, 4, 4], 1) } });
  assert.deepEqual(values(rep.samples), new Array(8).fill(1));
  const s1 = [0.1257302165031433, -0.13210485875606537, 0.6404226422309875, 0.10490011423826218, -0.5356693863868713, 0.3615950644016266, 1.3040000200271606, 0.9470809698104858, -0.7037352323532104, -1.2654215097427368, -0.6232744455337524, 0.04132597893476486, -2.32503080368042, -0.218791663646698, -1.2459110021591187, -0.7322673797607422];
  const s2 = [-0.5442590117454529, -0.3163001537322998, 0.4116305410861969, 1.042513370513916, -0.12853465974330902, 1.3664634227752686, -0.6651946902275085, 0.35151007771492004, 0.9034701585769653, 0.0940122976899147, -0.7434992790222168, -0.9217253923416138, -0.4577258229255676, 0.22019512951374054, -1.0096181631088257, -0.20917557179927826];
  const [interp] = await run('LatentInterpolate', { samples1: { samples: tensor([1, 4, 2, 2], s1) }, samples2: { samples: tensor([1, 4, 2, 2], s2) }, ratio: 0.3 });
  assertClose(values(interp.samples), [-0.6102660894393921, -0.31840309500694275, 0.5539526343345642, 0.8618274927139282, -0.27640286087989807, 1.2950838804244995, -0.23025768995285034, 0.6609466075897217, 0.8972197771072388, -0.4073822498321533, -0.8489044308662415, -0.7075107097625732, -1.081973671913147, 0.10208521783351898, -1.2663383483886719, -0.46183663606643677], 1e-5);
  await assert.rejects(run('LatentInterpolate', { samples1: { samples: new Tensor([2, 4, 1, 1]) }, samples2: { samples: new Tensor([2, 4, 1, 1]) }, ratio: 0.5 }), /batch must be 1 or equal the channel count/);
  await assert.rejects(run('LatentAdd', { samples1: { samples: new Tensor([1, 4, 2, 2]) }, samples2: { samples: new Tensor([1, 16, 2, 2]) } }), /channel counts differ/);
});

test('LatentConcat / LatentCut / LatentCutToBatch / ReplaceVideoLatentFrames / TrimVideoLatent', async () => {
  const a = { samples: ramp([1, 1, 2, 2]) };
  const b = { samples: tensor([1, 1, 2, 1], [9, 9]) };
  const [cx] = await run('LatentConcat', { samples1: a, samples2: b, dim: 'x' });
  assert.deepEqual([cx.samples.shape, values(cx.samples)], [[1, 1, 2, 3], [0, 1, 9, 2, 3, 9]]);
  const [cnx] = await run('LatentConcat', { samples1: a, samples2: b, dim: '-x' });
  assert.deepEqual(values(cnx.samples), [9, 0, 1, 9, 2, 3]);
  await assert.rejects(run('LatentConcat', { samples1: a, samples2: b, dim: 'y' }), /cannot concatenate/);
  const video = { samples: ramp([1, 1, 5, 1, 1]) };
  assert.deepEqual(values((await run('LatentCut', { samples: video, dim: 't', index: 1, amount: 2 }))[0].samples), [1, 2]);
  assert.deepEqual(values((await run('LatentCut', { samples: video, dim: 't', index: -2, amount: 5 }))[0].samples), [3, 4]);
  assert.deepEqual(values((await run('LatentCut', { samples: video, dim: 't', index: 9, amount: 5 }))[0].samples), [4]);
  const [ctb] = await run('LatentCutToBatch', { samples: video, dim: 't', slice_size: 2 });
  assert.deepEqual([ctb.samples.shape, values(ctb.samples)], [[2, 1, 2, 1, 1], [0, 1, 2, 3]]);
  const image = { samples: ramp([1, 1, 2, 2]) };
  assert.equal((await run('LatentCutToBatch', { samples: image, dim: 't', slice_size: 1 }))[0], image);
  const [xs] = await run('LatentCutToBatch', { samples: image, dim: 'x', slice_size: 1 });
  assert.deepEqual([xs.samples.shape, values(xs.samples)], [[2, 1, 2, 1], [0, 2, 1, 3]]);
  const dest = { samples: new Tensor([1, 1, 4, 1, 1]) };
  const src = { samples: Tensor.full([1, 1, 2, 1, 1], 7), batch_index: [3] };
  const [rep] = await run('ReplaceVideoLatentFrames', { destination: dest, source: src, index: -2 });
  assert.deepEqual([values(rep.samples), rep.batch_index], [[0, 0, 7, 7], [3]]);
  assert.equal((await run('ReplaceVideoLatentFrames', { destination: dest, source: src, index: 3 }))[0], dest);
  assert.equal((await run('ReplaceVideoLatentFrames', { destination: dest, index: 0 }))[0], dest);
  const [trim] = await run('TrimVideoLatent', { samples: video, trim_amount: 3 });
  assert.deepEqual(values(trim.samples), [3, 4]);
});

test('LatentBatch, BatchLatentsNode, LatentBatchSeedBehavior, RebatchLatents', async () => {
  const a = { samples: Tensor.full([2, 1, 2, 2], 1) };
  const b = { samples: Tensor.full([1, 1, 4, 4], 2), batch_index: [7] };
  const [lb] = await run('LatentBatch', { samples1: a, samples2: b });
  assert.deepEqual([lb.samples.shape, lb.batch_index], [[3, 1, 2, 2], [0, 1, 7]]);
  assert.deepEqual(values(lb.samples).slice(8), [2, 2, 2, 2]);
  const [bl] = await run('BatchLatentsNode', { latents: { latent0: a, latent1: b, latent2: a } });
  assert.deepEqual([bl.samples.shape, bl.batch_index], [[5, 1, 2, 2], [0, 1, 7, 0, 1]]);
  const [fixed] = await run('LatentBatchSeedBehavior', { samples: { samples: new Tensor([3, 1, 1, 1]), batch_index: [4, 5, 6] }, seed_behavior: 'fixed' });
  assert.deepEqual(fixed.batch_index, [4, 4, 4]);
  const [random] = await run('LatentBatchSeedBehavior', { samples: { samples: new Tensor([3, 1, 1, 1]), batch_index: [4, 5, 6] }, seed_behavior: 'random' });
  assert.equal('batch_index' in random, false);
  const [lists] = await run('RebatchLatents', {
    latents: [{ samples: ramp([3, 1, 1, 1]) }, { samples: ramp([2, 1, 1, 1]) }, { samples: new Tensor([1, 1, 2, 2]) }],
    batch_size: [2],
  });
  assert.deepEqual(lists.map((l: any) => values(l.samples)), [[0, 1], [2, 0], [1], [0, 0, 0, 0]]);
  assert.deepEqual(lists.map((l: any) => l.batch_index), [[0, 1], [2, 3], [4], [5]]);
  assert.ok(lists.every((l: any) => !('noise_mask' in l)));
});

test('latent operations: tonemap and sharpen (numpy emulation), applied by LatentApplyOperation', async () => {
  const lat = [-0.15922501683235168, 0.5408455729484558, 0.21465912461280823, 0.35537269711494446, -0.6538286209106445, -0.12961363792419434, 0.7839754819869995, 1.4934310913085938, -1.2590655088424683, 1.5139237642288208, 1.3458753824234009, 0.7813113927841187, 0.2644556164741516, -0.31392282247543335, 1.4580206871032715, 1.9602583646774292, 1.8016349077224731, 1.3151037693023682, 0.3573804199695587, -1.2083185911178589, -0.004454133100807667, 0.6564749479293823, -1.2883614301681519, 0.39512205123901367, 0.42986369132995605, 0.6960427165031433, -1.1841179132461548, -0.661702573299408, -0.4364352524280548, -1.169801950454712, 1.7393678426742554, -0.49591073393821716];
  const samples = { samples: tensor([1, 2, 4, 4], lat) };
  const [sharpen] = await run('LatentOperationSharpen', { sharpen_radius: 1, sigma: 1.0, alpha: 0.5 });
  const [sharp] = await run('LatentApplyOperation', { samples, operation: sharpen });
  assertClose(values(sharp.samples), [1.1213849782943726, 3.171016216278076, 0.3873363733291626, -1.5251554250717163, -3.3128652572631836, -1.03859281539917, 0.677525520324707, 3.9729361534118652, -6.916544437408447, 7.781195640563965, 2.5569450855255127, 0.8169124722480774, 1.3820933103561401, -3.618389368057251, 1.3013038635253906, 3.9602205753326416, 4.248620510101318, 4.108231544494629, 1.8420873880386353, -6.136032581329346, -2.0100488662719727, 2.688188314437866, -7.604577541351318, 4.909334659576416, 2.1470255851745605, 4.392593860626221, -5.561906814575195, -2.3961923122406006, -2.0871083736419678, -6.077480792999268, 12.608778953552246, -0.7634052038192749], 1e-4);
  const [tonemap] = await run('LatentOperationTonemapReinhard', { multiplier: 1.0 });
  const [tm] = await run('LatentApplyOperation', { samples, operation: tonemap });
  assertClose(values(tm.samples), [-0.110174261033535, 0.40061846375465393, 0.19468089938163757, 0.27127042412757874, -0.563185453414917, -0.11128362268209457, 0.5717285871505737, 1.08198881149292, -0.9484550356864929, 1.0735827684402466, 0.9338153004646301, 0.6240358352661133, 0.23494330048561096, -0.24182486534118652, 0.9354190826416016, 1.3088198900222778, 1.24662446975708, 0.9741317629814148, 0.3241191804409027, -0.9223586916923523, -0.003836636897176504, 0.5636360049247742, -0.9395613074302673, 0.28626537322998047, 0.3238166570663452, 0.49359121918678284, -0.8215823173522949, -0.5285038948059082, -0.3877306282520294, -0.9011361002922058, 1.1159223318099976, -0.33110830187797546], 1e-5);
  await assert.rejects(run('LatentApplyOperation', { samples: { samples: new Tensor([1, 1, 2, 2]) }, operation: (await run('LatentOperationSharpen', { sharpen_radius: 9, sigma: 1, alpha: 0.1 }))[0] }), /must be smaller than the latent/);
});

test('bad latent inputs give clear errors', async () => {
  await assert.rejects(run('LatentFlip', { samples: { nope: 1 }, flip_method: 'x-axis: vertically' }), /samples must be a LATENT/);
  await assert.rejects(run('RepeatLatentBatch', { samples: { samples: new Tensor([1, 4, 2, 2]) }, amount: 65 }), /amount must be between 1 and 64/);
  await assert.rejects(run('LatentComposite', { samples_to: { samples: new Tensor([2, 4, 2, 2]) }, samples_from: { samples: new Tensor([3, 4, 1, 1]) }, x: 0, y: 0, feather: 0 }), /samples_from has 3 latents/);
  await assert.rejects(run('SetLatentNoiseMask', { samples: { samples: new Tensor([1, 4, 2, 2]) }, mask: 5 }), /MASK tensor/);
});

test('SaveLatent / LoadLatent round trip (.latent safetensors with metadata)', async () => {
  assert.deepEqual(info('SaveLatent'), {
    ...v1({ name: 'SaveLatent', display: 'SaveLatent', category: '_for_testing', outputs: [], required: { samples: ['LATENT'], filename_prefix: ['STRING', { default: 'latents/ComfyUI' }] } }),
    input: { required: { samples: ['LATENT'], filename_prefix: ['STRING', { default: 'latents/ComfyUI' }] }, hidden: { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' } },
    input_order: { required: ['samples', 'filename_prefix'], hidden: ['prompt', 'extra_pnginfo'] },
    output_node: true,
  });
  assert.deepEqual(info('LoadLatent'), v1({ name: 'LoadLatent', display: 'LoadLatent', category: '_for_testing', outputs: ['LATENT'], required: { latent: [[]] } }));
  const services = makeServices();
  const ctx = makeContext(services);
  const samples = ramp([1, 4, 2, 2]);
  const r = (await node('SaveLatent').execute({ samples: { samples }, filename_prefix: 'latents/test', prompt: { '1': { class_type: 'X' } }, extra_pnginfo: { workflow: { a: 1 } } }, ctx)) as any;
  assert.deepEqual(r.ui.latents, [{ filename: 'test_00001_.latent', subfolder: 'latents', type: 'output' }]);
  const saved = join(services.paths.outputDir, 'latents', 'test_00001_.latent');
  const file = await openSafetensors(saved);
  assert.deepEqual(file.metadata, { prompt: '{"1": {"class_type": "X"}}', workflow: '{"a": 1}' });
  copyFileSync(saved, join(services.paths.inputDir, 'mine.latent'));
  const [loaded] = await run('LoadLatent', { latent: 'mine.latent' }, ctx);
  assert.deepEqual(values(loaded.samples), values(samples));
  const load = node('LoadLatent');
  assert.equal(await (load.validateInputs as (i: object, s: unknown) => unknown)({ latent: 'missing.latent' }, services), 'Invalid latent file: missing.latent');
  assert.match(String(await load.isChanged!({ latent: 'mine.latent' }, ctx)), /^[0-9a-f]{64}$/);
  // A file without the version marker is an old-format latent, scaled by 1/0.18215.
  const old = latentFileBytes(Tensor.full([1, 1, 1, 1], 0.18215));
  writeFileSync(join(services.paths.inputDir, 'old.latent'), rewriteWithoutMarker(old));
  const [scaled] = await run('LoadLatent', { latent: 'old.latent' }, ctx);
  assertClose(values(scaled.samples), [1], 1e-6);
});

/** A .latent file with only `latent_tensor` (the format before the version marker). */
function rewriteWithoutMarker(bytes: Buffer): Buffer {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  delete header.latent_format_version_0;
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, bytes.subarray(8 + n)]);
}
