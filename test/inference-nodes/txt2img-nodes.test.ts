// The model nodes wired together without the engine: a small random-weight SD1.5 / SD2 checkpoint through
// CheckpointLoaderSimple → CLIPTextEncode ×2 → EmptyLatentImage → KSampler → VAEDecode, plus VAEEncode,
// CLIPSetLastLayer, KSamplerAdvanced and the failure cases.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../src/inference/tensor.ts';
import { checkpointLoaderSimple } from '../../src/nodes/loaders/checkpoint-loader.ts';
import { vaeLoader } from '../../src/nodes/loaders/vae-loader.ts';
import { clipSetLastLayer, clipTextEncode } from '../../src/nodes/conditioning/clip-text-encode.ts';
import { kSampler, kSamplerAdvanced } from '../../src/nodes/sampling/ksampler.ts';
import { vaeDecode, vaeEncode } from '../../src/nodes/latent/vae-codec.ts';
import { inference } from '../../src/nodes/loaders/model-files.ts';
import { TINY_SIZES, writeTestCheckpoint } from '../../scripts/make-test-checkpoint.ts';
import { makeContext, makeServices } from '../helpers/node-context.ts';

const TOKENIZER = join(import.meta.dirname, '../../../shared/data/clip-tokenizer');

const services = makeServices({ previewMethod: 'latent2rgb', previewSize: 64 });
const run = async (node: { execute: Function }, inputs: Record<string, unknown>, ctx = makeContext(services)) =>
  (await node.execute(inputs, ctx)) as unknown[];

before(async () => {
  const base = services.paths.baseDir;
  mkdirSync(join(base, 'models/tokenizers/clip'), { recursive: true });
  for (const f of ['vocab.json', 'merges.txt']) cpSync(join(TOKENIZER, f), join(base, 'models/tokenizers/clip', f));
  await writeTestCheckpoint(join(base, 'models/checkpoints/tiny-sd15.safetensors'), { arch: 'sd15', sizes: TINY_SIZES });
  await writeTestCheckpoint(join(base, 'models/checkpoints/tiny-sd2v.safetensors'), { arch: 'sd2-v', sizes: TINY_SIZES });
  writeFileSync(join(base, 'models/checkpoints/broken.safetensors'), Buffer.from('not a safetensors file'));
});

after(async () => {
  await inference(services).store.unloadAll();
});

async function txt2img(ckpt: string, seed: number | bigint, sampler = 'euler', scheduler = 'normal') {
  const [model, clip, vae] = await run(checkpointLoaderSimple, { ckpt_name: ckpt });
  const [positive] = await run(clipTextEncode, { clip, text: 'a (photo:1.2) of a cat' });
  const [negative] = await run(clipTextEncode, { clip, text: 'blurry' });
  const latent_image = { samples: Tensor.zeros([1, 4, 8, 8]) };
  const ctx = makeContext(services);
  const [latent] = await run(kSampler, { model, seed, steps: 2, cfg: 7, sampler_name: sampler, scheduler, positive, negative, latent_image, denoise: 1 }, ctx);
  const [image] = await run(vaeDecode, { samples: latent, vae });
  return { image: image as Tensor, progress: ctx.progressCalls, latent: latent as { samples: Tensor } };
}

describe('txt2img through the model nodes', () => {
  it('makes a deterministic image, with progress and previews every step', async () => {
    const a = await txt2img('tiny-sd15.safetensors', 42);
    assert.deepEqual(a.image.shape, [1, 64, 64, 3]);
    assert.ok(a.image.data.every((v) => v >= 0 && v <= 1 && Number.isFinite(v)));
    assert.deepEqual(a.progress.map((p) => [p.value, p.max]), [[1, 2], [2, 2]]);
    assert.ok(a.progress.every((p) => p.preview?.format === 'JPEG' && p.preview.data[0] === 0xff));
    const again = await txt2img('tiny-sd15.safetensors', 42);
    assert.deepEqual(again.image.data, a.image.data);
    const other = await txt2img('tiny-sd15.safetensors', 43);
    assert.notDeepEqual(other.image.data, a.image.data);
  });

  it('treats seeds that differ only above bit 31 alike, as torch does', async () => {
    const a = await txt2img('tiny-sd15.safetensors', 7);
    const b = await txt2img('tiny-sd15.safetensors', 7n + (1n << 40n));
    assert.deepEqual(a.latent.samples.data, b.latent.samples.data);
  });

  it('runs an SD2 v-prediction checkpoint', async () => {
    const { image } = await txt2img('tiny-sd2v.safetensors', 1, 'dpmpp_2m', 'karras');
    assert.deepEqual(image.shape, [1, 64, 64, 3]);
  });

  it('CLIPSetLastLayer changes the conditioning; KSamplerAdvanced with start = end returns the input', async () => {
    const [model, clip] = await run(checkpointLoaderSimple, { ckpt_name: 'tiny-sd15.safetensors' });
    const [last] = (await run(clipTextEncode, { clip, text: 'cat' })) as [[Tensor, object][]];
    const [skipped] = await run(clipSetLastLayer, { clip, stop_at_clip_layer: -2 });
    const [penultimate] = (await run(clipTextEncode, { clip: skipped, text: 'cat' })) as [[Tensor, object][]];
    assert.notDeepEqual(last[0]![0].data, penultimate[0]![0].data);
    const samples = Tensor.full([1, 4, 8, 8], 0.5);
    const [out] = (await run(kSamplerAdvanced, {
      model, add_noise: 'enable', noise_seed: 0, steps: 4, cfg: 8, sampler_name: 'euler', scheduler: 'normal',
      positive: last, negative: last, latent_image: { samples }, start_at_step: 4, end_at_step: 10000,
      return_with_leftover_noise: 'disable',
    })) as [{ samples: Tensor }];
    assert.deepEqual(out.samples.data, samples.data);
  });

  it('encodes an image back to a latent of an eighth of its size', async () => {
    const [, , vae] = await run(checkpointLoaderSimple, { ckpt_name: 'tiny-sd15.safetensors' });
    const [latent] = (await run(vaeEncode, { vae, pixels: Tensor.full([2, 20, 36, 4], 0.5) })) as [{ samples: Tensor }];
    assert.deepEqual(latent.samples.shape, [2, 4, 2, 4]);
  });

  it('pixel_space VAE round-trips pixels', async () => {
    const [vae] = await run(vaeLoader, { vae_name: 'pixel_space' });
    const pixels = new Tensor([1, 2, 2, 3], Float32Array.from({ length: 12 }, (_, i) => i / 11));
    const [latent] = await run(vaeEncode, { vae, pixels });
    const [image] = (await run(vaeDecode, { vae, samples: latent })) as [Tensor];
    image.data.forEach((v, i) => assert.ok(Math.abs(v - pixels.data[i]!) < 1e-6));
  });

  it('fails clearly on a missing or corrupt checkpoint and an unknown sampler', async () => {
    await assert.rejects(run(checkpointLoaderSimple, { ckpt_name: 'nope.safetensors' }), /with filename 'nope.safetensors' not found/);
    await assert.rejects(run(checkpointLoaderSimple, { ckpt_name: 'broken.safetensors' }), /safetensors|header|format/i);
    await assert.rejects(txt2img('tiny-sd15.safetensors', 1, 'no_such_sampler'), /sampler_name must be one of/);
  });
});
