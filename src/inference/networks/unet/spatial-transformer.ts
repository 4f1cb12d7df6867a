// LDM SpatialTransformer (attention.py, models.md §4.1): GroupNorm(32, eps 1e-6), proj_in (1×1 conv in SD1, Linear
// in SD2), `depth` BasicTransformerBlocks (self-attention, cross-attention on the text context, GEGLU
// feed-forward, each pre-LayerNorm and residual), proj_out, and a residual around the whole.
import type { GraphBuilder, Value } from '../../onnx/graph-builder.ts';
import * as op from '../../onnx/ops.ts';
import type { WeightView } from '../../onnx/weights.ts';
import { conv, fromTokens, groupNorm, layerNorm, linear, toTokens } from '../layers.ts';

export interface TransformerShape {
  channels: number;
  heads: number;
  depth: number;
  /** Linear proj_in/proj_out (SD2) instead of 1×1 convolutions (SD1). */
  linearProjection: boolean;
}

export function spatialTransformer(g: GraphBuilder, x: Value, context: Value, w: WeightView, s: TransformerShape): Value {
  const normed = groupNorm(g, x, w.at('norm'), 1e-6);
  let h = s.linearProjection
    ? linear(g, toTokens(g, normed, s.channels), w.at('proj_in'))
    : toTokens(g, conv(g, normed, w.at('proj_in')), s.channels);
  for (let i = 0; i < s.depth; i++) h = transformerBlock(g, h, context, w.at('transformer_blocks', i), s.heads);
  const out = s.linearProjection
    ? fromTokens(g, linear(g, h, w.at('proj_out')), x)
    : conv(g, fromTokens(g, h, x), w.at('proj_out'));
  return op.add(g, out, x);
}

/** BasicTransformerBlock on tokens [B, S, C]. */
function transformerBlock(g: GraphBuilder, x: Value, context: Value, w: WeightView, heads: number): Value {
  const eps = 1e-5;
  let h = op.add(g, x, crossAttention(g, layerNorm(g, x, w.at('norm1'), eps), null, w.at('attn1'), heads));
  h = op.add(g, h, crossAttention(g, layerNorm(g, h, w.at('norm2'), eps), context, w.at('attn2'), heads));
  return op.add(g, h, gegluFeedForward(g, layerNorm(g, h, w.at('norm3'), eps), w.at('ff')));
}

/** CrossAttention: self-attention when `context` is null; to_q/to_k/to_v without bias, to_out.0 with bias. */
export function crossAttention(g: GraphBuilder, x: Value, context: Value | null, w: WeightView, heads: number): Value {
  const kv = context ?? x;
  const q = linear(g, x, w.at('to_q'));
  const k = linear(g, kv, w.at('to_k'));
  const v = linear(g, kv, w.at('to_v'));
  return linear(g, op.attention(g, q, k, v, heads), w.at('to_out.0'));
}

/** FeedForward with GEGLU: net.0.proj → [a | gate] halves, a·gelu(gate), net.1 Dropout, net.2 Linear. */
function gegluFeedForward(g: GraphBuilder, x: Value, w: WeightView): Value {
  const proj = w.at('net.0.proj');
  // Two matmuls over the weight's row halves instead of one matmul and a split of its output.
  const [wa, wg] = op.split(g, proj.get('weight'), 0, 2) as [Value, Value];
  const [ba, bg] = op.split(g, proj.get('bias'), 0, 2) as [Value, Value];
  const a = op.linear(g, x, wa, ba);
  const gate = op.linear(g, x, wg, bg);
  return linear(g, op.mul(g, a, op.gelu(g, gate)), w.at('net.2'));
}
