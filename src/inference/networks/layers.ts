// Parameterised layers shared by the networks, each reading its weights by their checkpoint names from a view
// scoped to the layer (`w.at("in_layers.2")` → `weight`, `bias`).
import type { GraphBuilder, Value } from '../onnx/graph-builder.ts';
import * as op from '../onnx/ops.ts';
import type { WeightView } from '../onnx/weights.ts';

/** torch.nn.Linear (`weight` [out, in], optional `bias`). */
export function linear(g: GraphBuilder, x: Value, w: WeightView): Value {
  return op.linear(g, x, w.get('weight'), w.has('bias') ? w.get('bias') : undefined);
}

/** torch.nn.Conv2d with `weight` [out, in, k, k] and `bias`; "same" padding for odd kernels unless given. */
export function conv(g: GraphBuilder, x: Value, w: WeightView, opts: op.ConvOptions = {}): Value {
  const k = w.shape('weight')[2]!;
  return op.conv2d(g, x, w.get('weight'), w.has('bias') ? w.get('bias') : undefined, { stride: opts.stride, pad: opts.pad ?? (k - 1) / 2 });
}

/** torch.nn.GroupNorm(groups, C, eps) with affine `weight`/`bias` [C], on NCHW (or [B, C, …]) input. */
export function groupNorm(g: GraphBuilder, x: Value, w: WeightView, eps: number, groups = 32): Value {
  return op.groupNorm(g, x, groups, w.get('weight'), w.get('bias'), eps);
}

/** torch.nn.LayerNorm over the last axis. */
export function layerNorm(g: GraphBuilder, x: Value, w: WeightView, eps: number): Value {
  return op.layerNorm(g, x, w.get('weight'), w.get('bias'), eps);
}

/** NCHW [B, C, H, W] → tokens [B, H·W, C]. */
export function toTokens(g: GraphBuilder, x: Value, channels: number): Value {
  return op.transpose(g, op.reshape(g, x, [0, channels, -1]), [0, 2, 1]);
}

/** Tokens [B, H·W, C] → NCHW with the shape of `like`. */
export function fromTokens(g: GraphBuilder, tokens: Value, like: Value): Value {
  return op.reshapeTo(g, op.transpose(g, tokens, [0, 2, 1]), op.shape(g, like));
}
