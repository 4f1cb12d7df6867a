import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Tensor } from '../../src/inference/tensor.ts';
import { nodeInfo } from '../../src/nodes/registry.ts';
import { datasetNodes } from '../../src/nodes/dataset/index.ts';
import { makeContext } from '../helpers/node-context.ts';

const node = (name: string) => datasetNodes.find((n) => n.name === name)!;
const run = async (name: string, inputs: Record<string, unknown>, ctx = makeContext()) => (await node(name).execute(inputs, ctx)) as any;
const filled = (shape: number[], start: number) => new Tensor(shape, Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => start + i));

test('schemas of SaveTrainingDataset, LoadTrainingDataset and LossGraphNode (0.8.0)', () => {
  const save = nodeInfo(node('SaveTrainingDataset'));
  assert.equal(save.output_node, true);
  assert.equal(save.experimental, true);
  assert.deepEqual((save.input as any).required.shard_size, ['INT', { tooltip: 'Number of samples per shard file.', default: 1000, min: 1, max: 100000 }]);
  assert.deepEqual((save.input as any).hidden, { prompt: ['PROMPT'], extra_pnginfo: ['EXTRA_PNGINFO'] });
  const load = nodeInfo(node('LoadTrainingDataset'));
  assert.deepEqual(load.output_is_list, [true, true]);
  assert.equal((load.input as any).required.folder_name[1].default, 'training_dataset');
  const loss = nodeInfo(node('LossGraphNode'));
  assert.equal(loss.category, 'training');
  assert.equal(loss.display_name, 'Plot Loss Graph');
  assert.deepEqual((loss.input as any).required.loss, ['LOSS_MAP', { tooltip: 'Loss map from training node.' }]);
});

test('SaveTrainingDataset writes shards + metadata.json; LoadTrainingDataset reads them back', async () => {
  const ctx = makeContext();
  const latents = [0, 1, 2].map((i) => ({ samples: filled([1, 4, 2, 3], i * 100) }));
  const conditioning = [0, 1, 2].map((i) => [[filled([1, 2, 8], i), { pooled_output: filled([1, 8], -i), strength: 0.5 }]]);
  const result = await run('SaveTrainingDataset', { latents, conditioning, folder_name: ['ds'], shard_size: [2] }, ctx);
  assert.deepEqual(result, []);
  const dir = join(ctx.services.paths.outputDir, 'ds');
  assert.deepEqual(readdirSync(dir).sort(), ['metadata.json', 'shard_0000.pkl', 'shard_0001.pkl']);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')), { num_samples: 3, num_shards: 2, shard_size: 2 });
  const [loadedLatents, loadedCond] = await run('LoadTrainingDataset', { folder_name: 'ds' }, ctx);
  assert.equal(loadedLatents.length, 3);
  assert.deepEqual(loadedLatents[2].samples.shape, [1, 4, 2, 3]);
  assert.deepEqual([...loadedLatents[2].samples.data], [...latents[2]!.samples.data]);
  const [embeds, options] = loadedCond[1][0];
  assert.deepEqual([...embeds.data], [...filled([1, 2, 8], 1).data]);
  assert.equal(options.strength, 0.5);
  assert.deepEqual([...options.pooled_output.data], [...filled([1, 8], -1).data]);
});

test('a dataset saved by ComfyUI (torch.save, fp16 pooled output, tuples) loads; ours loads in torch', async () => {
  // fixtures/comfyui-shard_0000.pkl: torch 2.11 `torch.save(shard, file)` of the structure ComfyUI's
  // SaveTrainingDataset writes; torch.load(weights_only=True) was checked to read our shards the same way.
  const ctx = makeContext();
  const dir = join(ctx.services.paths.outputDir, 'from-comfyui');
  mkdirSync(dir);
  copyFileSync(new URL('./fixtures/comfyui-shard_0000.pkl', import.meta.url), join(dir, 'shard_0000.pkl'));
  const expected = JSON.parse(readFileSync(new URL('./fixtures/comfyui-shard_0000.values.json', import.meta.url), 'utf8'));
  const [latents, conditioning] = await run('LoadTrainingDataset', { folder_name: 'from-comfyui' }, ctx);
  assert.equal(latents.length, 2);
  assert.deepEqual(latents[1].samples.shape, [1, 4, 2, 2]);
  assert.deepEqual([...latents[1].samples.data], expected.latents[1]);
  const [embeds, options] = conditioning[0][0];
  assert.deepEqual(embeds.shape, [1, 3, 8]);
  assert.deepEqual([...embeds.data], expected.cond[0]);
  assert.deepEqual([...options.pooled_output.data], expected.pooled[0]);
  assert.equal(options.strength, 1);
  assert.deepEqual(options.area, [8, 8, 0, 0]);
});

test('training dataset bad inputs: mismatched lists, escaping folders, missing data', async () => {
  const ctx = makeContext();
  const latent = { samples: filled([1, 4, 2, 2], 0) };
  await assert.rejects(run('SaveTrainingDataset', { latents: [latent], conditioning: [], folder_name: ['x'], shard_size: [1] }, ctx), /Number of latents \(1\) does not match number of conditions \(0\)/);
  await assert.rejects(run('SaveTrainingDataset', { latents: [latent], conditioning: [[]], folder_name: ['../escape'], shard_size: [1] }, ctx), /Invalid folder name/);
  await assert.rejects(run('SaveTrainingDataset', { latents: [latent], conditioning: [[[latent.samples, { hook: new Map() }]]], folder_name: ['x'], shard_size: [1] }, ctx), /Map cannot be saved/);
  await assert.rejects(run('LoadTrainingDataset', { folder_name: 'nothing' }, ctx), /Dataset directory not found/);
  await assert.rejects(run('LoadTrainingDataset', { folder_name: '/etc' }, ctx), /Invalid folder name|not found/);
  await run('SaveTrainingDataset', { latents: [], conditioning: [], folder_name: ['empty'], shard_size: [5] }, ctx);
  await assert.rejects(run('LoadTrainingDataset', { folder_name: 'empty' }, ctx), /No shard files found/);
});

test('LossGraphNode saves an 840×520 preview of the curve to temp/', async () => {
  const ctx = makeContext();
  const out = await run('LossGraphNode', { loss: { loss: [3, 2, 1.5, 1.2, 1] }, filename_prefix: 'loss_graph' }, ctx);
  const [image] = out.ui.images;
  assert.equal(image.type, 'temp');
  const file = join(ctx.services.paths.tempDir, image.subfolder, image.filename);
  assert.ok(existsSync(file));
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [840, 520]);
  const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
  assert.deepEqual(px(600, 100), [255, 255, 255]);
  assert.deepEqual(px(40, 200), [0, 0, 0], 'y axis');
  const curve = px(41, 2); // the curve starts at the top-left (max loss at step 0)
  assert.ok(curve[2]! > 128 && curve[0]! < 128, `blue curve, got ${curve}`);
  await assert.rejects(run('LossGraphNode', { loss: { loss: [] }, filename_prefix: 'x' }, ctx), /non-empty "loss" list/);
  await assert.rejects(run('LossGraphNode', { loss: { loss: [1, 1] }, filename_prefix: 'x' }, ctx), /no range/);
});
