// LDM ResBlock (openaimodel.py `ResBlock`, models.md §4.1): GroupNorm → SiLU → Conv3×3, plus the projected time
// embedding, then GroupNorm → SiLU → (dropout) → Conv3×3, added to the (1×1-projected when widths differ) input.
import type { GraphBuilder, Value } from '../../onnx/graph-builder.ts';
import * as op from '../../onnx/ops.ts';
import type { WeightView } from '../../onnx/weights.ts';
import { conv, groupNorm, linear } from '../layers.ts';

const EPS = 1e-5;

/** `emb` is the [B, 4·model_channels] time embedding; the block's width comes from its weights. */
export function resBlock(g: GraphBuilder, x: Value, emb: Value, w: WeightView): Value {
  // in_layers: 0 GroupNorm, 1 SiLU, 2 Conv.
  let h = conv(g, op.silu(g, groupNorm(g, x, w.at('in_layers.0'), EPS)), w.at('in_layers.2'));
  // emb_layers: 0 SiLU, 1 Linear → [B, C] broadcast over H, W.
  const e = linear(g, op.silu(g, emb), w.at('emb_layers.1'));
  h = op.add(g, h, op.unsqueeze(g, e, [2, 3]));
  // out_layers: 0 GroupNorm, 1 SiLU, 2 Dropout (identity at inference), 3 Conv.
  h = conv(g, op.silu(g, groupNorm(g, h, w.at('out_layers.0'), EPS)), w.at('out_layers.3'));
  const skip = w.has('skip_connection.weight') ? conv(g, x, w.at('skip_connection')) : x;
  return op.add(g, skip, h);
}
