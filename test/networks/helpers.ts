// Shared by the onnx/ and networks/ tests: temporary weight files, a graph cache in a temp folder, running a
// graph built by a block function, and deterministic pseudo-random data.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { fromFloat32 } from '../../src/inference/files/dtype.ts';
import { openSafetensors } from '../../src/inference/files/safetensors.ts';
import { writeSafetensors } from '../../src/inference/files/safetensors-writer.ts';
import type { WeightFile } from '../../src/inference/files/weight-file.ts';
import { GraphCache } from '../../src/inference/onnx/cache.ts';
import type { GraphBuilder } from '../../src/inference/onnx/graph-builder.ts';
import { openNetworkGraph, type NetworkRuntime } from '../../src/inference/onnx/network-graph.ts';
import type { WeightView } from '../../src/inference/onnx/weights.ts';

export function tempDir(prefix = 'comfy-ts-onnx-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function testRuntime(dir = tempDir()): NetworkRuntime {
  return { cache: new GraphCache(join(dir, 'graphs'), { warn: () => {} }), cpu: true, log: () => {} };
}

/** Deterministic values in [−1, 1). */
export function randomValues(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return (s / 4294967296) * 2 - 1;
  });
}

export interface TestTensor {
  shape: number[];
  data: ArrayLike<number>;
  dtype?: 'F32' | 'F16';
}

/** Writes `tensors` to a safetensors file in `dir` and opens it. */
export async function weightFile(dir: string, tensors: Record<string, TestTensor>, name = 'weights.safetensors'): Promise<WeightFile> {
  const path = join(dir, name);
  await writeSafetensors(path, Object.entries(tensors).map(([n, t]) => ({
    name: n, dtype: t.dtype ?? 'F32', shape: t.shape, data: fromFloat32(t.data, t.dtype ?? 'F32'),
  })));
  return openSafetensors(path);
}

/** Builds a graph with `build` over `file`'s weights, runs it once on `feeds`, returns the named outputs. */
export async function runBlock(
  file: WeightFile,
  build: (g: GraphBuilder, w: WeightView) => void,
  feeds: Record<string, ort.Tensor>,
  runtime = testRuntime(),
): Promise<Record<string, ort.Tensor>> {
  const { session } = await openNetworkGraph(file, { network: 'block', arch: Math.random(), prefix: '', build }, runtime);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

export function floatTensor(data: Float32Array, dims: number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

/** Largest |a − b| over two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
