// The three networks built from small generated checkpoints (real key names, reduced widths): shapes through
// one session at two sizes/batches, CLIP layer selection, embeddings and weighting, the fp16 cast path, reuse.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { openWeights } from '../../src/inference/files/open-weights.ts';
import { writeTorchFile, type TorchDict } from '../../src/inference/files/torch-writer.ts';
import { loadCheckpoint, type LoadedCheckpoint } from '../../src/inference/networks/index.ts';
import { Tensor } from '../../src/inference/tensor.ts';
import { TINY_SIZES, writeTestCheckpoint, type TestArch } from '../../scripts/make-test-checkpoint.ts';
import { maxAbsDiff, randomValues, tempDir, testRuntime } from './helpers.ts';

const START = 49406;
const END = 49407;

function tokens(words: number[], pad: number): number[] {
  const t = [START, ...words, END];
  return [...t, ...Array<number>(77 - t.length).fill(pad)];
}

function random(shape: number[], seed: number): Tensor {
  return new Tensor(shape, randomValues(shape.reduce((a, b) => a * b, 1), seed));
}

const finite = (t: Tensor) => t.data.every(Number.isFinite);

async function checkpoint(arch: TestArch, dtype: 'F16' | 'F32' = 'F16', dir = tempDir()) {
  const path = join(dir, `${arch}-${dtype}.safetensors`);
  await writeTestCheckpoint(path, { arch, dtype, seed: 3, sizes: TINY_SIZES });
  return { path, dir };
}

for (const arch of ['sd15', 'sd2'] as const) {
  describe(`${arch} test checkpoint`, () => {
    let m: LoadedCheckpoint;
    let file: { path: string; dir: string };
    const runtime = testRuntime();
    before(async () => {
      file = await checkpoint(arch);
      m = await loadCheckpoint(file.path, runtime);
    });

    test('CLIP: hidden states per layer, pooled at the first end token, batches of 1 and 2', async () => {
      const c = m.config.clip!;
      const pad = c.padToken;
      const a = tokens([320, 1125, 539], pad);
      const b = tokens([21977, 267], pad);
      const one = await m.clip!.encodeSequences([{ tokens: a }], { layer: -1 });
      assert.deepEqual(one.hidden.shape, [1, 77, c.width]);
      assert.deepEqual(one.pooled.shape, [1, c.width]);
      assert.ok(finite(one.hidden));
      // With the final norm on the last layer, pooled is that output's row at the first end token (index 4).
      assert.ok(maxAbsDiff(one.pooled.data, one.hidden.data.subarray(4 * c.width, 5 * c.width)) < 1e-6);
      const two = await m.clip!.encodeSequences([{ tokens: b }, { tokens: a }], { layer: -1 });
      assert.deepEqual(two.hidden.shape, [2, 77, c.width]);
      assert.ok(maxAbsDiff(two.hidden.sliceBatch(1, 2).data, one.hidden.data) < 1e-5);
      const skip = await m.clip!.encodeSequences([{ tokens: a }], { layer: -2 });
      assert.ok(maxAbsDiff(skip.hidden.data, one.hidden.data) > 1e-3);
      assert.ok(maxAbsDiff(skip.pooled.data, one.pooled.data) < 1e-6, 'pooled always comes from the last layer');
      // Beyond the layer count means the last layer.
      const far = await m.clip!.encodeSequences([{ tokens: a }], { layer: -30 });
      assert.ok(maxAbsDiff(far.hidden.data, one.hidden.data) < 1e-6);
      const raw = await m.clip!.encodeSequences([{ tokens: a }], { layer: -1, finalNorm: false });
      assert.ok(maxAbsDiff(raw.hidden.data, one.hidden.data) > 1e-3);
      assert.equal(one.pooledProjected !== undefined, arch === 'sd2', 'OpenCLIP files carry a text projection');
      // The encoder's own default: SD1 last layer, SD2 penultimate.
      const dflt = await m.clip!.encodeSequences([{ tokens: a }]);
      assert.ok(maxAbsDiff(dflt.hidden.data, (arch === 'sd15' ? one : skip).hidden.data) < 1e-6);
    });

    test('CLIP: an embedding vector replaces a token; positions before it are unchanged (causal)', async () => {
      const c = m.config.clip!;
      const a = tokens([320, 1125, 539], c.padToken);
      const vector = randomValues(c.width, 5);
      const plain = await m.clip!.encodeSequences([{ tokens: a }], { layer: -1 });
      const embedded = await m.clip!.encodeSequences([{ tokens: a, embeddings: [{ position: 2, vector }] }], { layer: -1 });
      const w = c.width;
      assert.ok(maxAbsDiff(embedded.hidden.data.subarray(0, 2 * w), plain.hidden.data.subarray(0, 2 * w)) < 1e-6);
      assert.ok(maxAbsDiff(embedded.hidden.data.subarray(2 * w, 3 * w), plain.hidden.data.subarray(2 * w, 3 * w)) > 1e-3);
      const wrongWidth = await m.clip!.encodeSequences([{ tokens: a, embeddings: [{ position: 2, vector: vector.slice(1) }] }], { layer: -1 });
      assert.ok(maxAbsDiff(wrongWidth.hidden.data, plain.hidden.data) < 1e-6, 'vectors of the wrong width are ignored');
    });

    test('CLIP: chunked, weighted encoding follows z = (z − z_empty)·w + z_empty', async () => {
      const c = m.config.clip!;
      const a = tokens([320, 1125, 539], c.padToken);
      const b = tokens([2368], c.padToken);
      const ones = Array<number>(77).fill(1);
      const plain = await m.clip!.encode([{ tokens: a, weights: ones }, { tokens: b, weights: ones }]);
      assert.deepEqual(plain.cond.shape, [1, 154, c.width]);
      assert.deepEqual(plain.pooled.shape, [1, c.width]);
      const weights = [...ones];
      weights[2] = 1.5;
      const weighted = await m.clip!.encode([{ tokens: a, weights }]);
      const empty = [START, END, ...Array<number>(75).fill(c.padToken)];
      const both = await m.clip!.encodeSequences([{ tokens: a }, { tokens: empty }]);
      const w = c.width;
      const expected = Float32Array.from(both.hidden.data.subarray(0, 77 * w));
      for (let d = 0; d < w; d++) {
        const z = expected[2 * w + d]!;
        const ze = both.hidden.data[77 * w + 2 * w + d]!;
        expected[2 * w + d] = (z - ze) * 1.5 + ze;
      }
      assert.ok(maxAbsDiff(weighted.cond.data, expected) < 1e-5);
      assert.ok(maxAbsDiff(weighted.cond.data.subarray(0, 2 * w), plain.cond.data.subarray(0, 2 * w)) < 1e-5);
      assert.ok(maxAbsDiff(weighted.pooled.data, plain.pooled.data) < 1e-5);
    });

    test('UNet: one session runs different sizes (any, not only multiples of 8) and batches; timestep and context matter', async () => {
      const ctxDim = m.config.unet.context_dim!;
      const small = await m.unet!.apply(random([1, 4, 8, 8], 1), [999], random([1, 77, ctxDim], 2));
      assert.deepEqual(small.shape, [1, 4, 8, 8]);
      assert.ok(finite(small));
      const big = await m.unet!.apply(random([2, 4, 16, 24], 3), [10, 500], random([1, 154, ctxDim], 4));
      assert.deepEqual(big.shape, [2, 4, 16, 24]);
      assert.ok(finite(big));
      const again = await m.unet!.apply(random([1, 4, 8, 8], 1), [500], random([1, 77, ctxDim], 2));
      assert.ok(maxAbsDiff(again.data, small.data) > 1e-4);
      // Sizes that are not multiples of 8 work as in ComfyUI: each upsampling goes to the size of the skip it meets.
      const odd = await m.unet!.apply(random([1, 4, 13, 9], 1), [1], random([1, 77, ctxDim], 2));
      assert.deepEqual(odd.shape, [1, 4, 13, 9]);
      assert.ok(finite(odd));
    });

    test('VAE: decode to [B, 8h, 8w, 3] in 0..1, encode to the latent mean (centre-cropped to multiples of 8)', async () => {
      const image = await m.vae!.decode(random([1, 4, 4, 6], 6));
      assert.deepEqual(image.shape, [1, 32, 48, 3]);
      assert.ok(image.data.every((v) => v >= 0 && v <= 1));
      const raw = await m.vae!.decodeRaw(random([1, 4, 4, 6], 6));
      const clamped = raw.data.map((v) => Math.min(1, Math.max(0, (v + 1) / 2)));
      // raw is NCHW, image NHWC: compare one pixel's channels.
      for (let ch = 0; ch < 3; ch++) assert.ok(Math.abs(image.data[5 * 48 * 3 + 7 * 3 + ch]! - clamped[ch * 32 * 48 + 5 * 48 + 7]!) < 1e-6);
      const two = await m.vae!.decode(random([2, 4, 3, 2], 7));
      assert.deepEqual(two.shape, [2, 24, 16, 3]);
      const pixels = new Tensor([1, 37, 42, 3], randomValues(37 * 42 * 3, 8).map((v) => (v + 1) / 2));
      const latent = await m.vae!.encode(pixels);
      assert.deepEqual(latent.shape, [1, 4, 4, 5]);
      const moments = await m.vae!.encodeMoments(pixels);
      assert.deepEqual(moments.shape, [1, 8, 4, 5]);
      assert.ok(maxAbsDiff(latent.data, moments.data.subarray(0, 4 * 20)) < 1e-7);
      const rgba = new Tensor([1, 37, 42, 4]);
      for (let p = 0; p < 37 * 42; p++) rgba.data.set([...pixels.data.subarray(p * 3, p * 3 + 3), 0.5], p * 4);
      assert.deepEqual(Array.from((await m.vae!.encode(rgba)).data), Array.from(latent.data), 'alpha is dropped');
    });

    test('a second load reuses every cached graph', async () => {
      const again = await loadCheckpoint(file.path, runtime);
      assert.equal(again.unet!.graph.reused, true);
      assert.equal(again.clip!.graph.reused, true);
      assert.equal(again.unet!.graph.path, m.unet!.graph.path);
      await again.release();
    });
  });
}

test('a torch zip .ckpt loads through the same path (external data inside the stored zip entries)', async () => {
  const dir = tempDir();
  const runtime = testRuntime(dir);
  const { path } = await checkpoint('sd15', 'F16', dir);
  const st = await openWeights(path);
  const state: TorchDict = {};
  for (const [name, ref] of st.tensors) state[name] = { dtype: ref.dtype, shape: ref.shape, data: await st.readBytes(ref) };
  const ckpt = join(dir, 'sd15.ckpt');
  await writeTorchFile(ckpt, { state_dict: state });
  const outputs: Tensor[] = [];
  for (const file of [path, ckpt]) {
    const m = await loadCheckpoint(file, runtime, { unet: true, vae: true });
    outputs.push(await m.unet!.apply(random([1, 4, 8, 8], 1), [300], random([1, 77, m.config.unet.context_dim!], 2)));
    outputs.push(await m.vae!.decode(random([1, 4, 2, 2], 3)));
    await m.release();
  }
  assert.deepEqual(Array.from(outputs[2]!.data), Array.from(outputs[0]!.data));
  assert.deepEqual(Array.from(outputs[3]!.data), Array.from(outputs[1]!.data));
});

test('fp16 and fp32 copies of a checkpoint give nearly the same UNet output (the cast path)', async () => {
  const dir = tempDir();
  const runtime = testRuntime(dir);
  const out: Tensor[] = [];
  for (const dtype of ['F16', 'F32'] as const) {
    const { path } = await checkpoint('sd15', dtype, dir);
    const m = await loadCheckpoint(path, runtime, { unet: true });
    out.push(await m.unet!.apply(random([1, 4, 8, 8], 1), [700], random([1, 77, m.config.unet.context_dim!], 2)));
    await m.release();
  }
  const scale = Math.max(...out[1]!.data.map(Math.abs));
  assert.ok(maxAbsDiff(out[0]!.data, out[1]!.data) < 0.02 * scale);
  assert.ok(maxAbsDiff(out[0]!.data, out[1]!.data) > 0, 'fp16 rounding shows');
});
