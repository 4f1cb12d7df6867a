// Results of the model-free conditioning nodes on small tensors, against values worked out from ComfyUI's
// definitions (nodes.py, comfy_extras): list operations, float32 blends, the option keys the sampler reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/inference/tensor.ts';
import { conditioningNodes } from '../../src/nodes/conditioning/index.ts';
import { makeContext } from '../helpers/node-context.ts';

const f = Math.fround;
type Entry = [Tensor, Record<string, any>];

async function run(name: string, inputs: Record<string, unknown>): Promise<any[]> {
  const node = conditioningNodes.find((n) => n.name === name)!;
  return (await node.execute(inputs, makeContext())) as any[];
}

const tensor = (shape: number[], values: number[]) => new Tensor(shape, Float32Array.from(values));
const cond = (values: number[], tokens: number, options: Record<string, unknown> = {}): Entry[] => [[tensor([1, tokens, 2], values), options]];

test('ConditioningCombine concatenates the lists', async () => {
  const a = cond([1, 2], 1);
  const b = [...cond([3, 4], 1), ...cond([5, 6], 1)];
  const [out] = await run('ConditioningCombine', { conditioning_1: a, conditioning_2: b });
  assert.equal(out.length, 3);
  assert.equal(out[0][0], a[0]![0]);
  assert.equal(out[2][0], b[1]![0]);
});

test('ConditioningAverage blends tokens (truncating or zero-padding the source) and pooled outputs', async () => {
  const pooledTo = tensor([1, 2], [1, 1]);
  const pooledFrom = tensor([1, 2], [3, 5]);
  const to = cond([1, 2, 3, 4], 2, { pooled_output: pooledTo, width: 8 });
  const from = cond([10, 20, 30, 40, 50, 60], 3, { pooled_output: pooledFrom });
  const [[[t, options]]] = await run('ConditioningAverage', { conditioning_to: to, conditioning_from: from, conditioning_to_strength: 0.25 });
  const mix = (a: number, b: number) => f(f(a * f(0.25)) + f(b * f(0.75)));
  assert.deepEqual([...t.data], [mix(1, 10), mix(2, 20), mix(3, 30), mix(4, 40)]);
  assert.deepEqual([...options.pooled_output.data], [mix(1, 3), mix(1, 5)]);
  assert.equal(options.width, 8);
  assert.equal(to[0]![1].pooled_output, pooledTo, 'the input entry is not modified');

  const [[[padded, paddedOptions]]] = await run('ConditioningAverage', { conditioning_to: to, conditioning_from: cond([10, 20], 1), conditioning_to_strength: 0.5 });
  assert.deepEqual([...padded.data], [5.5, 11, 1.5, 2]);
  assert.equal(paddedOptions.pooled_output, pooledTo, 'no pooled output to blend with');

  const [[[, pooledOnlyFrom]]] = await run('ConditioningAverage', { conditioning_to: cond([1, 2], 1), conditioning_from: from, conditioning_to_strength: 0.5 });
  assert.deepEqual([...pooledOnlyFrom.pooled_output.data], [3, 5], 'to without pooled output blends the source with itself');
});

test('ConditioningConcat appends the first source entry along the tokens', async () => {
  const to = [...cond([1, 2], 1, { a: 1 }), ...cond([3, 4], 1)];
  const [out] = await run('ConditioningConcat', { conditioning_to: to, conditioning_from: cond([7, 8, 9, 10], 2) });
  assert.deepEqual(out[0][0].shape, [1, 3, 2]);
  assert.deepEqual([...out[0][0].data], [1, 2, 7, 8, 9, 10]);
  assert.deepEqual([...out[1][0].data], [3, 4, 7, 8, 9, 10]);
  assert.deepEqual(out[0][1], { a: 1 });
  await assert.rejects(async () => run('ConditioningConcat', { conditioning_to: to, conditioning_from: [] }), /list index out of range/);
  await assert.rejects(async () => run('ConditioningConcat', { conditioning_to: to, conditioning_from: [[tensor([1, 1, 3], [1, 2, 3]), {}]] }), /Sizes of tensors must match/);
});

test('area, strength and mask options', async () => {
  const c = cond([1, 2], 1, { pooled_output: null });
  const [[[, area]]] = await run('ConditioningSetArea', { conditioning: c, width: 100, height: 64, x: 15, y: 8, strength: 0.5 });
  assert.deepEqual(area, { pooled_output: null, area: [8, 12, 1, 1], strength: 0.5, set_area_to_bounds: false });
  const [[[, pct]]] = await run('ConditioningSetAreaPercentage', { conditioning: c, width: 0.5, height: 0.25, x: 0.1, y: 0.2, strength: 2 });
  assert.deepEqual(pct.area, ['percentage', 0.25, 0.5, 0.2, 0.1]);
  const [[[, video]]] = await run('ConditioningSetAreaPercentageVideo', { conditioning: c, width: 0.5, height: 0.25, temporal: 1, x: 0.1, y: 0.2, z: 0.3, strength: 1 });
  assert.deepEqual(video.area, ['percentage', 1, 0.25, 0.5, 0.3, 0.2, 0.1]);
  const [[[, strength]]] = await run('ConditioningSetAreaStrength', { conditioning: c, strength: 3 });
  assert.deepEqual(strength, { pooled_output: null, strength: 3 });
  const mask = tensor([2, 2], [0, 1, 1, 0]);
  const [[[, masked]]] = await run('ConditioningSetMask', { conditioning: c, mask, strength: 0.7, set_cond_area: 'mask bounds' });
  assert.deepEqual(masked.mask.shape, [1, 2, 2]);
  assert.equal(masked.set_area_to_bounds, true);
  assert.equal(masked.mask_strength, 0.7);
  const [[[, plain]]] = await run('ConditioningSetMask', { conditioning: c, mask, strength: 1, set_cond_area: 'default' });
  assert.equal(plain.set_area_to_bounds, false);
  await assert.rejects(async () => run('ConditioningSetArea', { conditioning: 'nope', width: 64, height: 64, x: 0, y: 0, strength: 1 }), /CONDITIONING list/);
});

test('ConditioningZeroOut zeroes the tensors and keeps other options; timestep range sets percents', async () => {
  const lyrics = tensor([1, 2], [4, 4]);
  const c = cond([1, 2, 3, 4], 2, { pooled_output: tensor([1, 2], [5, 6]), conditioning_lyrics: lyrics, guidance: 3 });
  const [[[zero, options]]] = await run('ConditioningZeroOut', { conditioning: c });
  assert.deepEqual([...zero.data], [0, 0, 0, 0]);
  assert.deepEqual([...options.pooled_output.data], [0, 0]);
  assert.deepEqual([...options.conditioning_lyrics.data], [0, 0]);
  assert.equal(options.guidance, 3);
  assert.deepEqual([...c[0]![0].data], [1, 2, 3, 4], 'the input is untouched');
  const [[[, range]]] = await run('ConditioningSetTimestepRange', { conditioning: c, start: 0.2, end: 0.8 });
  assert.equal(range.start_percent, 0.2);
  assert.equal(range.end_percent, 0.8);
});

test('model-family options: guidance, reference latents, audio timing, frame rate, cascade prior', async () => {
  const c = cond([1, 2], 1);
  assert.equal((await run('FluxGuidance', { conditioning: c, guidance: 2.5 }))[0][0][1].guidance, 2.5);
  assert.equal((await run('FluxDisableGuidance', { conditioning: c }))[0][0][1].guidance, null);
  const [[[, method]]] = await run('FluxKontextMultiReferenceLatentMethod', { conditioning: c, reference_latents_method: 'uxo/uno' });
  assert.equal(method.reference_latents_method, 'uxo');
  const a = tensor([1, 4, 1, 1], [1, 2, 3, 4]);
  const b = tensor([1, 4, 1, 1], [5, 6, 7, 8]);
  const [once] = await run('ReferenceLatent', { conditioning: c, latent: { samples: a } });
  const [[[, twice]]] = await run('ReferenceLatent', { conditioning: once, latent: { samples: b } });
  assert.deepEqual(twice.reference_latents, [a, b]);
  assert.equal((await run('ReferenceLatent', { conditioning: c }))[0], c);
  const [pos, neg] = await run('ConditioningStableAudio', { positive: c, negative: c, seconds_start: 1, seconds_total: 30 });
  assert.deepEqual([pos[0][1], neg[0][1]], [{ seconds_start: 1, seconds_total: 30 }, { seconds_start: 1, seconds_total: 30 }]);
  const [ltxPos] = await run('LTXVConditioning', { positive: c, negative: c, frame_rate: 24 });
  assert.equal(ltxPos[0][1].frame_rate, 24);
  const [[[, prior]]] = await run('StableCascade_StageB_Conditioning', { conditioning: c, stage_c: { samples: a } });
  assert.equal(prior.stable_cascade_prior, a);
});

test('FluxKontextImageScale picks the closest Kontext resolution and resizes to it', async () => {
  const image = new Tensor([1, 30, 40, 3], Float32Array.from({ length: 3600 }, (_, i) => (i % 7) / 7));
  const [out] = await run('FluxKontextImageScale', { image });
  // 40/30 = 1.333…: 1184×880 (1.345) is closer than 1104×944 (1.169) and 1248×832 (1.5).
  assert.deepEqual(out.shape, [1, 880, 1184, 3]);
  const [square] = await run('FluxKontextImageScale', { image: new Tensor([1, 8, 8, 3]) });
  assert.deepEqual(square.shape, [1, 1024, 1024, 3]);
});
