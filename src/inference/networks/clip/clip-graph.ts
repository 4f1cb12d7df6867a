// The CLIP text transformer (clip_model.py, models.md §4.2) as one ONNX graph, in HF CLIP names (OpenCLIP files
// arrive through the detection's key view). Inputs: input_ids [B, T] int64, input_embeds [B, T, width] and
// embeds_mask [B, T, 1] (1 where a textual-inversion vector replaces the token's embedding), layer_index [1]
// int64 (0-based). Outputs: the selected layer's residual stream (`selected`) and with the final layer norm
// (`selected_normed`), and the pooled output: the final-normed last layer at the first end token (`pooled`),
// plus `pooled_projected` when the file has a text projection.
import type { ClipConfig } from '../../files/detect-clip.ts';
import type { GraphBuilder, Value } from '../../onnx/graph-builder.ts';
import * as op from '../../onnx/ops.ts';
import type { WeightView } from '../../onnx/weights.ts';
import { layerNorm, linear } from '../layers.ts';

/** What the graph needs of the detected config. */
export type ClipShape = Pick<ClipConfig, 'width' | 'layers' | 'heads' | 'activation' | 'layerNormEps' | 'positions' | 'endToken'>;

export function buildClip(g: GraphBuilder, w: WeightView, c: ClipShape): void {
  const ids = g.input('input_ids', 'int64', ['batch', 'tokens']);
  const embeds = g.input('input_embeds', 'float32', ['batch', 'tokens', c.width]);
  const embedsMask = g.input('embeds_mask', 'float32', ['batch', 'tokens', 1]);
  const layerIndex = g.input('layer_index', 'int64', [1]);
  const tm = w.at('text_model');

  // Embeddings: token (or the supplied vector) + position.
  const tokenEmb = op.gather(g, tm.get('embeddings.token_embedding.weight'), ids);
  const mixed = op.add(g, tokenEmb, op.mul(g, embedsMask, op.sub(g, embeds, tokenEmb)));
  const tokens = op.shape(g, ids, 1, 2);
  const zero = g.constInt([0]);
  const positions = g.op('Slice', [tm.get('embeddings.position_embedding.weight'), zero, tokens, zero]);
  let x = op.add(g, mixed, positions);

  // Causal mask: −max(float32) above the diagonal, cut to [1, 1, T, T].
  const n = c.positions;
  const maskValues = Array.from({ length: n * n }, (_, i) => (i % n > Math.floor(i / n) ? -3.4028234663852886e38 : 0));
  const full = g.constFloat(maskValues, [1, 1, n, n]);
  const mask = g.op('Slice', [full, g.constInt([0, 0]), op.concat(g, [tokens, tokens], 0), g.constInt([2, 3])]);

  const layerOutputs: Value[] = [];
  for (let i = 0; i < c.layers; i++) {
    x = encoderLayer(g, x, tm.at('encoder.layers', i), c, mask);
    layerOutputs.push(op.unsqueeze(g, x, [0]));
  }
  const selected = g.op('Squeeze', [op.gather(g, op.concat(g, layerOutputs, 0), layerIndex, 0), zero]);
  const finalNorm = tm.at('final_layer_norm');
  g.output(selected, 'selected', 'float32', ['batch', 'tokens', c.width]);
  g.output(layerNorm(g, selected, finalNorm, c.layerNormEps), 'selected_normed', 'float32', ['batch', 'tokens', c.width]);

  // Pooled: the final-normed last layer at the first end token of each sequence.
  const last = layerNorm(g, x, finalNorm, c.layerNormEps);
  const isEnd = op.cast(g, g.op('Equal', [ids, g.constInt(c.endToken)]), 6 /* int32 */);
  const endIndex = g.op('ArgMax', [isEnd], { axis: { i: 1 }, keepdims: { i: 1 }, select_last_index: { i: 0 } });
  const pooled = g.op('GatherND', [last, endIndex], { batch_dims: { i: 1 } });
  g.output(pooled, 'pooled', 'float32', ['batch', c.width]);
  if (w.has('text_projection.weight')) {
    const proj = linear(g, pooled, w.at('text_projection'));
    g.output(proj, 'pooled_projected', 'float32', ['batch', w.shape('text_projection.weight')[0]!]);
  } else if (w.has('text_projection')) {
    // OpenCLIP stores the projection as [width, proj], applied as pooled·P.
    g.output(op.matMul(g, pooled, w.get('text_projection')), 'pooled_projected', 'float32', ['batch', w.shape('text_projection')[1]!]);
  }
}

/** Pre-LayerNorm encoder layer: x + attn(ln1(x)), then x + mlp(ln2(x)). */
function encoderLayer(g: GraphBuilder, x: Value, w: WeightView, c: ClipShape, mask: Value): Value {
  const h = layerNorm(g, x, w.at('layer_norm1'), c.layerNormEps);
  const attn = w.at('self_attn');
  const q = linear(g, h, attn.at('q_proj'));
  const k = linear(g, h, attn.at('k_proj'));
  const v = linear(g, h, attn.at('v_proj'));
  x = op.add(g, x, linear(g, op.attention(g, q, k, v, c.heads, mask), attn.at('out_proj')));
  const m = layerNorm(g, x, w.at('layer_norm2'), c.layerNormEps);
  const fc1 = linear(g, m, w.at('mlp.fc1'));
  const act = c.activation === 'quick_gelu' ? op.quickGelu(g, fc1, 1.702) : op.gelu(g, fc1);
  return op.add(g, x, linear(g, act, w.at('mlp.fc2')));
}
