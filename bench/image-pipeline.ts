// Image pipeline benchmark (standalone: `node --import tsx bench/image-pipeline.ts [size] [batch]`):
// LoadImage (a 4-frame 2048×2048 file) → ImageScaleBy lanczos ×2 → ImageBlur → ImageCompositeMasked → SaveImage,
// the nodes called as the engine calls them. Prints each stage's time and the total.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { imageNodes } from '../src/nodes/image/index.ts';
import type { NodeContext, NodeDefinition, NodeServices } from '../src/nodes/node-definition.ts';
import { Tensor } from '../src/inference/tensor.ts';
import { createFolderPaths } from '../src/storage/folder-paths.ts';

const standalone = import.meta.url === pathToFileURL(process.argv[1]!).href;
const size = standalone ? Number(process.argv[2] ?? 2048) : 2048;
const batch = standalone ? Number(process.argv[3] ?? 4) : 4;

const nodes = new Map(imageNodes.map((n) => [n.name, n] as [string, NodeDefinition]));

function nodeContext(baseDir: string): NodeContext {
  const services: NodeServices = {
    paths: createFolderPaths({ baseDir }),
    options: { disableMetadata: false, previewMethod: 'none', previewSize: 512, cpu: true },
    shared: new Map(),
  };
  return {
    nodeId: '1', displayNodeId: '1', promptId: 'bench', services, prompt: {}, extraData: {},
    progress() {}, checkInterrupted() {}, signal: new AbortController().signal, sendText() {},
  };
}

async function call(ctx: NodeContext, name: string, inputs: Record<string, unknown>): Promise<any[]> {
  const r = await nodes.get(name)!.execute(inputs, ctx);
  return Array.isArray(r) ? r : [(r as { ui?: unknown }).ui];
}

/** A smooth synthetic photo-like test card (gradients and rings), different per frame. */
function testCard(frame: number): Buffer {
  const px = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - size / 2, y - size / 2);
      const o = (y * size + x) * 3;
      px[o] = (x * 255) / size;
      px[o + 1] = (y * 255) / size;
      px[o + 2] = 128 + 127 * Math.sin(r / (20 + frame * 5));
    }
  }
  return px;
}

export interface PipelineSummary {
  /** Per stage: label, wall ms, CPU ms. */
  stages: [string, number, number][];
  wallMs: number;
  cpuMs: number;
}

/** Runs the pipeline once in a fresh temporary base directory and prints each stage's time. */
export async function imagePipelineBench(): Promise<PipelineSummary> {
  const baseDir = mkdtempSync(path.join(tmpdir(), 'comfy-ts-bench-'));
  try {
    return await runPipeline(nodeContext(baseDir));
  } finally {
    rmSync(baseDir, { recursive: true, force: true });
  }
}

async function runPipeline(ctx: NodeContext): Promise<PipelineSummary> {
  const services = ctx.services;
  const frames = Buffer.concat(Array.from({ length: batch }, (_, i) => testCard(i)));
  await sharp(frames, { raw: { width: size, height: size * batch, channels: 3, pageHeight: size } })
    .tiff({ compression: 'deflate' })
    .toFile(path.join(services.paths.inputDir, 'bench.tiff'));
  console.log(`image pipeline: ${batch}×${size}×${size} → lanczos ×2 → blur → composite → save`);
  // Wall time and this process's CPU time (user + system, all threads): on a busy machine the CPU time is the
  // steadier figure.
  const timings: [string, number, number][] = [];
  const time = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await fn();
    const c = process.cpuUsage(c0);
    timings.push([label, performance.now() - t0, (c.user + c.system) / 1000]);
    return r;
  };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const [image] = await time('LoadImage', () => call(ctx, 'LoadImage', { image: 'bench.tiff' }));
  const [scaled] = await time('ImageScaleBy lanczos x2', () => call(ctx, 'ImageScaleBy', { image, upscale_method: 'lanczos', scale_by: 2 }));
  const [blurred] = await time('ImageBlur r=2', () => call(ctx, 'ImageBlur', { image: scaled, blur_radius: 2, sigma: 1 }));
  const s = (scaled as Tensor).shape[1]!;
  const mask = new Tensor([1, s / 2, s / 2]).clone();
  mask.data.fill(0.5);
  const [composite] = await time('ImageCompositeMasked', () => call(ctx, 'ImageCompositeMasked', { destination: scaled, source: blurred, x: s / 4, y: s / 4, resize_source: false, mask }));
  const [ui] = await time('SaveImage', () => call(ctx, 'SaveImage', { images: composite, filename_prefix: 'bench', prompt: { bench: true } }));
  const total = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const line = (label: string, wallMs: number, cpuMs: number) =>
    console.log(`  ${label.padEnd(26)} ${(wallMs / 1000).toFixed(2).padStart(7)} s wall ${(cpuMs / 1000).toFixed(2).padStart(7)} s cpu`);
  for (const [label, wallMs, cpuMs] of timings) line(label, wallMs, cpuMs);
  line('total', total, (cpu.user + cpu.system) / 1000);
  const written = (ui as { images: { filename: string; subfolder: string }[] }).images;
  const bytes = written.reduce((sum, f) => sum + statSync(path.join(services.paths.outputDir, f.subfolder, f.filename)).size, 0);
  console.log(`  (${written.length} files written, ${(bytes / 1e6).toFixed(1)} MB)`);
  return { stages: timings, wallMs: total, cpuMs: (cpu.user + cpu.system) / 1000 };
}

if (standalone) await imagePipelineBench();
