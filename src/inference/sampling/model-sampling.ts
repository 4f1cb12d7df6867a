// How a model maps noise levels σ to its timesteps and turns its raw output into a denoised latent
// (ComfyUI `comfy/model_sampling.py`, models.md §6.2–§6.3). Arithmetic on tensors is done in float32
// exactly as torch does it (each operation rounded to float32), so that ComfyUI's intermediate values are
// reproduced bit for bit where the inputs are the same.
const f = Math.fround;

export type PredictionType = 'eps' | 'v_prediction';

export interface ModelSampling {
  readonly predictionType: PredictionType;
  /** The noise levels the model was trained on, ascending, float32 (ComfyUI's `sigmas` buffer). */
  readonly sigmas: Float32Array;
  readonly logSigmas: Float32Array;
  readonly sigmaMin: number;
  readonly sigmaMax: number;
  readonly sigmaData: number;
  /** Rectified-flow models (CONST) use another noising and half-logSNR; none of ours so far. */
  readonly isFlow: boolean;
  /** The UNet timestep for σ: index of the nearest log σ in the table (a whole number). */
  timestep(sigma: number): number;
  /** σ for a (possibly fractional) timestep: log-linear interpolation in the table. */
  sigma(timestep: number): number;
  percentToSigma(percent: number): number;
  /** The network input for x at σ (c_in·x), written to `out`. */
  calculateInput(sigma: number, x: Float32Array, out?: Float32Array): Float32Array;
  /** The denoised prediction from the network output (written to `out`, which may alias `output`). */
  calculateDenoised(sigma: number, output: Float32Array, input: Float32Array, out?: Float32Array): Float32Array;
  /** The sampler's starting point from noise and the (model-space) latent. */
  noiseScaling(sigma: number, noise: Float32Array, latent: Float32Array | null, maxDenoise: boolean, out?: Float32Array): Float32Array;
  inverseNoiseScaling(sigma: number, latent: Float32Array): Float32Array;
}

export interface DiscreteScheduleOptions {
  predictionType?: PredictionType;
  linearStart?: number;
  linearEnd?: number;
  timesteps?: number;
  /** Zero terminal SNR rescaling (ComfyUI's `zsnr`). */
  zsnr?: boolean;
}

/** torch.linspace's element formula (float64 here): the first half counts up from start, the rest down from end. */
export function linspace64(start: number, end: number, steps: number): Float64Array {
  const out = new Float64Array(steps);
  if (steps === 1) {
    out[0] = start;
    return out;
  }
  const step = (end - start) / (steps - 1);
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out[i] = i < half ? start + step * i : end - step * (steps - i - 1);
  return out;
}

/** σ table of the "scaled linear" β schedule in float64 (`make_beta_schedule('linear', …)`), before rounding. */
export function discreteSigmas64(linearStart = 0.00085, linearEnd = 0.012, timesteps = 1000, zsnr = false): Float64Array {
  const sqrtBetas = linspace64(Math.sqrt(linearStart), Math.sqrt(linearEnd), timesteps);
  const sigmas = new Float64Array(timesteps);
  let alphasCumprod = 1;
  for (let i = 0; i < timesteps; i++) {
    alphasCumprod *= 1 - sqrtBetas[i]! * sqrtBetas[i]!;
    sigmas[i] = Math.sqrt((1 - alphasCumprod) / alphasCumprod);
  }
  return zsnr ? rescaleZeroTerminalSnr(sigmas) : sigmas;
}

function rescaleZeroTerminalSnr(sigmas: Float64Array): Float64Array {
  const sqrtAlphaBar = sigmas.map((s) => Math.sqrt(1 / (s * s + 1)));
  const first = sqrtAlphaBar[0]!;
  const last = sqrtAlphaBar[sqrtAlphaBar.length - 1]!;
  const scale = first / (first - last);
  return sqrtAlphaBar.map((a, i) => {
    const alphaBar = i === sqrtAlphaBar.length - 1 ? 4.8973451890853435e-8 : ((a - last) * scale) ** 2;
    return Math.sqrt((1 - alphaBar) / alphaBar);
  });
}

/** ComfyUI's ModelSamplingDiscrete with EPS or V_PREDICTION (SD1.x, SD2.x, SDXL). */
export function createDiscreteModelSampling(options: DiscreteScheduleOptions = {}): ModelSampling {
  const predictionType = options.predictionType ?? 'eps';
  const sigmas64 = discreteSigmas64(options.linearStart, options.linearEnd, options.timesteps, options.zsnr);
  const sigmas = Float32Array.from(sigmas64);
  const logSigmas = Float32Array.from(sigmas64, Math.log); // log taken in float64, then rounded
  const last = sigmas.length - 1;
  const sigmaData = 1;

  const sigma = (timestep: number): number => {
    const t = Math.min(Math.max(f(timestep), 0), last);
    const low = Math.floor(t);
    const high = Math.ceil(t);
    const w = f(t - Math.trunc(t));
    return f(Math.exp(f(f(f(1 - w) * logSigmas[low]!) + f(w * logSigmas[high]!))));
  };

  const timestep = (s: number): number => {
    const logSigma = f(Math.log(f(s)));
    let best = 0;
    let bestDistance = Infinity;
    for (let i = 0; i <= last; i++) {
      const distance = Math.abs(f(logSigma - logSigmas[i]!));
      if (distance < bestDistance) {
        bestDistance = distance;
        best = i;
      }
    }
    return best;
  };

  return {
    predictionType,
    sigmas,
    logSigmas,
    sigmaMin: sigmas[0]!,
    sigmaMax: sigmas[last]!,
    sigmaData,
    isFlow: false,
    timestep,
    sigma,
    percentToSigma(percent: number): number {
      if (percent <= 0) return 999999999.9;
      if (percent >= 1) return 0;
      return sigma((1 - percent) * 999);
    },
    calculateInput(s, x, out = new Float32Array(x.length)) {
      const sf = f(s);
      const scale = f(Math.sqrt(f(f(sf * sf) + sigmaData * sigmaData)));
      for (let i = 0; i < x.length; i++) out[i] = x[i]! / scale;
      return out;
    },
    calculateDenoised(s, output, input, out = new Float32Array(output.length)) {
      const sf = f(s);
      if (predictionType === 'eps') {
        for (let i = 0; i < output.length; i++) out[i] = input[i]! - f(output[i]! * sf);
        return out;
      }
      // V: x·σd²/(σ² + σd²) − out·σ·σd/√(σ² + σd²)
      const variance = f(f(sf * sf) + sigmaData * sigmaData);
      const root = f(Math.sqrt(variance));
      for (let i = 0; i < output.length; i++) {
        const skip = f(f(input[i]! * (sigmaData * sigmaData)) / variance);
        out[i] = skip - f(f(f(output[i]! * sf) * sigmaData) / root);
      }
      return out;
    },
    noiseScaling(s, noise, latent, maxDenoise, out = new Float32Array(noise.length)) {
      const sf = f(s);
      const scale = maxDenoise ? f(Math.sqrt(f(1 + f(sf * sf)))) : sf;
      for (let i = 0; i < noise.length; i++) {
        const scaled = f(noise[i]! * scale);
        out[i] = latent ? scaled + latent[i]! : scaled;
      }
      return out;
    },
    inverseNoiseScaling(_s, latent) {
      return latent;
    },
  };
}

/** Is σ the model's largest noise level (or beyond)? Then noising uses √(1 + σ²) ("max denoise"). */
export function isMaxDenoise(modelSampling: ModelSampling, sigma: number): boolean {
  const max = modelSampling.sigmaMax;
  return Math.abs(max - sigma) <= 1e-5 * Math.max(Math.abs(max), Math.abs(sigma)) || sigma > max;
}
