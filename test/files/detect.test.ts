import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import {
  checkpointLayout, FULL_SIZES, TEST_SIZES, TINY_SIZES, writeTestCheckpoint, type TestArch,
} from '../../scripts/make-test-checkpoint.ts';
import { attentionHeads, detectCheckpoint, detectUnetFile, UnknownModelError, UnsupportedModelError } from '../../src/inference/files/detect.ts';
import { detectClipFile } from '../../src/inference/files/detect-clip.ts';
import { fromFloat32 } from '../../src/inference/files/dtype.ts';
import { openWeights } from '../../src/inference/files/open-weights.ts';
import { openSafetensors } from '../../src/inference/files/safetensors.ts';
import { writeSafetensors } from '../../src/inference/files/safetensors-writer.ts';
import { makeWeightFile, type TensorRef, type WeightFile } from '../../src/inference/files/weight-file.ts';
import { FIDELITY, skipUnless, tempDir } from './helpers.ts';

/** A WeightFile of names and shapes only (full-size layouts without writing gigabytes); reads give zeros. */
function shapesOnly(specs: { name: string; shape: number[] }[]): WeightFile {
  const tensors = new Map<string, TensorRef>(specs.map((s) => [s.name, {
    name: s.name, dtype: 'F16', shape: s.shape, file: '/nonexistent', offset: 0, byteLength: 2 * s.shape.reduce((a, b) => a * b, 1),
  }]));
  return { ...makeWeightFile('/shapes-only', tensors), readFloat32: async (ref) => new Float32Array(ref.byteLength / 2) };
}

const manifest = (name: string) =>
  (JSON.parse(readFileSync(join(FIDELITY, name), 'utf8')) as { tensors: { name: string; shape: number[] }[] }).tensors;

describe('test checkpoints', () => {
  it('at full size, the SD1.5 layout equals the fidelity manifest name for name, shape for shape, in order', { skip: skipUnless(join(FIDELITY, 'sd15-manifest.json')) }, () => {
    const expected = manifest('sd15-manifest.json').map((t) => `${t.name} ${t.shape}`);
    assert.deepEqual(checkpointLayout('sd15', FULL_SIZES.sd15).map((t) => `${t.name} ${t.shape}`), expected);
  });

  it('SD2 uses the OpenCLIP-H layout and linear transformer projections', () => {
    const names = new Map(checkpointLayout('sd2', FULL_SIZES.sd2).map((t) => [t.name, t.shape]));
    assert.deepEqual(names.get('cond_stage_model.model.transformer.resblocks.23.attn.in_proj_weight'), [3072, 1024]);
    assert.deepEqual(names.get('cond_stage_model.model.text_projection'), [1024, 1024]);
    assert.deepEqual(names.get('cond_stage_model.model.logit_scale'), []);
    assert.deepEqual(names.get('model.diffusion_model.input_blocks.1.1.proj_in.weight'), [320, 320]);
    assert.deepEqual(names.get('model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight'), [320, 1024]);
    assert.equal([...names.keys()].some((n) => n.startsWith('cond_stage_model.transformer.')), false);
  });

  it('writes small files deterministically', async () => {
    const dir = tempDir('ckpt');
    await writeTestCheckpoint(join(dir, 'a.safetensors'), { arch: 'sd15', seed: 3, sizes: TINY_SIZES });
    await writeTestCheckpoint(join(dir, 'b.safetensors'), { arch: 'sd15', seed: 3, sizes: TINY_SIZES });
    const a = readFileSync(join(dir, 'a.safetensors'));
    assert.ok(a.equals(readFileSync(join(dir, 'b.safetensors'))));
    assert.ok(a.length < 20e6, `${a.length} bytes`);
    const file = await openSafetensors(join(dir, 'a.safetensors'));
    assert.equal(file.metadata.arch, 'sd15');
    const norm = await file.readFloat32(file.tensors.get('first_stage_model.decoder.norm_out.weight')!);
    assert.ok(norm.every((v) => v === 1));
    const conv = await file.readFloat32(file.tensors.get('model.diffusion_model.input_blocks.0.0.weight')!);
    const bound = 1 / Math.sqrt(4 * 9);
    assert.ok(conv.every((v) => Math.abs(v) <= bound + 1e-3) && conv.some((v) => Math.abs(v) > bound / 2));
  });
});

describe('checkpoint detection', () => {
  const files = new Map<TestArch, string>();
  before(async () => {
    const dir = tempDir('detect');
    for (const arch of ['sd15', 'sd2', 'sd2-v'] as const) {
      files.set(arch, join(dir, `${arch}.safetensors`));
      await writeTestCheckpoint(files.get(arch)!, { arch, sizes: TEST_SIZES });
    }
  });

  it('detects the generated SD1.5 checkpoint from its shapes', async () => {
    const c = await detectCheckpoint(await openWeights(files.get('sd15')!));
    assert.equal(c.family, 'sd15');
    assert.equal(c.prediction, 'eps');
    const { num_heads, num_head_channels, ...structure } = c.unet;
    assert.deepEqual(structure, {
      in_channels: 4, out_channels: 4, model_channels: 32, channel_mult: [1, 2, 4, 4], num_res_blocks: [2, 2, 2, 2],
      transformer_depth: [1, 1, 1, 1, 1, 1, 0, 0], transformer_depth_output: [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
      transformer_depth_middle: 1, attention_resolutions: [1, 2, 4], context_dim: 64, use_linear_in_transformer: false,
      adm_in_channels: null, temporal: false,
    });
    assert.deepEqual([num_heads, num_head_channels], [8, -1]);
    assert.deepEqual(attentionHeads(c.unet, 32), { heads: 8, headDim: 4 });
    const clip = c.clip!;
    assert.deepEqual([clip.type, clip.format, clip.width, clip.layers, clip.heads, clip.intermediate, clip.vocab, clip.positions],
      ['clip-l', 'hf', 64, 2, 1, 256, 49408, 77]);
    assert.deepEqual([clip.activation, clip.padToken, clip.defaultLayer, clip.finalNorm], ['quick_gelu', 49407, -1, true]);
    assert.ok(clip.tensors.has('text_model.encoder.layers.1.self_attn.q_proj.weight'));
    const vae = c.vae!;
    assert.deepEqual([vae.ch, vae.ch_mult, vae.num_res_blocks, vae.z_channels, vae.hasQuantConv], [32, [1, 2, 4, 4], 2, 4, true]);
    assert.deepEqual(c.prefixes, { unet: 'model.diffusion_model.', vae: 'first_stage_model.', clip: 'cond_stage_model.transformer.' });
  });

  it('detects SD2 eps and v-prediction by the norm1 bias marker', async () => {
    for (const [arch, prediction] of [['sd2', 'eps'], ['sd2-v', 'v']] as const) {
      const c = await detectCheckpoint(await openWeights(files.get(arch)!));
      assert.deepEqual([c.family, c.prediction], ['sd2', prediction], arch);
      assert.equal(c.unet.use_linear_in_transformer, true);
      assert.deepEqual([c.unet.num_heads, c.unet.num_head_channels], [-1, 64]);
      assert.deepEqual(attentionHeads(c.unet, 128), { heads: 2, headDim: 64 });
      const clip = c.clip!;
      assert.deepEqual([clip.type, clip.format, clip.activation, clip.padToken, clip.defaultLayer], ['clip-h', 'open_clip', 'gelu', 0, -2]);
      assert.equal(c.prefixes.clip, 'cond_stage_model.model.');
    }
  });

  it('exposes OpenCLIP weights under HF names; q/k/v are row blocks of in_proj', async () => {
    const file = await openWeights(files.get('sd2')!);
    const clip = (await detectCheckpoint(file)).clip!;
    const fused = await file.readFloat32(file.tensors.get('cond_stage_model.model.transformer.resblocks.1.attn.in_proj_weight')!);
    const k = await file.readFloat32(clip.tensors.get('text_model.encoder.layers.1.self_attn.k_proj.weight')!);
    assert.deepEqual(clip.tensors.get('text_model.encoder.layers.1.self_attn.k_proj.weight')!.shape, [64, 64]);
    assert.deepEqual(Array.from(k), Array.from(fused.slice(64 * 64, 2 * 64 * 64)));
    const vBias = await file.readFloat32(clip.tensors.get('text_model.encoder.layers.0.self_attn.v_proj.bias')!);
    assert.equal(vBias.length, 64);
    for (const name of ['text_model.embeddings.token_embedding.weight', 'text_model.embeddings.position_embedding.weight',
      'text_model.final_layer_norm.weight', 'text_model.encoder.layers.0.layer_norm1.bias', 'text_model.encoder.layers.0.mlp.fc2.weight',
      'text_model.encoder.layers.0.self_attn.out_proj.weight', 'text_projection']) assert.ok(clip.tensors.has(name), name);
    assert.equal(detectClipFile(new Map([...file.tensors].filter(([n]) => n.startsWith('cond_stage_model.model.'))
      .map(([n, r]) => [n.slice('cond_stage_model.model.'.length), r]))).type, 'clip-h');
  });

  it('detects full-size SD1.5 and SD2 layouts as ComfyUI does', async () => {
    const sd15 = await detectCheckpoint(shapesOnly(checkpointLayout('sd15', FULL_SIZES.sd15)));
    assert.deepEqual([sd15.family, sd15.unet.model_channels, sd15.unet.context_dim, sd15.clip!.layers, sd15.clip!.heads, sd15.vae!.ch],
      ['sd15', 320, 768, 12, 12, 128]);
    const sd2 = await detectCheckpoint(shapesOnly(checkpointLayout('sd2', FULL_SIZES.sd2)));
    assert.deepEqual([sd2.family, sd2.prediction, sd2.unet.context_dim, sd2.clip!.layers, sd2.clip!.heads, sd2.clip!.width],
      ['sd2', 'eps', 1024, 24, 16, 1024]);
    assert.deepEqual(attentionHeads(sd2.unet, 1280), { heads: 20, headDim: 64 });
    assert.deepEqual(attentionHeads(sd15.unet, 1280), { heads: 8, headDim: 160 });
  });

  it('detects a .ckpt test checkpoint through the torch reader, with the same weights', async () => {
    const path = join(tempDir('detect'), 'sd2-v.ckpt');
    await writeTestCheckpoint(path, { arch: 'sd2-v', sizes: TINY_SIZES, seed: 5, format: 'ckpt' });
    const ckpt = await openWeights(path);
    const c = await detectCheckpoint(ckpt);
    assert.deepEqual([c.family, c.prediction, c.unet.channel_mult, c.clip!.type], ['sd2', 'v', [1, 1, 2, 2], 'clip-h']);
    const stPath = join(tempDir('detect'), 'sd2-v.safetensors');
    await writeTestCheckpoint(stPath, { arch: 'sd2-v', sizes: TINY_SIZES, seed: 5 });
    const st = await openWeights(stPath);
    assert.deepEqual([...ckpt.tensors.keys()], [...st.tensors.keys()]);
    const name = 'model.diffusion_model.output_blocks.11.1.transformer_blocks.0.norm1.bias';
    assert.deepEqual(await ckpt.readFloat32(ckpt.tensors.get(name)!), await st.readFloat32(st.tensors.get(name)!));
  });

  it('maps legacy SD1 text-encoder keys (no text_model. level)', async () => {
    const legacy = checkpointLayout('sd15', TEST_SIZES).map((t) => ({
      ...t, name: t.name.replace('cond_stage_model.transformer.text_model.', 'cond_stage_model.transformer.'),
    }));
    const c = await detectCheckpoint(shapesOnly(legacy));
    assert.equal(c.clip!.layers, 2);
    assert.equal(c.clip!.tensors.get('text_model.final_layer_norm.weight')!.name, 'cond_stage_model.transformer.final_layer_norm.weight');
  });

  it('detects UNet-only files with or without the prefix', async () => {
    const full = await openWeights(files.get('sd2-v')!);
    const unetOnly = new Map([...full.tensors].filter(([n]) => n.startsWith('model.diffusion_model.'))
      .map(([n, r]) => [n.slice('model.diffusion_model.'.length), r]));
    const r = await detectUnetFile({ ...full, tensors: unetOnly });
    assert.deepEqual([r.family, r.prediction, r.prefix], ['sd2', 'v', '']);
  });

  it('recognises other families by name and reports them as not supported yet', { skip: skipUnless(join(FIDELITY, 'sdxl-manifest.json')) }, async () => {
    await assert.rejects(detectCheckpoint(shapesOnly(manifest('sdxl-manifest.json'))), (e: unknown) =>
      e instanceof UnsupportedModelError && /SDXL checkpoints are not supported yet/.test(e.message));
    const sd3 = shapesOnly([{ name: 'model.diffusion_model.joint_blocks.0.context_block.attn.qkv.weight', shape: [4, 4] }]);
    await assert.rejects(detectCheckpoint(sd3), /SD3 \(MMDiT\) checkpoints are not supported yet/);
    const flux = shapesOnly([{ name: 'double_blocks.0.img_attn.norm.key_norm.scale', shape: [4] }]);
    await assert.rejects(detectCheckpoint(flux), /Flux checkpoints are not supported yet/);
  });

  it('names what it found for an unknown layout', async () => {
    const path = join(tempDir('detect'), 'unknown.safetensors');
    await writeSafetensors(path, [
      { name: 'encoder.layer.0.weight', dtype: 'F32', shape: [2], data: fromFloat32([1, 2], 'F32') },
      { name: 'encoder.layer.1.weight', dtype: 'F32', shape: [2], data: fromFloat32([1, 2], 'F32') },
      { name: 'head.bias', dtype: 'F32', shape: [1], data: fromFloat32([0], 'F32') },
    ]);
    await assert.rejects(detectCheckpoint(await openWeights(path)), (e: unknown) =>
      e instanceof UnknownModelError && /no known model layout/.test(e.message) && /encoder\.layer\.\* \(2\)/.test(e.message));
    // A UNet whose structure matches no family: transformers on every level.
    const odd = checkpointLayout('sd15', TEST_SIZES).filter((t) => !t.name.includes('input_blocks.1.1.'));
    await assert.rejects(detectCheckpoint(shapesOnly(odd)), /unknown UNet layout: .*transformer_depth \[0,1,1,1,1,1,0,0\]/);
  });

  it('detects the fidelity SD1.5 checkpoint when present', { skip: skipUnless('/work/fidelity-cache/sd15_random_seed0.safetensors') }, async () => {
    const c = await detectCheckpoint(await openWeights('/work/fidelity-cache/sd15_random_seed0.safetensors'));
    assert.deepEqual([c.family, c.prediction, c.unet.model_channels, c.unet.context_dim], ['sd15', 'eps', 320, 768]);
  });
});
