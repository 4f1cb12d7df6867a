// The LDM UNet (openaimodel.py `UNetModel`, models.md §4.1) as one ONNX graph for SD1 and SD2, driven by the
// detected config. Inputs: x [B, in, H, W], timesteps [B] (float), context [B, T, context_dim] (and y [B, adm]
// when the model has label_emb); output [B, out, H, W] (ε or v). H and W must be multiples of 8 (3 downsamplings).
import { attentionHeads, type UnetConfig } from '../../files/detect-unet.ts';
import type { GraphBuilder, Value } from '../../onnx/graph-builder.ts';
import * as op from '../../onnx/ops.ts';
import type { WeightView } from '../../onnx/weights.ts';
import { conv, groupNorm, linear } from '../layers.ts';
import { resBlock } from './resblock.ts';
import { spatialTransformer } from './spatial-transformer.ts';

export function buildUnet(g: GraphBuilder, w: WeightView, c: UnetConfig): void {
  const x = g.input('x', 'float32', ['batch', c.in_channels, 'height', 'width']);
  const timesteps = g.input('timesteps', 'float32', ['batch']);
  const context = g.input('context', 'float32', ['batch', 'tokens', c.context_dim ?? 1]);
  let emb = timeEmbedding(g, timesteps, w, c.model_channels);
  if (c.adm_in_channels !== null) {
    const y = g.input('y', 'float32', ['batch', c.adm_in_channels]);
    // label_emb.0: 0 Linear, 1 SiLU, 2 Linear.
    emb = op.add(g, emb, linear(g, op.silu(g, linear(g, y, w.at('label_emb.0.0'))), w.at('label_emb.0.2')));
  }
  const transformer = (h: Value, block: WeightView, channels: number, depth: number) => {
    if (depth <= 0) return h;
    const { heads } = attentionHeads(c, channels);
    return spatialTransformer(g, h, context, block, { channels, heads, depth, linearProjection: c.use_linear_in_transformer });
  };

  // Input blocks: conv_in, then per level res blocks (+ transformers) and a stride-2 conv between levels.
  let h = conv(g, x, w.at('input_blocks.0.0'));
  const skips: Value[] = [h];
  const depths = [...c.transformer_depth];
  let block = 1;
  c.channel_mult.forEach((mult, level) => {
    for (let r = 0; r < c.num_res_blocks[level]!; r++, block++) {
      h = resBlock(g, h, emb, w.at('input_blocks', block, 0));
      h = transformer(h, w.at('input_blocks', block, 1), mult * c.model_channels, depths.shift() ?? 0);
      skips.push(h);
    }
    if (level < c.channel_mult.length - 1) {
      h = conv(g, h, w.at('input_blocks', block++, '0.op'), { stride: 2, pad: 1 });
      skips.push(h);
    }
  });

  // Middle: ResBlock, SpatialTransformer, ResBlock.
  const top = c.channel_mult.at(-1)! * c.model_channels;
  if (c.transformer_depth_middle >= -1) {
    h = resBlock(g, h, emb, w.at('middle_block.0'));
    if (c.transformer_depth_middle >= 0) {
      h = transformer(h, w.at('middle_block.1'), top, c.transformer_depth_middle);
      h = resBlock(g, h, emb, w.at('middle_block.2'));
    } else {
      h = resBlock(g, h, emb, w.at('middle_block.1'));
    }
  }

  // Output blocks: each concatenates the matching skip; levels end with a nearest upsampling to the next skip's size
  // (×2, or one less where a downsampling rounded an odd size up) + conv (except the last).
  const outDepths = [...c.transformer_depth_output];
  block = 0;
  for (let level = c.channel_mult.length - 1; level >= 0; level--) {
    const channels = c.channel_mult[level]! * c.model_channels;
    for (let i = 0; i <= c.num_res_blocks[level]!; i++, block++) {
      h = resBlock(g, op.concat(g, [h, skips.pop()!], 1), emb, w.at('output_blocks', block, 0));
      const depth = outDepths.pop() ?? 0;
      h = transformer(h, w.at('output_blocks', block, 1), channels, depth);
      if (level > 0 && i === c.num_res_blocks[level]) {
        h = conv(g, op.upsampleNearestTo(g, h, skips.at(-1)!), w.at('output_blocks', block, depth > 0 ? 2 : 1, 'conv'));
      }
    }
  }

  // out: 0 GroupNorm, 1 SiLU, 2 Conv.
  const out = conv(g, op.silu(g, groupNorm(g, h, w.at('out.0'), 1e-5)), w.at('out.2'));
  g.output(out, 'out', 'float32', ['batch', c.out_channels, 'height', 'width']);
}

/**
 * Sinusoidal timestep embedding (cos first), then time_embed: 0 Linear, 1 SiLU, 2 Linear. The frequencies are
 * computed in float32 as torch does: exp(−ln(10000)·k/half).
 */
function timeEmbedding(g: GraphBuilder, t: Value, w: WeightView, channels: number): Value {
  const half = channels / 2;
  const f = Math.fround;
  const freqs = Array.from({ length: half }, (_, k) => f(Math.exp(f(f(f(-Math.log(10000)) * k) / half))));
  const args = op.mul(g, op.unsqueeze(g, t, [1]), g.constFloat(freqs, [1, half]));
  const sinusoid = op.concat(g, [op.cos(g, args), op.sin(g, args)], 1);
  return linear(g, op.silu(g, linear(g, sinusoid, w.at('time_embed.0'))), w.at('time_embed.2'));
}
