import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphBuilder } from '../../src/inference/onnx/graph-builder.ts';
import { buildNetworkGraph } from '../../src/inference/onnx/network-graph.ts';
import * as op from '../../src/inference/onnx/ops.ts';
import { WeightBinder, WeightMismatchError } from '../../src/inference/onnx/weights.ts';
import { linear } from '../../src/inference/networks/layers.ts';
import { floatTensor, runBlock, tempDir, weightFile } from '../networks/helpers.ts';

test('missing and unused weight names are reported together', async () => {
  const file = await weightFile(tempDir(), {
    'net.a.weight': { shape: [2, 2], data: [1, 0, 0, 1] },
    'net.stray.weight': { shape: [1], data: [0] },
    'other.x': { shape: [1], data: [0] },
  });
  const spec = {
    network: 'net', arch: null, prefix: 'net.',
    build(g: GraphBuilder, w: ReturnType<WeightBinder['root']>) {
      const x = g.input('x', 'float32', [1, 2]);
      g.output(linear(g, linear(g, x, w.at('a')), w.at('b')), 'y', 'float32', [1, 2]);
    },
  };
  let error: unknown;
  try {
    buildNetworkGraph(file, spec, () => 'weights.safetensors');
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof WeightMismatchError);
  // Keys outside the network's prefix ("other.x") are not its business.
  assert.deepEqual(error.report, { missing: ['net.b.weight'], unused: ['net.stray.weight'] });
  assert.match(error.message, /net: weights do not match the architecture: missing \[net\.b\.weight\]; unused \[net\.stray\.weight\]/);
  assert.doesNotThrow(() => buildNetworkGraph(file, { ...spec, build(g, w) {
    g.output(linear(g, g.input('x', 'float32', [1, 2]), w.at('a')), 'y', 'float32', [1, 2]);
  }, ignoreUnused: [/stray/] }, () => 'weights.safetensors'));
});

test('views scope names: w.at("a", 0).get("weight") reads "prefix.a.0.weight"; a tensor binds once', () => {
  const g = new GraphBuilder();
  const ref = { name: 'p.a.0.weight', dtype: 'F16' as const, shape: [2], file: '/x/w.safetensors', offset: 8, byteLength: 4 };
  const binder = new WeightBinder(g, new Map([[ref.name, ref]]), () => 'w.safetensors', 'p.');
  const w = binder.root().at('a', 0);
  assert.equal(w.prefix, 'p.a.0.');
  assert.deepEqual(w.shape('weight'), [2]);
  assert.equal(w.get('weight'), w.get('weight'));
  assert.deepEqual(binder.report(), { missing: [], unused: [] });
});

test('fp16 weights are cast to float32 inside the graph and give the fp32 result', async () => {
  const values = [0.5, -1.25, 3, 0.1];
  const dir = tempDir();
  const half = await weightFile(dir, { w: { shape: [2, 2], data: values, dtype: 'F16' } }, 'half.safetensors');
  const full = await weightFile(dir, { w: { shape: [2, 2], data: values } }, 'full.safetensors');
  const build = (g: GraphBuilder, w: ReturnType<WeightBinder['root']>) => {
    g.output(op.matMul(g, g.input('x', 'float32', [1, 2]), w.get('w')), 'y', 'float32', [1, 2]);
  };
  const x = floatTensor(Float32Array.from([1, 2]), [1, 2]);
  const a = Array.from((await runBlock(half, build, { x })).y!.data as Float32Array);
  const b = Array.from((await runBlock(full, build, { x })).y!.data as Float32Array);
  // 0.1 is not exact in fp16: 0.0999755859375.
  assert.deepEqual(a, [0.5 + 6, -1.25 + 2 * Math.fround(0.0999755859375)].map(Math.fround));
  assert.ok(Math.abs(a[1]! - b[1]!) < 1e-4 && a[0] === b[0]);
});
