// Block numerics against the float64 reference implementations on tiny shapes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphBuilder } from '../../src/inference/onnx/graph-builder.ts';
import * as op from '../../src/inference/onnx/ops.ts';
import type { WeightView } from '../../src/inference/onnx/weights.ts';
import { conv, groupNorm, layerNorm } from '../../src/inference/networks/layers.ts';
import { resBlock } from '../../src/inference/networks/unet/resblock.ts';
import { crossAttention } from '../../src/inference/networks/unet/spatial-transformer.ts';
import { floatTensor, maxAbsDiff, randomValues, runBlock, tempDir, weightFile } from './helpers.ts';
import * as ref from './reference.ts';

const run = async (tensors: Parameters<typeof weightFile>[1], build: (g: GraphBuilder, w: WeightView) => void, feeds: Record<string, ReturnType<typeof floatTensor>>) =>
  runBlock(await weightFile(tempDir(), tensors), build, feeds);
const out = (r: Record<string, { data: unknown }>, name = 'y') => r[name]!.data as Float32Array;

test('conv: 3×3 "same" and the VAE downsample (stride 2, pad right/bottom) match the reference', async () => {
  const [B, C, H, W, O] = [2, 3, 5, 6, 4];
  const x = randomValues(B * C * H * W, 1);
  const w = randomValues(O * C * 9, 2);
  const b = randomValues(O, 3);
  const r = await run({ 'c.weight': { shape: [O, C, 3, 3], data: w }, 'c.bias': { shape: [O], data: b } }, (g, v) => {
    const xi = g.input('x', 'float32', ['b', C, 'h', 'w']);
    g.output(conv(g, xi, v.at('c')), 'same', 'float32', ['b', O, 'h', 'w']);
    g.output(conv(g, xi, v.at('c'), { stride: 2, pad: [0, 0, 1, 1] }), 'down', 'float32', ['b', O, 'h2', 'w2']);
  }, { x: floatTensor(x, [B, C, H, W]) });
  const same = ref.conv2d(x, [B, C, H, W], w, O, 3, b, 1, [1, 1, 1, 1]);
  const down = ref.conv2d(x, [B, C, H, W], w, O, 3, b, 2, [0, 0, 1, 1]);
  assert.deepEqual(r.same!.dims, same.shape);
  assert.deepEqual(r.down!.dims, down.shape);
  assert.ok(maxAbsDiff(out(r, 'same'), same.data) < 1e-5);
  assert.ok(maxAbsDiff(out(r, 'down'), down.data) < 1e-5);
});

test('group norm (32 groups, per-channel affine) and layer norm match the reference', async () => {
  const [B, C, S] = [2, 64, 6];
  const x = randomValues(B * C * S, 4).map((v, i) => v * 3 + (i % 7));
  const gamma = randomValues(C, 5);
  const beta = randomValues(C, 6);
  const r = await run({ 'n.weight': { shape: [C], data: gamma }, 'n.bias': { shape: [C], data: beta },
    'l.weight': { shape: [S], data: gamma.slice(0, S) }, 'l.bias': { shape: [S], data: beta.slice(0, S) } }, (g, v) => {
    const xi = g.input('x', 'float32', ['b', C, 2, 3]);
    g.output(groupNorm(g, xi, v.at('n'), 1e-6), 'gn', 'float32', ['b', C, 2, 3]);
    g.output(layerNorm(g, op.reshape(g, xi, [0, C, S]), v.at('l'), 1e-5), 'ln', 'float32', ['b', C, S]);
  }, { x: floatTensor(x, [B, C, 2, 3]) });
  assert.ok(maxAbsDiff(out(r, 'gn'), ref.groupNorm(x, B, C, S, 32, gamma, beta, 1e-6)) < 1e-5);
  assert.ok(maxAbsDiff(out(r, 'ln'), ref.layerNorm(x, S, gamma.slice(0, S), beta.slice(0, S), 1e-5)) < 1e-5);
});

test('cross-attention (to_q/k/v, 2 heads, to_out.0) and causal masked attention match the reference', async () => {
  const [B, S, L, D, heads] = [2, 5, 3, 8, 2];
  const x = randomValues(B * S * D, 7);
  const ctx = randomValues(B * L * D, 8);
  const ws = { q: randomValues(D * D, 9), k: randomValues(D * D, 10), v: randomValues(D * D, 11), o: randomValues(D * D, 12), ob: randomValues(D, 13) };
  const r = await run({
    'to_q.weight': { shape: [D, D], data: ws.q }, 'to_k.weight': { shape: [D, D], data: ws.k },
    'to_v.weight': { shape: [D, D], data: ws.v }, 'to_out.0.weight': { shape: [D, D], data: ws.o }, 'to_out.0.bias': { shape: [D], data: ws.ob },
  }, (g, v) => {
    const xi = g.input('x', 'float32', ['b', 's', D]);
    const ci = g.input('ctx', 'float32', ['b', 'l', D]);
    g.output(crossAttention(g, xi, ci, v, heads), 'cross', 'float32', ['b', 's', D]);
    const causal = g.constFloat(Array.from({ length: S * S }, (_, i) => (i % S > Math.floor(i / S) ? -3.4e38 : 0)), [1, 1, S, S]);
    g.output(op.attention(g, xi, xi, xi, heads, causal), 'causal', 'float32', ['b', 's', D]);
  }, { x: floatTensor(x, [B, S, D]), ctx: floatTensor(ctx, [B, L, D]) });
  const q = ref.linear(x, D, ws.q, D, null);
  const k = ref.linear(ctx, D, ws.k, D, null);
  const v = ref.linear(ctx, D, ws.v, D, null);
  const cross = ref.linear(ref.attention(q, k, v, B, S, L, heads, D / heads), D, ws.o, D, ws.ob);
  assert.ok(maxAbsDiff(out(r, 'cross'), cross) < 1e-5);
  assert.ok(maxAbsDiff(out(r, 'causal'), ref.attention(x, x, x, B, S, S, heads, D / heads, true)) < 1e-5);
});

test('ResBlock (channel change with skip_connection) matches the reference composition', async () => {
  const [B, C, O, H, W, E] = [1, 32, 64, 3, 4, 16];
  const t = {
    'in_layers.0.weight': randomValues(C, 1), 'in_layers.0.bias': randomValues(C, 2),
    'in_layers.2.weight': randomValues(O * C * 9, 3).map((v) => v / 10), 'in_layers.2.bias': randomValues(O, 4),
    'emb_layers.1.weight': randomValues(O * E, 5), 'emb_layers.1.bias': randomValues(O, 6),
    'out_layers.0.weight': randomValues(O, 7), 'out_layers.0.bias': randomValues(O, 8),
    'out_layers.3.weight': randomValues(O * O * 9, 9).map((v) => v / 10), 'out_layers.3.bias': randomValues(O, 10),
    'skip_connection.weight': randomValues(O * C, 11), 'skip_connection.bias': randomValues(O, 12),
  };
  const shapes: Record<string, number[]> = {
    'in_layers.2.weight': [O, C, 3, 3], 'emb_layers.1.weight': [O, E], 'out_layers.3.weight': [O, O, 3, 3], 'skip_connection.weight': [O, C, 1, 1],
  };
  const x = randomValues(B * C * H * W, 13);
  const emb = randomValues(B * E, 14);
  const r = await run(Object.fromEntries(Object.entries(t).map(([n, d]) => [n, { shape: shapes[n] ?? [d.length], data: d }])), (g, v) => {
    g.output(resBlock(g, g.input('x', 'float32', [B, C, H, W]), g.input('emb', 'float32', [B, E]), v), 'y', 'float32', [B, O, H, W]);
  }, { x: floatTensor(x, [B, C, H, W]), emb: floatTensor(emb, [B, E]) });
  const silu = (a: Float64Array) => a.map(ref.silu);
  let h = ref.conv2d(silu(ref.groupNorm(x, B, C, H * W, 32, t['in_layers.0.weight'], t['in_layers.0.bias'], 1e-5)), [B, C, H, W], t['in_layers.2.weight'], O, 3, t['in_layers.2.bias'], 1, [1, 1, 1, 1]).data;
  const e = ref.linear(Float64Array.from(emb, ref.silu), E, t['emb_layers.1.weight'], O, t['emb_layers.1.bias']);
  h = h.map((v, i) => v + e[Math.floor(i / (H * W)) % O]!);
  h = ref.conv2d(silu(ref.groupNorm(h, B, O, H * W, 32, t['out_layers.0.weight'], t['out_layers.0.bias'], 1e-5)), [B, O, H, W], t['out_layers.3.weight'], O, 3, t['out_layers.3.bias'], 1, [1, 1, 1, 1]).data;
  const skip = ref.conv2d(x, [B, C, H, W], t['skip_connection.weight'], O, 1, t['skip_connection.bias']).data;
  assert.ok(maxAbsDiff(out(r), h.map((v, i) => v + skip[i]!)) < 1e-4);
});

test('GELU (erf) and quick_gelu / SiLU match their formulas', async () => {
  const x = Float32Array.from({ length: 41 }, (_, i) => (i - 20) / 4);
  const r = await run({ unused: { shape: [1], data: [0] } }, (g, v) => {
    const xi = g.input('x', 'float32', [41]);
    g.output(op.gelu(g, xi), 'gelu', 'float32', [41]);
    g.output(op.quickGelu(g, xi, 1.702), 'quick', 'float32', [41]);
    g.output(op.silu(g, xi), 'silu', 'float32', [41]);
    v.get('unused');
  }, { x: floatTensor(x, [41]) });
  assert.ok(maxAbsDiff(out(r, 'gelu'), Array.from(x, ref.gelu)) < 1e-5);
  assert.ok(maxAbsDiff(out(r, 'quick'), Array.from(x, (v) => v / (1 + Math.exp(-1.702 * v)))) < 1e-5);
  assert.ok(maxAbsDiff(out(r, 'silu'), Array.from(x, ref.silu)) < 1e-5);
});
