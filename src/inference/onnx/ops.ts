// Typed wrappers over the ONNX operators the networks use (opset 21 semantics) and a few Microsoft contrib ops
// that ONNX Runtime runs on CPU (MultiHeadAttention, QuickGelu). Each takes the builder first and returns a Value.
import { MS_DOMAIN, type GraphBuilder, type Value } from './graph-builder.ts';

export const add = (g: GraphBuilder, a: Value, b: Value) => g.op('Add', [a, b]);
export const sub = (g: GraphBuilder, a: Value, b: Value) => g.op('Sub', [a, b]);
export const mul = (g: GraphBuilder, a: Value, b: Value) => g.op('Mul', [a, b]);
export const div = (g: GraphBuilder, a: Value, b: Value) => g.op('Div', [a, b]);
export const matMul = (g: GraphBuilder, a: Value, b: Value) => g.op('MatMul', [a, b]);
export const sigmoid = (g: GraphBuilder, x: Value) => g.op('Sigmoid', [x]);
export const cos = (g: GraphBuilder, x: Value) => g.op('Cos', [x]);
export const sin = (g: GraphBuilder, x: Value) => g.op('Sin', [x]);

/** x·sigmoid(alpha·x): SiLU with alpha 1, CLIP's quick_gelu with 1.702 (one fused kernel on CPU). */
export const quickGelu = (g: GraphBuilder, x: Value, alpha: number) => g.op('QuickGelu', [x], { alpha: { f: alpha } }, MS_DOMAIN);
export const silu = (g: GraphBuilder, x: Value) => quickGelu(g, x, 1);

/** Exact (erf) GELU. */
export const gelu = (g: GraphBuilder, x: Value) => g.op('Gelu', [x]);

export const cast = (g: GraphBuilder, x: Value, to: number) => g.op('Cast', [x], { to: { i: to } });
export const reshape = (g: GraphBuilder, x: Value, shape: readonly number[]) => g.op('Reshape', [x, g.constInt(shape)]);
export const reshapeTo = (g: GraphBuilder, x: Value, shape: Value) => g.op('Reshape', [x, shape]);
export const transpose = (g: GraphBuilder, x: Value, perm: readonly number[]) => g.op('Transpose', [x], { perm: { ints: perm } });
export const shape = (g: GraphBuilder, x: Value, start?: number, end?: number) =>
  g.op('Shape', [x], { start: start === undefined ? undefined : { i: start }, end: end === undefined ? undefined : { i: end } });
export const concat = (g: GraphBuilder, xs: readonly Value[], axis: number) => g.op('Concat', xs, { axis: { i: axis } });
export const unsqueeze = (g: GraphBuilder, x: Value, axes: readonly number[]) => g.op('Unsqueeze', [x, g.constInt(axes)]);
export const softmax = (g: GraphBuilder, x: Value, axis = -1) => g.op('Softmax', [x], { axis: { i: axis } });
export const gather = (g: GraphBuilder, data: Value, indices: Value, axis = 0) => g.op('Gather', [data, indices], { axis: { i: axis } });

/** Slice along `axes` with constant bounds. */
export function slice(g: GraphBuilder, x: Value, starts: readonly number[], ends: readonly number[], axes: readonly number[]): Value {
  return g.op('Slice', [x, g.constInt(starts), g.constInt(ends), g.constInt(axes)]);
}

/** Splits `x` into `parts` equal pieces along `axis`. */
export function split(g: GraphBuilder, x: Value, axis: number, parts: number): Value[] {
  return g.node('Split', [x], { axis: { i: axis }, num_outputs: { i: parts } }, { outputs: parts });
}

export interface ConvOptions {
  stride?: number;
  /** The same padding on every side, or ONNX's [top, left, bottom, right]. */
  pad?: number | readonly [number, number, number, number];
}

/** 2-D convolution, NCHW; `w` is [out, in, kh, kw]. */
export function conv2d(g: GraphBuilder, x: Value, w: Value, b: Value | undefined, opts: ConvOptions = {}): Value {
  const s = opts.stride ?? 1;
  const p = opts.pad ?? 0;
  const pads = typeof p === 'number' ? [p, p, p, p] : p;
  return g.op('Conv', b ? [x, w, b] : [x, w], { strides: { ints: [s, s] }, pads: { ints: pads } });
}

/** torch.nn.Linear on the last axis: x·wᵀ + b with w [out, in] as stored. */
export function linear(g: GraphBuilder, x: Value, w: Value, b?: Value): Value {
  // FusedMatMul with transB reads the weight as stored (prepacked once): no transposed copy at load.
  const y = g.op('FusedMatMul', [x, w], { transB: { i: 1 } }, MS_DOMAIN);
  return b ? add(g, y, b) : y;
}
/**
 * GroupNorm with per-channel scale and bias (GroupNormalization-21 semantics) on NCHW input. Built as
 * InstanceNormalization over [B, groups, rest] and a per-channel affine: ONNX Runtime expands
 * GroupNormalization into a dozen elementwise kernels on CPU; this runs about twice as fast.
 */
export function groupNorm(g: GraphBuilder, x: Value, groups: number, scale: Value, bias: Value, epsilon: number): Value {
  const grouped = reshape(g, x, [0, groups, -1]);
  const unit = g.op('InstanceNormalization', [grouped, g.constFloat(Array(groups).fill(1)), g.constFloat(Array(groups).fill(0))], { epsilon: { f: epsilon } });
  const normed = reshapeTo(g, unit, shape(g, x));
  // scale/bias [C] → [C, 1, 1], broadcast over B, H, W.
  const perChannel = (v: Value) => unsqueeze(g, v, [1, 2]);
  return add(g, mul(g, normed, perChannel(scale)), perChannel(bias));
}

/** LayerNormalization over the last axis. */
export function layerNorm(g: GraphBuilder, x: Value, scale: Value, bias: Value, epsilon: number): Value {
  return g.op('LayerNormalization', [x, scale, bias], { axis: { i: -1 }, epsilon: { f: epsilon } });
}

/** Nearest-neighbour ×`factor` upsampling of an NCHW tensor (torch `interpolate(mode="nearest")`). */
export function upsampleNearest(g: GraphBuilder, x: Value, factor: number): Value {
  return g.op('Resize', [x, '', g.constFloat([1, 1, factor, factor])], {
    mode: { s: 'nearest' }, nearest_mode: { s: 'floor' }, coordinate_transformation_mode: { s: 'asymmetric' },
  });
}

/**
 * Nearest-neighbour upsampling of an NCHW tensor to the height and width of `like` (torch
 * `interpolate(x, size=like.shape[2:], mode="nearest")`): the UNet's upsampling to the size of the skip it meets
 * next, so latents of any size work, not only multiples of 8.
 */
export function upsampleNearestTo(g: GraphBuilder, x: Value, like: Value): Value {
  const sizes = concat(g, [slice(g, shape(g, x), [0], [2], [0]), slice(g, shape(g, like), [2], [4], [0])], 0);
  return g.op('Resize', [x, '', '', sizes], {
    mode: { s: 'nearest' }, nearest_mode: { s: 'floor' }, coordinate_transformation_mode: { s: 'asymmetric' },
  });
}

/**
 * Scaled dot-product attention over [B, S, heads·d] queries and [B, L, heads·d] keys/values, scale 1/√d,
 * with an optional additive mask broadcastable to [B, heads, S, L]. Output [B, S, heads·d].
 */
export function attention(g: GraphBuilder, q: Value, k: Value, v: Value, heads: number, mask?: Value): Value {
  const inputs: (Value | '')[] = [q, k, v];
  if (mask) inputs.push('', '', mask);
  return g.op('MultiHeadAttention', inputs, { num_heads: { i: heads } }, MS_DOMAIN);
}
