// Compares comfy-ts's networks with ComfyUI's goldens (/work/shared/fidelity, see its README) on the SD1.5
// random-weight checkpoint: CLIP hidden states (last layer and clip skip −2, pooled), one UNet evaluation (the
// batch-of-2 first step), VAE decode and VAE encode, then the whole txt2img run (scripts/parity-txt2img.ts). Prints max abs diff and relative error (‖a − b‖ / ‖b‖) per
// figure; the goal is a relative error under 1e-3. One network is loaded at a time (memory).
//
//   node --import tsx scripts/parity.ts [--checkpoint FILE] [--goldens DIR] [--cache DIR] [--only clip,unet,vae,txt2img]
//
// The checkpoint: `python3 /work/shared/fidelity/make_random_checkpoint.py FILE --seed 0` (2.1 GB, keep it out
// of the repository). Defaults: $COMFY_TS_FIDELITY_CHECKPOINT, else /work/fidelity-cache/sd15_random_seed0.safetensors.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openSafetensors } from '../src/inference/files/safetensors.ts';
import type { WeightFile } from '../src/inference/files/weight-file.ts';
import { loadCheckpoint, type LoadedCheckpoint } from '../src/inference/networks/index.ts';
import { GraphCache } from '../src/inference/onnx/cache.ts';
import type { NetworkRuntime } from '../src/inference/onnx/network-graph.ts';
import { Tensor } from '../src/inference/tensor.ts';
import { checkTxt2img, PSNR_GOAL_DB } from './parity-txt2img.ts';

export const DEFAULT_CHECKPOINT = process.env.COMFY_TS_FIDELITY_CHECKPOINT ?? '/work/fidelity-cache/sd15_random_seed0.safetensors';
export const DEFAULT_GOLDENS = process.env.COMFY_TS_FIDELITY_DIR ?? '/work/shared/fidelity';
export const RELATIVE_GOAL = 1e-3;

export interface Figure {
  name: string;
  maxAbs: number;
  relative: number;
}

/** Max abs difference and ‖a − b‖ / ‖b‖ (b is the reference). */
export function compare(name: string, actual: Tensor, expected: Tensor): Figure {
  if (actual.size !== expected.size) throw new Error(`${name}: shape [${actual.shape}] vs golden [${expected.shape}]`);
  let maxAbs = 0;
  let num = 0;
  let den = 0;
  for (let i = 0; i < actual.size; i++) {
    const d = actual.data[i]! - expected.data[i]!;
    maxAbs = Math.max(maxAbs, Math.abs(d));
    num += d * d;
    den += expected.data[i]! ** 2;
  }
  return { name, maxAbs, relative: Math.sqrt(num / (den || 1)) };
}

class Goldens {
  private constructor(private readonly file: WeightFile) {}

  static async open(path: string): Promise<Goldens> {
    return new Goldens(await openSafetensors(path));
  }

  async get(name: string): Promise<Tensor> {
    const ref = this.file.tensors.get(name);
    if (!ref) throw new Error(`${this.file.path} has no tensor ${name}`);
    return new Tensor(ref.shape, await this.file.readFloat32(ref));
  }
}

export type Part = 'clip' | 'unet' | 'vae';
export const PARTS: readonly Part[] = ['clip', 'unet', 'vae'];

/** Loads one part of the checkpoint, compares it with its goldens, releases it. */
export async function checkPart(part: Part, checkpoint: string, goldensDir: string, runtime: NetworkRuntime): Promise<Figure[]> {
  const loaded = await loadCheckpoint(await openSafetensors(checkpoint), runtime, { [part]: true });
  try {
    return await PART_CHECKS[part](loaded, goldensDir);
  } finally {
    await loaded.release();
  }
}

const PART_CHECKS: Record<Part, (m: LoadedCheckpoint, dir: string) => Promise<Figure[]>> = {
  async clip(m, dir) {
    const g = await Goldens.open(join(dir, 'clip_l_hidden.safetensors'));
    const tokens = Array.from((await g.get('tokens')).data);
    const last = await m.clip!.encodeSequences([{ tokens }], { layer: -1 });
    const skip2 = await m.clip!.encodeSequences([{ tokens }], { layer: -2 });
    return [
      compare('clip hidden, last layer', last.hidden, await g.get('hidden_last')),
      compare('clip pooled, last layer', last.pooled, await g.get('pooled_last')),
      compare('clip hidden, clip skip -2', skip2.hidden, await g.get('hidden_skip2')),
      compare('clip pooled, clip skip -2', skip2.pooled, await g.get('pooled_skip2')),
    ];
  },
  async unet(m, dir) {
    const g = await Goldens.open(join(dir, 'unet_step0.safetensors'));
    const x = await g.get('unet_input');
    // ComfyUI's batch order: [negative, positive].
    const eps = await m.unet!.apply(
      Tensor.concatBatch([x, x]), (await g.get('timestep')).data,
      Tensor.concatBatch([await g.get('context_neg'), await g.get('context_pos')]),
    );
    return [
      compare('unet eps, negative (batch of 2)', eps.sliceBatch(0, 1), await g.get('eps_neg')),
      compare('unet eps, positive (batch of 2)', eps.sliceBatch(1, 2), await g.get('eps_pos')),
    ];
  },
  async vae(m, dir) {
    const g = await Goldens.open(join(dir, 'vae.safetensors'));
    const latent = await g.get('decode_latent');
    const pixels = await g.get('encode_pixels');
    return [
      compare('vae decode, raw', await m.vae!.decodeRaw(latent), await g.get('decode_raw')),
      compare('vae decode, image', await m.vae!.decode(latent), await g.get('decode_image')),
      compare('vae encode, moments', await m.vae!.encodeMoments(pixels), await g.get('encode_moments')),
      compare('vae encode, latent', await m.vae!.encode(pixels), await g.get('encode_latent')),
    ];
  },
};

export function formatFigure(f: Figure): string {
  const verdict = f.relative <= RELATIVE_GOAL ? 'ok' : 'FAIL';
  return `${f.name.padEnd(34)} max abs ${f.maxAbs.toExponential(3).padStart(10)}  relative ${f.relative.toExponential(3).padStart(10)}  ${verdict}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      checkpoint: { type: 'string', default: DEFAULT_CHECKPOINT },
      goldens: { type: 'string', default: DEFAULT_GOLDENS },
      cache: { type: 'string' },
      only: { type: 'string' },
      cpu: { type: 'boolean', default: false },
    },
  });
  const checkpoint = values.checkpoint!;
  if (!existsSync(checkpoint)) {
    console.error(`no checkpoint at ${checkpoint}: write it with\n  python3 ${DEFAULT_GOLDENS}/make_random_checkpoint.py ${checkpoint} --seed 0`);
    process.exit(2);
  }
  const parts = values.only ? values.only.split(',') : [...PARTS, 'txt2img'];
  const runtime: NetworkRuntime = { cache: new GraphCache(values.cache ?? join(dirname(checkpoint), 'onnx-cache')), cpu: values.cpu };
  let failed = 0;
  for (const part of parts) {
    const t0 = performance.now();
    let figures: Figure[];
    if (part === 'txt2img') {
      const run = await checkTxt2img(checkpoint, values.goldens!);
      figures = run.figures;
      const ok = run.psnrDb >= PSNR_GOAL_DB;
      console.log(`${'txt2img PNG vs ComfyUI'.padEnd(34)} PSNR ${run.psnrDb.toFixed(2)} dB (goal ${PSNR_GOAL_DB} dB)  ${ok ? 'ok' : 'FAIL'}`);
      if (!ok) failed++;
    } else if ((PARTS as readonly string[]).includes(part)) {
      figures = await checkPart(part as Part, checkpoint, values.goldens!, runtime);
    } else {
      throw new Error(`unknown part ${part} (${[...PARTS, 'txt2img'].join(', ')})`);
    }
    for (const f of figures) {
      console.log(formatFigure(f));
      if (!(f.relative <= RELATIVE_GOAL)) failed++;
    }
    console.log(`  (${part}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  console.log(failed ? `parity: ${failed} figure(s) above ${RELATIVE_GOAL} relative error` : 'parity: all figures within the goal');
  process.exitCode = failed ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
