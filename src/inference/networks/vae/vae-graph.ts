// The SD AutoencoderKL (ldm/modules/diffusionmodules/model.py `Encoder`/`Decoder`, models.md §4.3) as two ONNX
// graphs. Decoder: latent [B, z, h, w] → post_quant_conv → decoder → `raw` [B, 3, 8h, 8w] and `image` =
// clamp((raw + 1)/2, 0, 1) channels-last [B, 8h, 8w, 3]. Encoder: pixels [B, H, W, 3] in 0..1 → 2p − 1 →
// encoder → quant_conv → `moments` [B, 2z, H/8, W/8] and their mean half `mean` (what VAEEncode returns).
import type { VaeConfig } from '../../files/detect-vae.ts';
import type { GraphBuilder, Value } from '../../onnx/graph-builder.ts';
import * as op from '../../onnx/ops.ts';
import type { WeightView } from '../../onnx/weights.ts';
import { conv, fromTokens, groupNorm, toTokens } from '../layers.ts';

const EPS = 1e-6;

export type VaeShape = Pick<VaeConfig, 'ch' | 'ch_mult' | 'num_res_blocks' | 'z_channels' | 'in_channels' | 'out_ch' | 'hasQuantConv'>;

export function buildVaeDecoder(g: GraphBuilder, w: WeightView, c: VaeShape): void {
  let h = g.input('latent', 'float32', ['batch', c.z_channels, 'height', 'width']);
  if (c.hasQuantConv) h = conv(g, h, w.at('post_quant_conv'));
  const d = w.at('decoder');
  h = conv(g, h, d.at('conv_in'));
  h = middle(g, h, d.at('mid'), c.ch * c.ch_mult.at(-1)!);
  for (let level = c.ch_mult.length - 1; level >= 0; level--) {
    for (let j = 0; j <= c.num_res_blocks; j++) h = resnetBlock(g, h, d.at('up', level, 'block', j));
    if (level > 0) h = conv(g, op.upsampleNearest(g, h, 2), d.at('up', level, 'upsample.conv'));
  }
  const raw = conv(g, op.silu(g, groupNorm(g, h, d.at('norm_out'), EPS)), d.at('conv_out'));
  g.output(raw, 'raw', 'float32', ['batch', c.out_ch, 'height_px', 'width_px']);
  const unit = g.op('Clip', [op.mul(g, op.add(g, raw, g.constFloat(1)), g.constFloat(0.5)), g.constFloat(0), g.constFloat(1)]);
  g.output(op.transpose(g, unit, [0, 2, 3, 1]), 'image', 'float32', ['batch', 'height_px', 'width_px', c.out_ch]);
}

export function buildVaeEncoder(g: GraphBuilder, w: WeightView, c: VaeShape): void {
  const pixels = g.input('pixels', 'float32', ['batch', 'height_px', 'width_px', c.in_channels]);
  let h = op.sub(g, op.mul(g, op.transpose(g, pixels, [0, 3, 1, 2]), g.constFloat(2)), g.constFloat(1));
  const e = w.at('encoder');
  h = conv(g, h, e.at('conv_in'));
  c.ch_mult.forEach((_, level) => {
    for (let j = 0; j < c.num_res_blocks; j++) h = resnetBlock(g, h, e.at('down', level, 'block', j));
    // Downsample: pad right and bottom by one, then a stride-2 3×3 conv without padding.
    if (level < c.ch_mult.length - 1) h = conv(g, h, e.at('down', level, 'downsample.conv'), { stride: 2, pad: [0, 0, 1, 1] });
  });
  h = middle(g, h, e.at('mid'), c.ch * c.ch_mult.at(-1)!);
  let moments = conv(g, op.silu(g, groupNorm(g, h, e.at('norm_out'), EPS)), e.at('conv_out'));
  if (c.hasQuantConv) moments = conv(g, moments, w.at('quant_conv'));
  g.output(moments, 'moments', 'float32', ['batch', 2 * c.z_channels, 'height', 'width']);
  g.output(op.slice(g, moments, [0], [c.z_channels], [1]), 'mean', 'float32', ['batch', c.z_channels, 'height', 'width']);
}

/** mid: block_1, attn_1, block_2. */
function middle(g: GraphBuilder, x: Value, w: WeightView, channels: number): Value {
  const h = resnetBlock(g, x, w.at('block_1'));
  return resnetBlock(g, attnBlock(g, h, w.at('attn_1'), channels), w.at('block_2'));
}

/** ResnetBlock without time embedding: norm1, SiLU, conv1, norm2, SiLU, (dropout), conv2; nin_shortcut 1×1. */
function resnetBlock(g: GraphBuilder, x: Value, w: WeightView): Value {
  let h = conv(g, op.silu(g, groupNorm(g, x, w.at('norm1'), EPS)), w.at('conv1'));
  h = conv(g, op.silu(g, groupNorm(g, h, w.at('norm2'), EPS)), w.at('conv2'));
  const skip = w.has('nin_shortcut.weight') ? conv(g, x, w.at('nin_shortcut')) : x;
  return op.add(g, skip, h);
}

/** AttnBlock: single-head attention over the H·W positions; q, k, v, proj_out are 1×1 convs (applied as linears). */
function attnBlock(g: GraphBuilder, x: Value, w: WeightView, channels: number): Value {
  const tokens = toTokens(g, groupNorm(g, x, w.at('norm'), EPS), channels);
  const proj = (name: string, t: Value) => op.linear(g, t, op.reshape(g, w.get(`${name}.weight`), [channels, channels]), w.get(`${name}.bias`));
  const attended = op.attention(g, proj('q', tokens), proj('k', tokens), proj('v', tokens), 1);
  return op.add(g, x, fromTokens(g, proj('proj_out', attended), x));
}
