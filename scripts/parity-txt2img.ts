// The whole-run part of `npm run parity`: ComfyUI's 64×64 txt2img on the fidelity checkpoint (trace in
// /work/shared/fidelity/txt2img_64_seed42_trace.safetensors). Two passes:
// 1. the pieces through the model nodes' own code paths — tokens, conditioning, noise, sigmas, the sampler
//    state after every step, the final latent and the decoded image — each compared with the trace;
// 2. the workflow file as ComfyUI ran it, through the real engine and SaveImage, and the PNG it writes compared
//    with ComfyUI's PNG by PSNR (goal ≥ 60 dB; a faithful float32 implementation lands near 86 dB).
import { cpSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createEngine } from '../src/engine/engine.ts';
import { openSafetensors } from '../src/inference/files/safetensors.ts';
import { diffusionModelOf, inferenceFor, openCheckpoint } from '../src/inference/models/sd-models.ts';
import { commonKSampler, ksamplerSigmas, prepareNoise } from '../src/inference/sampling/index.ts';
import { Tensor } from '../src/inference/tensor.ts';
import { builtinNodes } from '../src/nodes/builtin.ts';
import type { NodeServices } from '../src/nodes/node-definition.ts';
import { NodeRegistry } from '../src/nodes/registry.ts';
import { createFolderPaths } from '../src/storage/folder-paths.ts';
import type { Figure } from './parity.ts';

export const PSNR_GOAL_DB = 60;
const CHECKPOINT_NAME = 'sd15_random_fp16.safetensors';

function compareArrays(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>): Figure {
  if (actual.length !== expected.length) throw new Error(`${name}: ${actual.length} values vs ${expected.length} in the trace`);
  let maxAbs = 0;
  let num = 0;
  let den = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = actual[i]! - expected[i]!;
    maxAbs = Math.max(maxAbs, Math.abs(d));
    num += d * d;
    den += expected[i]! ** 2;
  }
  return { name, maxAbs, relative: Math.sqrt(num / (den || 1)) };
}

/** PSNR in dB between two 8-bit images of the same size. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`images differ in size: ${a.length} vs ${b.length} bytes`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  const mse = sum / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** A base folder with the checkpoint linked in under the workflow's name and the CLIP tokenizer copied in. */
function makeBase(checkpoint: string, goldensDir: string): string {
  const base = mkdtempSync(join(tmpdir(), 'comfy-ts-parity-'));
  mkdirSync(join(base, 'models/checkpoints'), { recursive: true });
  linkSync(checkpoint, join(base, 'models/checkpoints', CHECKPOINT_NAME));
  cpSync(join(goldensDir, '../data/clip-tokenizer'), join(base, 'models/tokenizers/clip'), { recursive: true });
  return base;
}

async function tracedPieces(services: NodeServices, trace: (name: string) => Promise<Tensor>): Promise<Figure[]> {
  const path = services.paths.resolveModel('checkpoints', CHECKPOINT_NAME)!;
  const { model, clip, vae } = await openCheckpoint(inferenceFor(services.shared, services.paths, { cpu: true }), path, CHECKPOINT_NAME);
  const figures: Figure[] = [];
  const encode = async (text: string, prefix: string) => {
    const chunks = await clip!.tokenize(text);
    figures.push(compareArrays(`${prefix} tokens`, chunks[0]!.tokens, (await trace(`${prefix}_tokens`)).data));
    const { cond, pooled } = await (await clip!.encoder()).encode(chunks);
    figures.push(compareArrays(`${prefix} conditioning`, cond.data, (await trace(`${prefix}_cond`)).data));
    figures.push(compareArrays(`${prefix} pooled`, pooled.data, (await trace(`${prefix}_pooled`)).data));
    return [[cond, { pooled_output: pooled }] as const];
  };
  const positive = await encode('a photo of a cat', 'pos');
  const negative = await encode('blurry, low quality', 'neg');
  const shape = [1, 4, 8, 8];
  figures.push(compareArrays('noise', prepareNoise(shape, 42), (await trace('noise')).data));
  figures.push(compareArrays('sigmas', ksamplerSigmas(model.modelSampling, 'normal', 'euler', 4, 1), (await trace('sigmas')).data));
  const xs = (await trace('x')).data;
  const denoisedTrace = (await trace('denoised')).data;
  const step = 4 * 8 * 8;
  const out = await commonKSampler({
    model: diffusionModelOf(model), seed: 42, steps: 4, cfg: 8, samplerName: 'euler', scheduler: 'normal',
    positive, negative, latent: { samples: Tensor.zeros(shape) },
    // As in k-diffusion, the callback sees the state a step starts from (trace x[i]) and its prediction.
    onStep: ({ i, x, denoised }) => {
      figures.push(compareArrays(`sampler state at step ${i}`, x, xs.subarray(i * step, (i + 1) * step)));
      figures.push(compareArrays(`denoised at step ${i}`, denoised, denoisedTrace.subarray(i * step, (i + 1) * step)));
    },
  });
  figures.push(compareArrays('final latent', out.samples.data, (await trace('final_latent')).data));
  const image = await vae!.decode(out.samples);
  figures.push(compareArrays('decoded image', image.data, (await trace('decoded_image')).data));
  return figures;
}

/** Runs the workflow through the engine and returns the PNG's PSNR against ComfyUI's. */
async function workflowPsnr(services: NodeServices, registry: NodeRegistry, goldensDir: string): Promise<number> {
  const engine = createEngine({ registry, services, cache: { mode: 'classic' }, log: () => {} });
  try {
    const prompt = JSON.parse(readFileSync(join(goldensDir, 'txt2img_64_seed42.workflow.json'), 'utf8'));
    const submitted = await engine.submit({ prompt });
    if (!submitted.ok) throw new Error(`the workflow did not validate: ${JSON.stringify(submitted)}`);
    const entry = await engine.waitFor(submitted.prompt_id);
    const images = Object.values(entry.outputs).flatMap((o) => (o.images ?? []) as { filename: string; subfolder: string }[]);
    if (!entry.status.completed || images.length !== 1) throw new Error(`the workflow failed: ${JSON.stringify(entry.status)}`);
    const ours = join(services.paths.outputDir, images[0]!.subfolder, images[0]!.filename);
    const pixels = async (file: string) => new Uint8Array((await sharp(file).removeAlpha().raw().toBuffer()).buffer);
    return psnr(await pixels(ours), await pixels(join(goldensDir, 'txt2img_64_seed42.png')));
  } finally {
    await engine.close();
  }
}

export async function checkTxt2img(checkpoint: string, goldensDir: string): Promise<{ figures: Figure[]; psnrDb: number }> {
  const base = makeBase(checkpoint, goldensDir);
  try {
    const paths = createFolderPaths({ baseDir: base });
    const services: NodeServices = {
      paths, options: { disableMetadata: false, previewMethod: 'none', previewSize: 512, cpu: true }, shared: new Map(),
    };
    const registry = new NodeRegistry(services);
    registry.registerAll(builtinNodes());
    const traceFile = await openSafetensors(join(goldensDir, 'txt2img_64_seed42_trace.safetensors'));
    const trace = async (name: string) => {
      const ref = traceFile.tensors.get(name);
      if (!ref) throw new Error(`the trace has no tensor ${name}`);
      return new Tensor(ref.shape, await traceFile.readFloat32(ref));
    };
    const figures = await tracedPieces(services, trace);
    const psnrDb = await workflowPsnr(services, registry, goldensDir);
    await inferenceFor(services.shared, paths, { cpu: true }).unload();
    return { figures, psnrDb };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
