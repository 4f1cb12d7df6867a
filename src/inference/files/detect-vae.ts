// VAE (AutoencoderKL, LDM names) configuration from shapes (models.md §4.3).
import { countIndexed, scopeTensors, type TensorMap } from './key-views.ts';
import type { TensorRef } from './weight-file.ts';

export interface VaeConfig {
  prefix: string;
  /** Weights without the prefix: `encoder.conv_in.weight`, `decoder.up.3.block.0.conv1.weight`, `quant_conv.weight`… */
  tensors: Map<string, TensorRef>;
  /** Base channels (`ch`, 128 for SD). */
  ch: number;
  ch_mult: number[];
  num_res_blocks: number;
  z_channels: number;
  in_channels: number;
  out_ch: number;
  hasEncoder: boolean;
  hasQuantConv: boolean;
}

/** The VAE under `prefix` ('' for a standalone VAE file), or null when there is none. */
export function detectVae(t: TensorMap, prefix: string): VaeConfig | null {
  const v = prefix ? scopeTensors(t, prefix) : new Map(t);
  if (v.has('decoder.up_blocks.0.resnets.0.conv1.weight')) throw new Error('diffusers-format VAE files are not supported yet');
  const convIn = v.get('decoder.conv_in.weight');
  const convOut = v.get('decoder.conv_out.weight');
  if (!convIn || !convOut) return null;
  const ch = convOut.shape[1]!;
  const levels = countIndexed(v, 'decoder.up.');
  const ch_mult: number[] = [];
  for (let l = 0; l < levels; l++) {
    const conv = v.get(`decoder.up.${l}.block.0.conv2.weight`);
    if (!conv) throw new Error(`VAE at "${prefix}" lacks decoder.up.${l}.block.0.conv2.weight`);
    ch_mult.push(conv.shape[0]! / ch);
  }
  return {
    prefix, tensors: v, ch, ch_mult,
    // The decoder has one block more per level than the encoder's num_res_blocks.
    num_res_blocks: countIndexed(v, 'decoder.up.0.block.') - 1,
    z_channels: convIn.shape[1]!,
    in_channels: v.get('encoder.conv_in.weight')?.shape[1] ?? 3,
    out_ch: convOut.shape[0]!,
    hasEncoder: v.has('encoder.conv_in.weight'),
    hasQuantConv: v.has('quant_conv.weight'),
  };
}
