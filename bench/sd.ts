// Stable Diffusion speed on this machine, with a full-size fp16 SD1.5-architecture checkpoint of random weights:
// seconds per CFG step (one batch-of-2 UNet evaluation) at 512×512 and 256×256, CLIP and VAE decode times, peak
// RSS, first-load (graphs built) and cached-load times, and the ratio of the 512×512 step to the machine's
// limit: 1.36 TFLOP per CFG step (the UNet's convolutions and linear layers) ÷ the GFLOP/s that ONNX Runtime
// reaches here on a 3×3 convolution of the UNet's first level. The last line is `ratio-to-limit: <number>`.
//
//   npm run bench:sd -- [--checkpoint FILE] [--dir DIR] [--steps N] [--cpu] [--threads N]
//
// Without --checkpoint the file is written once to DIR (default: the system temp folder) by
// scripts/make-test-checkpoint.ts (1.7 GB; takes a minute or two) and reused by later runs.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { openSafetensors } from '../src/inference/files/safetensors.ts';
import { loadCheckpoint } from '../src/inference/networks/index.ts';
import { GraphCache } from '../src/inference/onnx/cache.ts';
import { GraphBuilder } from '../src/inference/onnx/graph-builder.ts';
import type { NetworkRuntime } from '../src/inference/onnx/network-graph.ts';
import * as op from '../src/inference/onnx/ops.ts';
import { createSession } from '../src/inference/onnx/session.ts';
import { Tensor } from '../src/inference/tensor.ts';
import { FULL_SIZES, writeTestCheckpoint } from '../scripts/make-test-checkpoint.ts';

/** Convolution and linear-layer work of one SD1.5 UNet evaluation at 512×512, batch 2 (attention scores excluded). */
export const CFG_STEP_FLOP = 1.36e12;

const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

async function runTimes(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(fn))[1]);
  return times.sort((a, b) => a - b);
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times = await runTimes(runs, fn);
  return times[Math.floor(times.length / 2)]!;
}

function pseudoRandom(shape: number[], seed: number): Tensor {
  const t = new Tensor(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = Math.sin(i * 12.9898 + seed * 78.233);
  return t;
}

/**
 * GFLOP/s of ONNX Runtime on the UNet's first-level 3×3 conv (320 → 320 channels, 64×64, batch 2): the best of
 * several runs, so that a busy moment lowers the limit's estimate of the machine never.
 */
export async function measureConvGflops(dir: string, runtime: NetworkRuntime): Promise<number> {
  const [B, C, H, W] = [2, 320, 64, 64];
  const g = new GraphBuilder('conv');
  // Symbolic batch and size, as in the UNet graph.
  const x = g.input('x', 'float32', ['batch', C, 'height', 'width']);
  const w = g.inline('w', 'float32', [C, C, 3, 3], new Uint8Array(pseudoRandom([C * C * 9], 1).data.map((v) => v / 50).buffer));
  const b = g.inline('b', 'float32', [C], new Uint8Array(new Float32Array(C).buffer));
  g.output(op.conv2d(g, x, w, b, { pad: 1 }), 'y', 'float32', ['batch', C, 'height', 'width']);
  const path = join(dir, 'conv-limit.onnx');
  writeFileSync(path, g.toBytes());
  const session = await createSession(path, runtime);
  const feeds = { x: new ort.Tensor('float32', pseudoRandom([B * C * H * W], 2).data, [B, C, H, W]) };
  await session.run(feeds);
  const ms = (await runTimes(5, () => session.run(feeds)))[0]!;
  await session.release();
  return (2 * B * C * C * 9 * H * W) / ms / 1e6;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      checkpoint: { type: 'string' },
      dir: { type: 'string', default: join(tmpdir(), 'comfy-ts-bench') },
      steps: { type: 'string', default: '2' },
      cpu: { type: 'boolean', default: false },
      threads: { type: 'string' },
    },
  });
  const dir = values.dir!;
  mkdirSync(dir, { recursive: true });
  const runtime: NetworkRuntime = {
    cache: new GraphCache(join(dir, 'graphs')), cpu: values.cpu, ...(values.threads ? { threads: Number(values.threads) } : {}),
  };
  const steps = Math.max(1, Number(values.steps));

  const checkpoint = values.checkpoint ?? join(dir, 'sd15-random-fp16.safetensors');
  if (!existsSync(checkpoint)) {
    const [, ms] = await timed(() => writeTestCheckpoint(checkpoint, { arch: 'sd15', dtype: 'F16', seed: 0, sizes: FULL_SIZES.sd15 }));
    console.log(`wrote ${checkpoint} (${seconds(ms)} s)`);
  }

  const convBefore = await measureConvGflops(dir, runtime);
  console.log(`conv 3×3 (320→320, 64×64, batch 2): ${convBefore.toFixed(1)} GFLOP/s`);

  // First load builds every graph; the second reuses them.
  rmSync(join(dir, 'graphs'), { recursive: true, force: true });
  const [first, firstMs] = await timed(async () => loadCheckpoint(await openSafetensors(checkpoint), runtime));
  console.log(`first load (graphs built): ${seconds(firstMs)} s`);
  await first.release();
  const [m, cachedMs] = await timed(async () => loadCheckpoint(await openSafetensors(checkpoint), runtime));
  console.log(`cached load (graphs reused: ${[m.clip, m.unet].every((n) => n?.graph.reused)}): ${seconds(cachedMs)} s`);
  console.log(`provider: ${m.unet!.provider}`);

  const tokens = [49406, 320, 1125, 539, 320, 2368, ...Array<number>(71).fill(49407)];
  await m.clip!.encodeSequences([{ tokens }]);
  console.log(`CLIP, one 77-token chunk: ${seconds(await median(3, () => m.clip!.encodeSequences([{ tokens }])))} s`);

  const context = pseudoRandom([2, 77, 768], 3);
  const stepTimes: Record<number, number> = {};
  for (const size of [256, 512]) {
    const x = pseudoRandom([2, 4, size / 8, size / 8], 4);
    await m.unet!.apply(x, [999, 999], context);
    stepTimes[size] = await median(steps, () => m.unet!.apply(x, [999, 999], context));
    console.log(`UNet ${size}×${size}, batch 2 (one CFG step): ${seconds(stepTimes[size]!)} s`);
  }

  const latent = pseudoRandom([1, 4, 64, 64], 5);
  await m.vae!.decode(latent);
  console.log(`VAE decode 512×512: ${seconds(await median(2, () => m.vae!.decode(latent)))} s`);
  await m.release();

  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024 / 1024).toFixed(2)} GB`);
  // Measured again after the networks ran; the better figure sets the limit.
  const convGflops = Math.max(convBefore, await measureConvGflops(dir, runtime));
  const limitSeconds = CFG_STEP_FLOP / (convGflops * 1e9);
  console.log(`limit: ${CFG_STEP_FLOP / 1e12} TFLOP / ${convGflops.toFixed(1)} GFLOP/s = ${limitSeconds.toFixed(2)} s per CFG step`);
  console.log(`ratio-to-limit: ${(stepTimes[512]! / 1000 / limitSeconds).toFixed(3)}`);
}

await main();
