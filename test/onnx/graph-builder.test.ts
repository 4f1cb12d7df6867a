import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ort from 'onnxruntime-node';
import { GraphBuilder, IR_VERSION, OPSET } from '../../src/inference/onnx/graph-builder.ts';
import * as op from '../../src/inference/onnx/ops.ts';
import { decodeModel } from '../../src/inference/onnx/proto.ts';
import { tempDir } from '../networks/helpers.ts';

async function session(g: GraphBuilder): Promise<ort.InferenceSession> {
  const path = join(tempDir(), 'g.onnx');
  writeFileSync(path, g.toBytes());
  return ort.InferenceSession.create(path);
}

test('a tiny graph runs in ONNX Runtime and gives known numbers', async () => {
  const g = new GraphBuilder('tiny');
  const x = g.input('x', 'float32', ['batch', 2]);
  // y = x·[[1, 2], [3, 4]] + [10, 20], then ×0.5
  const y = op.mul(g, op.add(g, op.matMul(g, x, g.constFloat([1, 2, 3, 4], [2, 2])), g.constFloat([10, 20])), g.constFloat(0.5));
  g.output(y, 'y', 'float32', ['batch', 2]);
  const s = await session(g);
  const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, 2, 0]), [2, 2]) });
  assert.deepEqual(Array.from(out.y!.data as Float32Array), [7, 13, 6, 12]);
});

test('the serialized model round-trips: IR 10, opset 21 + com.microsoft, symbolic dims, attributes', () => {
  const g = new GraphBuilder('rt');
  const x = g.input('x', 'float32', ['batch', 3, 'height', 'width']);
  const y = op.conv2d(g, x, g.constFloat(Array(27).fill(1), [1, 3, 3, 3]), undefined, { stride: 2, pad: 1 });
  g.output(op.silu(g, y), 'y', 'float32', ['batch', 1, 'h2', 'w2']);
  const m = decodeModel(g.toBytes({ network: 'rt' })) as any;
  assert.equal(m.ir_version, IR_VERSION);
  assert.deepEqual(m.opset_import, [{ domain: '', version: OPSET }, { domain: 'com.microsoft', version: 1 }]);
  assert.deepEqual(m.metadata_props, [{ key: 'network', value: 'rt' }]);
  assert.deepEqual(m.graph.input[0].type.tensor_type.shape.dim.map((d: any) => d.dim_param ?? d.dim_value), ['batch', 3, 'height', 'width']);
  const conv = m.graph.node.find((n: any) => n.op_type === 'Conv');
  assert.deepEqual(conv.attribute.map((a: any) => [a.name, a.ints]), [['strides', [2, 2]], ['pads', [1, 1, 1, 1]]]);
  const silu = m.graph.node.find((n: any) => n.op_type === 'QuickGelu');
  assert.equal(silu.domain, 'com.microsoft');
  assert.equal(m.graph.output[0].name, 'y');
});

test('constants are deduplicated and names stay unique', () => {
  const g = new GraphBuilder();
  assert.equal(g.constInt([0, -1]), g.constInt([0, -1]));
  assert.notEqual(g.constInt([0, -1]), g.constInt([0, -2]));
  assert.notEqual(g.constFloat(1), g.constInt(1));
  const x = g.input('x', 'float32', [1]);
  const a = op.add(g, x, x);
  const b = op.add(g, x, x);
  assert.notEqual(a, b);
  assert.throws(() => g.input('x', 'float32', [1]), /already used/);
});

test('external initializers check their byte length against the shape', () => {
  const g = new GraphBuilder();
  assert.throws(() => g.external('w', 'float16', [2, 3], { location: 'w.bin', offset: 0, length: 10 }), /needs 12/);
});

test('symbolic dimensions: one session serves different sizes and batches', async () => {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['batch', 1, 'height', 'width']);
  g.output(op.upsampleNearest(g, x, 2), 'y', 'float32', ['batch', 1, 'h2', 'w2']);
  const s = await session(g);
  for (const [b, h, w] of [[1, 2, 3], [3, 4, 1]] as const) {
    const data = Float32Array.from({ length: b * h * w }, (_, i) => i);
    const out = await s.run({ x: new ort.Tensor('float32', data, [b, 1, h, w]) });
    assert.deepEqual(out.y!.dims, [b, 1, 2 * h, 2 * w]);
    // Nearest ×2: output (y, x) takes input (⌊y/2⌋, ⌊x/2⌋).
    const o = out.y!.data as Float32Array;
    assert.equal(o[(2 * h - 1) * 2 * w + (2 * w - 1)], data[(h - 1) * w + (w - 1)]);
    assert.equal(o[1], data[0]);
  }
});
