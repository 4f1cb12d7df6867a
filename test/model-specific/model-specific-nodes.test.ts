import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/inference/tensor.ts';
import { nodeInfo } from '../../src/nodes/registry.ts';
import { modelSpecificNodes } from '../../src/nodes/model-specific/index.ts';
import { ffmpegAvailable } from '../../src/nodes/video/ffmpeg.ts';
import { makeContext } from '../helpers/node-context.ts';

const node = (name: string) => modelSpecificNodes.find((n) => n.name === name)!;
const run = async (name: string, inputs: Record<string, unknown>) => (await node(name).execute(inputs, makeContext())) as any;
const noFfmpeg = (await ffmpegAvailable()) ? false : 'ffmpeg not installed (apt-get install ffmpeg)';
const cond = (value: number, options: Record<string, unknown> = {}) => [[Tensor.full([1, 2, 4], value), options]] as const;

test('schemas follow ComfyUI 0.8.0', () => {
  const pair = nodeInfo(node('PairConditioningCombine')) as any;
  assert.equal(pair.display_name, 'Cond Pair Combine');
  assert.equal(pair.experimental, true);
  assert.deepEqual(pair.output_name, ['positive', 'negative']);
  assert.deepEqual((nodeInfo(node('SD_4XUpscale_Conditioning')).input as any).required.noise_augmentation, ['FLOAT', { default: 0.0, min: 0.0, max: 1.0, step: 0.001 }]);
  assert.equal((nodeInfo(node('HunyuanRefinerLatent')) as any).category, 'sd');
  assert.deepEqual((nodeInfo(node('LTXVPreprocess')).input as any).required.img_compression, ['INT', { tooltip: 'Amount of compression to apply on image.', default: 35, min: 0, max: 100 }]);
  assert.deepEqual(nodeInfo(node('LTXVPreprocess')).output_name, ['output_image']);
  assert.equal((nodeInfo(node('NormalizeVideoLatentStart')).input as any).required.start_frame_count[1].max, 16384);
});

test('PairConditioningCombine concatenates each side', async () => {
  const [positive, negative] = await run('PairConditioningCombine', { positive_A: cond(1), negative_A: cond(2), positive_B: cond(3), negative_B: cond(4) });
  assert.deepEqual(positive.map((e: any) => e[0].data[0]), [1, 3]);
  assert.deepEqual(negative.map((e: any) => e[0].data[0]), [2, 4]);
  await assert.rejects(run('PairConditioningCombine', { positive_A: 1, negative_A: cond(2), positive_B: cond(3), negative_B: cond(4) }), /positive_A must be a CONDITIONING list/);
});

test('SD_4XUpscale_Conditioning: quarter-size -1..1 image on both sides and an empty 4-channel latent', async () => {
  const images = Tensor.full([2, 8, 12, 3], 0.75);
  const [positive, negative, latent] = await run('SD_4XUpscale_Conditioning', { images, positive: cond(1, { a: 1 }), negative: cond(2), scale_ratio: 2.0, noise_augmentation: 0.25 });
  const concat = positive[0][1].concat_image;
  assert.deepEqual(concat.shape, [2, 3, 4, 6]);
  assert.ok(concat.data.every((v: number) => Math.abs(v - 0.5) < 1e-6));
  assert.equal(positive[0][1].a, 1);
  assert.equal(negative[0][1].noise_augmentation, 0.25);
  assert.deepEqual(latent.samples.shape, [2, 4, 4, 6]);
  await assert.rejects(run('SD_4XUpscale_Conditioning', { images, positive: cond(1), negative: cond(2), scale_ratio: 0.1, noise_augmentation: 0 }), /at least 4 pixels/);
});

test('HunyuanRefinerLatent: the latent becomes the concat image; a 32-channel empty latent', async () => {
  const samples = Tensor.full([1, 64, 3, 4, 5], 0.5);
  const [positive, , latent] = await run('HunyuanRefinerLatent', { positive: cond(1), negative: cond(2), latent: { samples }, noise_augmentation: 0.1 });
  assert.equal(positive[0][1].concat_latent_image, samples);
  assert.equal(positive[0][1].noise_augmentation, 0.1);
  assert.deepEqual(latent.samples.shape, [1, 32, 3, 4, 5]);
});

test('NormalizeVideoLatentStart moves the start frames toward the reference statistics, within a band', async () => {
  const [b, c, t, h, w] = [1, 2, 4, 2, 2];
  const samples = new Tensor([b, c, t, h, w]);
  // Frame 0 has mean 1, std ≈ 1.07; frames 1–3 have mean 0 and std ≈ 0.52.
  for (let ci = 0; ci < c; ci++) for (let ti = 0; ti < t; ti++) for (let p = 0; p < h * w; p++) {
    samples.data[((ci * t + ti) * h * w) + p] = (ti === 0 ? 1 : 0) + (p % 2 === 0 ? 1 : -1) * (ti === 0 ? 1 : 0.5);
  }
  const [out] = await run('NormalizeVideoLatentStart', { latent: { samples, batch_index: [0] }, start_frame_count: 1, reference_frame_count: 5 });
  assert.deepEqual(out.batch_index, [0]);
  const frame0 = [0, 1, 2, 3, 16, 17, 18, 19].map((i) => out.samples.data[i]);
  const mean = frame0.reduce((a: number, v: number) => a + v, 0) / 8;
  // The reference mean 0 is clamped to at least source mean − 0.3 = 0.7.
  assert.ok(Math.abs(mean - 0.7) < 1e-5, `mean ${mean}`);
  assert.deepEqual([...out.samples.data.subarray(4, 16)], [...samples.data.subarray(4, 16)]);
  const [single] = await run('NormalizeVideoLatentStart', { latent: { samples: new Tensor([1, 2, 1, 2, 2]) }, start_frame_count: 4, reference_frame_count: 5 });
  assert.deepEqual(single.samples.shape, [1, 2, 1, 2, 2]);
  await assert.rejects(run('NormalizeVideoLatentStart', { latent: { samples }, start_frame_count: 9, reference_frame_count: 5 }), /leaves no reference frames/);
  await assert.rejects(run('NormalizeVideoLatentStart', { latent: { samples: new Tensor([1, 4, 8, 8]) }, start_frame_count: 1, reference_frame_count: 1 }), /expected a video latent/);
});

test('LTXVCropGuides removes appended guide frames and clears keyframe_idxs', async () => {
  const samples = new Tensor([1, 2, 6, 2, 2]);
  for (let i = 0; i < samples.size; i++) samples.data[i] = i;
  const [p0, , l0] = await run('LTXVCropGuides', { positive: cond(1), negative: cond(2), latent: { samples } });
  assert.deepEqual(l0.noise_mask.shape, [1, 1, 6, 1, 1]);
  assert.equal(p0[0][1].keyframe_idxs, undefined);
  // Two guides: keyframe start indices 4 and 4 (one guide, two rows) and 5.
  const idxs = new Tensor([1, 3, 3, 2], Float32Array.from([4, 5, 4, 5, 5, 6, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]));
  const [positive, negative, latent] = await run('LTXVCropGuides', { positive: cond(1, { keyframe_idxs: idxs }), negative: cond(2, { keyframe_idxs: idxs }), latent: { samples } });
  assert.deepEqual(latent.samples.shape, [1, 2, 4, 2, 2]);
  assert.deepEqual([...latent.samples.data.subarray(16, 20)], [24, 25, 26, 27]);
  assert.deepEqual(latent.noise_mask.shape, [1, 1, 4, 1, 1]);
  assert.equal(positive[0][1].keyframe_idxs, null);
  assert.equal(negative[0][1].keyframe_idxs, null);
});

test('LTXVPreprocess round-trips each image through a one-frame H.264 encode', { skip: noFfmpeg }, async () => {
  const image = new Tensor([2, 9, 17, 3]);
  for (let i = 0; i < image.size; i++) image.data[i] = ((i * 7) % 256) / 255;
  const [out] = await run('LTXVPreprocess', { image, img_compression: 35 });
  assert.deepEqual(out.shape, [2, 8, 16, 3]);
  const [flat] = await run('LTXVPreprocess', { image: Tensor.full([1, 16, 16, 3], 0.5), img_compression: 10 });
  assert.ok(flat.data.every((v: number) => Math.abs(v - 0.5) < 0.02));
  const [same] = await run('LTXVPreprocess', { image, img_compression: 0 });
  assert.equal(same, image);
  await assert.rejects(run('LTXVPreprocess', { image: Tensor.full([1, 4, 4, 4], 0.5), img_compression: 10 }), /3 channels/);
});
