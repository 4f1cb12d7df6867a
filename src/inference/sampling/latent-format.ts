// Latent formats (ComfyUI `comfy/latent_formats.py`, models.md §6.1 and §10): the scaling between the
// VAE's latent space (what LATENT values hold) and the model's space (what samplers work in), and the
// latent → RGB factors used for cheap previews.
const f = Math.fround;

export interface LatentFormat {
  readonly name: string;
  readonly latentChannels: number;
  readonly scaleFactor: number;
  /** Rows are latent channels, columns R, G, B. */
  readonly latentRgbFactors: readonly (readonly [number, number, number])[];
  readonly latentRgbBias?: readonly [number, number, number];
  /** The preview decoder ComfyUI looks for in models/vae_approx. */
  readonly taesdDecoderName?: string;
}

export const SD15_LATENT_FORMAT: LatentFormat = {
  name: 'SD15',
  latentChannels: 4,
  scaleFactor: 0.18215,
  latentRgbFactors: [
    [0.3512, 0.2297, 0.3227],
    [0.325, 0.4974, 0.235],
    [-0.2829, 0.1762, 0.2721],
    [-0.212, -0.2616, -0.7177],
  ],
  taesdDecoderName: 'taesd_decoder',
};

export const SDXL_LATENT_FORMAT: LatentFormat = {
  name: 'SDXL',
  latentChannels: 4,
  scaleFactor: 0.13025,
  latentRgbFactors: [
    [0.3651, 0.4232, 0.4341],
    [-0.2533, -0.0042, 0.1068],
    [0.1076, 0.1111, -0.0362],
    [-0.3165, -0.2492, -0.2188],
  ],
  latentRgbBias: [0.1084, -0.0175, -0.0011],
  taesdDecoderName: 'taesdxl_decoder',
};

/** VAE space → model space (`process_in`): z·scale in float32. */
export function processIn(format: LatentFormat, latent: Float32Array, out = new Float32Array(latent.length)): Float32Array {
  const scale = f(format.scaleFactor);
  for (let i = 0; i < latent.length; i++) out[i] = latent[i]! * scale;
  return out;
}

/** Model space → VAE space (`process_out`): z / scale in float32. */
export function processOut(format: LatentFormat, latent: Float32Array, out = new Float32Array(latent.length)): Float32Array {
  const scale = f(format.scaleFactor);
  for (let i = 0; i < latent.length; i++) out[i] = latent[i]! / scale;
  return out;
}

export function isAllZero(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) return false;
  return true;
}
