// The VAE as a callable: `decode(latent)` → IMAGE [B, H, W, 3] in 0..1, `encode(image)` → the latent mean
// (models.md §4.3: images are centre-cropped to multiples of 8 first). The decoder graph opens on load, the
// encoder on its first use.
import type { VaeConfig } from '../../files/detect-vae.ts';
import { openNetworkGraph, type NetworkRuntime } from '../../onnx/network-graph.ts';
import { fromOrt, toOrt, type ProviderName, type Session } from '../../onnx/session.ts';
import { Tensor } from '../../tensor.ts';
import { buildVaeDecoder, buildVaeEncoder, type VaeShape } from './vae-graph.ts';

/** Pixels per latent cell along each axis. */
export const VAE_SCALE = 8;

export interface VaeModel {
  readonly config: VaeConfig;
  readonly provider: ProviderName;
  /** latent [B, z, h, w] (VAE space) → image [B, 8h, 8w, 3] in 0..1. */
  decode(latent: Tensor): Promise<Tensor>;
  /** The decoder's output before clamping, [B, 3, 8h, 8w] in about −1..1. */
  decodeRaw(latent: Tensor): Promise<Tensor>;
  /** image [B, H, W, 3] in 0..1 (a 4th channel is dropped) → latent mean [B, z, ⌊H/8⌋, ⌊W/8⌋]. */
  encode(image: Tensor): Promise<Tensor>;
  /** The encoder's moments after quant_conv: [B, 2z, h, w] (mean, then log-variance). */
  encodeMoments(image: Tensor): Promise<Tensor>;
  release(): Promise<void>;
}

export async function loadVae(weightFile: string, config: VaeConfig, runtime: NetworkRuntime): Promise<VaeModel> {
  const shape: VaeShape = {
    ch: config.ch, ch_mult: config.ch_mult, num_res_blocks: config.num_res_blocks, z_channels: config.z_channels,
    in_channels: config.in_channels, out_ch: config.out_ch, hasQuantConv: config.hasQuantConv,
  };
  const weights = { path: weightFile, tensors: config.tensors };
  // Each graph reads only its half of the file: the other half's names are not "unused".
  const open = (part: 'decoder' | 'encoder') => openNetworkGraph(weights, {
    network: `vae-${part}`, arch: shape, prefix: '',
    ignoreUnused: part === 'decoder' ? [/^encoder\./, /^quant_conv\./] : [/^decoder\./, /^post_quant_conv\./],
    build: (g, w) => (part === 'decoder' ? buildVaeDecoder : buildVaeEncoder)(g, w, shape),
  }, runtime);
  const decoder = (await open('decoder')).session;
  let encoder: Promise<Session> | undefined;
  const encoderSession = () => {
    if (!config.hasEncoder) throw new Error('this VAE file has no encoder weights');
    encoder ??= open('encoder').then((r) => r.session);
    return encoder;
  };

  const runDecoder = async (latent: Tensor) => decoder.run({ latent: toOrt(latent) });
  const runEncoder = async (image: Tensor) => {
    const rgb = firstChannels(image, config.in_channels);
    return (await encoderSession()).run({ pixels: toOrt(cropToMultiple(rgb, VAE_SCALE)) });
  };
  return {
    config, provider: decoder.provider,
    decode: async (latent) => fromOrt((await runDecoder(latent)).image!),
    decodeRaw: async (latent) => fromOrt((await runDecoder(latent)).raw!),
    encode: async (image) => fromOrt((await runEncoder(image)).mean!),
    encodeMoments: async (image) => fromOrt((await runEncoder(image)).moments!),
    async release() {
      await decoder.release();
      if (encoder) await (await encoder).release();
    },
  };
}

/** The first `n` channels of an IMAGE [B, H, W, C] (VAEEncode drops an alpha channel). */
export function firstChannels(image: Tensor, n: number): Tensor {
  const c = image.shape[3]!;
  if (c === n) return image;
  if (c < n) throw new Error(`the VAE encodes ${n}-channel images; this one has ${c}`);
  const pixels = image.size / c;
  const out = new Tensor([...image.shape.slice(0, 3), n]);
  for (let p = 0; p < pixels; p++) out.data.set(image.data.subarray(p * c, p * c + n), p * n);
  return out;
}

/** Centre-crops an IMAGE [B, H, W, C] to multiples of `m` (offset (H mod m)/2, as ComfyUI's VAEEncode). */
export function cropToMultiple(image: Tensor, m: number): Tensor {
  const [b, h, w, c] = image.shape as [number, number, number, number];
  const ch = Math.floor(h / m) * m;
  const cw = Math.floor(w / m) * m;
  if (ch === 0 || cw === 0) throw new Error(`image ${w}×${h} is smaller than ${m}×${m}`);
  if (ch === h && cw === w) return image;
  const y0 = Math.floor((h % m) / 2);
  const x0 = Math.floor((w % m) / 2);
  const out = new Tensor([b, ch, cw, c]);
  for (let i = 0; i < b; i++) {
    for (let y = 0; y < ch; y++) {
      const src = ((i * h + y + y0) * w + x0) * c;
      out.data.set(image.data.subarray(src, src + cw * c), (i * ch + y) * cw * c);
    }
  }
  return out;
}
