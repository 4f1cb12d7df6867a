import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Tensor } from '../../src/inference/tensor.ts';
import { nodeInfo } from '../../src/nodes/registry.ts';
import { datasetNodes } from '../../src/nodes/dataset/index.ts';
import { NumpyLegacyRandom } from '../../src/nodes/dataset/numpy-random.ts';
import { makeContext, makeServices } from '../helpers/node-context.ts';

const node = (name: string) => datasetNodes.find((n) => n.name === name)!;
const run = async (name: string, inputs: Record<string, unknown>, ctx = makeContext()) => (await node(name).execute(inputs, ctx)) as any;

function ramp(h: number, w: number, c = 3): Tensor {
  const t = new Tensor([1, h, w, c]);
  for (let i = 0; i < t.size; i++) t.data[i] = (i % 251) / 255;
  return t;
}

test('NumPy legacy generator draws like np.random (seed, randint, permutation)', () => {
  assert.deepEqual(new NumpyLegacyRandom(0).permutation(10), [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
  const rng = new NumpyLegacyRandom(42);
  assert.deepEqual([rng.randint(0, 101), rng.randint(0, 7)], [51, 4]);
  assert.deepEqual(new NumpyLegacyRandom(123456789).permutation(5), [3, 1, 2, 4, 0]);
});

test('schemas: V3, experimental, list flags and tooltips as in 0.8.0', () => {
  const shuffle = nodeInfo(node('ShuffleDataset'));
  assert.equal(shuffle.category, 'dataset/image');
  assert.equal(shuffle.experimental, true);
  assert.deepEqual(shuffle.output_is_list, [true]);
  assert.deepEqual((shuffle.input as any).required.images, ['IMAGE', { tooltip: 'List of images to process.' }]);
  const lower = nodeInfo(node('TextToLowercase'));
  assert.deepEqual((lower.input as any).required.texts, ['STRING', { tooltip: 'Text to process.', multiline: false }]);
  assert.equal(lower.display_name, 'Text to Lowercase');
  const grid = nodeInfo(node('ImageGrid'));
  assert.deepEqual(grid.output_is_list, [false]);
  const save = nodeInfo(node('SaveImageDataSetToFolder'));
  assert.equal(save.output_node, true);
  assert.deepEqual((save.input as any).required.folder_name, ['STRING', { tooltip: 'Name of the folder to save images to (inside output directory).', default: 'dataset', multiline: false }]);
  const services = makeServices();
  mkdirSync(join(services.paths.inputDir, 'set', 'sub'), { recursive: true });
  assert.deepEqual((nodeInfo(node('LoadImageDataSetFromFolder'), services).input as any).required.folder[1].options, ['set', 'set/sub']);
  assert.equal(datasetNodes.length, 28);
});

test('per-image transforms: resize, crops, normalise, brightness, contrast', async () => {
  const [shorter] = await run('ResizeImagesByShorterEdge', { images: ramp(8, 16), shorter_edge: 4 });
  assert.deepEqual(shorter.shape, [1, 4, 8, 3]);
  const [longer] = await run('ResizeImagesByLongerEdge', { images: ramp(8, 16), longer_edge: 4 });
  assert.deepEqual(longer.shape, [1, 2, 4, 3]);
  const src = ramp(6, 6);
  const [center] = await run('CenterCropImages', { images: src, width: 2, height: 10 });
  assert.deepEqual(center.shape, [1, 6, 2, 3]);
  assert.equal(center.data[0], Math.fround(Math.floor(src.data[2 * 3]! * 255) / 255));
  const [random] = await run('RandomCropImages', { images: src, width: 4, height: 2, seed: 7 });
  assert.deepEqual(random.shape, [1, 2, 4, 3]);
  // np.random.seed(7) then randint(0, 3) for the left edge and randint(0, 5) for the top (0 and 1 in NumPy).
  const rng = new NumpyLegacyRandom(7);
  const left = rng.randint(0, 3);
  const top = rng.randint(0, 5);
  assert.deepEqual([left, top], [0, 1]);
  assert.equal(random.data[0], Math.fround(Math.floor(src.data[(top * 6 + left) * 3]! * 255) / 255));
  const [norm] = await run('NormalizeImages', { images: Tensor.full([1, 1, 1, 3], 1), mean: 0.5, std: 0.5 });
  assert.equal(norm.data[0], 1);
  const [bright] = await run('AdjustBrightness', { images: Tensor.full([1, 1, 1, 3], 0.6), factor: 2 });
  assert.equal(bright.data[0], 1);
  const [contrast] = await run('AdjustContrast', { images: Tensor.full([1, 1, 1, 3], 0.75), factor: 0 });
  assert.equal(contrast.data[0], 0.5);
  await assert.rejects(run('AdjustBrightness', { images: 'x', factor: 1 }), /IMAGE tensor/);
});

test('list nodes: shuffles, deduplication, grid, pass-through', async () => {
  const a = Tensor.full([1, 8, 8, 3], 0.2);
  const b = ramp(8, 8);
  const c = Tensor.full([1, 8, 8, 3], 0.9);
  const [shuffled] = await run('ShuffleDataset', { images: [a, b, c], seed: [0] });
  const order = new NumpyLegacyRandom(0).permutation(3);
  assert.deepEqual(shuffled, order.map((i) => [a, b, c][i]));
  const [imgs, texts] = await run('ShuffleImageTextDataset', { images: [a, b, c], texts: ['a', 'b', 'c'], seed: [0] });
  assert.deepEqual(texts, order.map((i) => ['a', 'b', 'c'][i]));
  assert.equal(imgs[0], [a, b, c][order[0]!]);
  const [unique] = await run('ImageDeduplication', { images: [b, b.clone(), a], similarity_threshold: [0.95] });
  assert.deepEqual(unique, [b, a]);
  const [grid] = await run('ImageGrid', { images: [a, c, b], columns: [2], cell_width: [32], cell_height: [32], padding: [4] });
  assert.deepEqual(grid.shape, [1, 68, 68, 3]);
  assert.equal(grid.data[(0 * 68 + 33) * 3], 0); // padding column stays black
  assert.ok(Math.abs(grid.data[(0 * 68 + 40) * 3] - Math.floor(0.9 * 255) / 255) < 1e-6);
  await assert.rejects(run('ImageGrid', { images: [], columns: [2], cell_width: [32], cell_height: [32], padding: [4] }), /empty image list/);
  assert.deepEqual((await run('MergeTextLists', { texts: ['x', 'y'] }))[0], ['x', 'y']);
});

test('text transforms follow Python str semantics', async () => {
  assert.deepEqual(await run('TextToUppercase', { texts: 'abc' }), ['ABC']);
  assert.deepEqual(await run('TruncateText', { texts: '😀bc', max_length: 2 }), ['😀b']);
  assert.deepEqual(await run('AddTextPrefix', { texts: 'b', prefix: 'a ' }), ['a b']);
  assert.deepEqual(await run('ReplaceText', { texts: 'aXbX', find: 'X', replace: '-' }), ['a-b-']);
  assert.deepEqual(await run('ReplaceText', { texts: 'ab', find: '', replace: '.' }), ['.a.b.']);
  assert.deepEqual(await run('StripWhitespace', { texts: '\u3000 hi\n' }), ['hi']);
});

test('dataset folders: load images and captions (kohya repeats), save image and text lists', async () => {
  const services = makeServices();
  const ctx = makeContext(services);
  const dir = join(services.paths.inputDir, 'set');
  mkdirSync(join(dir, '2_cat'), { recursive: true });
  const png = await sharp(Buffer.alloc(4 * 2 * 3, 200), { raw: { width: 4, height: 2, channels: 3 } }).png().toBuffer();
  writeFileSync(join(dir, 'a.png'), png);
  writeFileSync(join(dir, 'a.txt'), '  a caption \n');
  writeFileSync(join(dir, 'notes.md'), 'x');
  writeFileSync(join(dir, '2_cat', 'c.PNG'), png);
  const [images] = await run('LoadImageDataSetFromFolder', { folder: 'set' }, ctx);
  assert.equal(images.length, 1);
  assert.deepEqual(images[0].shape, [1, 2, 4, 3]);
  const [pairs, captions] = await run('LoadImageTextDataSetFromFolder', { folder: 'set' }, ctx);
  assert.equal(pairs.length, 3);
  assert.deepEqual(captions, ['', '', 'a caption']);
  await assert.rejects(run('LoadImageDataSetFromFolder', { folder: '../..' }, ctx), /Invalid folder name/);
  mkdirSync(join(services.paths.inputDir, 'empty'));
  await assert.rejects(run('LoadImageDataSetFromFolder', { folder: 'empty' }, ctx), /No valid images found in input/);

  await run('SaveImageTextDataSetToFolder', {
    images: [ramp(2, 2), Tensor.concatBatch([ramp(2, 2), ramp(2, 2)])], texts: ['one', 'two'], folder_name: ['out'], filename_prefix: ['img'],
  }, ctx);
  const out = join(services.paths.outputDir, 'out');
  assert.ok(existsSync(join(out, 'img_00002.png')));
  assert.equal(readFileSync(join(out, 'img_00001.txt'), 'utf8'), 'two');
  assert.ok(!existsSync(join(out, 'img_00002.txt')));
  await assert.rejects(run('SaveImageDataSetToFolder', { images: [ramp(2, 2)], folder_name: ['../x'], filename_prefix: ['i'] }, ctx), /Invalid folder name/);
});

test('ResolutionBucket groups latent items and their conditioning by size', async () => {
  const lat = (b: number, h: number) => ({ samples: new Tensor([b, 4, h, 8]) });
  const cond = (n: number) => Array.from({ length: n }, (_, i) => [new Tensor([1, 2, 3]), { i }]);
  const [latents, conds] = await run('ResolutionBucket', { latents: [lat(2, 8), lat(1, 16), lat(1, 8)], conditioning: [cond(2), cond(1), cond(1)] });
  assert.deepEqual(latents.map((l: any) => l.samples.shape), [[3, 4, 8, 8], [1, 4, 16, 8]]);
  assert.deepEqual(conds.map((c: unknown[]) => c.length), [3, 1]);
  await assert.rejects(run('ResolutionBucket', { latents: [lat(1, 8)], conditioning: [] }), /does not match/);
});
