// Brownian-motion noise for the SDE samplers (dpmpp_sde, dpmpp_2m_sde*, dpmpp_3m_sde*). ComfyUI draws it
// from torchsde's BrownianTree; this is a plain Brownian bridge with the same statistics (increments over
// [σ', σ] are N(0, |σ − σ'|), consistent across overlapping queries) but not torchsde's numbers, so these
// samplers are deterministic for a seed yet not bit-identical to ComfyUI.
import { TorchGenerator, type NoiseSampler, type Seed } from './noise.ts';

export function brownianNoiseSampler(size: number, sigmaMin: number, sigmaMax: number, seed: Seed): NoiseSampler {
  const generator = new TorchGenerator(seed);
  const draw = new Float32Array(size);
  const times: number[] = [sigmaMin];
  const values: Float64Array[] = [new Float64Array(size)];

  const insert = (t: number, w: Float64Array) => {
    let at = 0;
    while (at < times.length && times[at]! < t) at++;
    times.splice(at, 0, t);
    values.splice(at, 0, w);
  };
  if (sigmaMax > sigmaMin) {
    generator.randn(size, draw);
    const w = new Float64Array(size);
    const scale = Math.sqrt(sigmaMax - sigmaMin);
    for (let k = 0; k < size; k++) w[k] = draw[k]! * scale;
    insert(sigmaMax, w);
  }

  const valueAt = (t: number): Float64Array => {
    const found = times.indexOf(t);
    if (found >= 0) return values[found]!;
    let hi = 0;
    while (hi < times.length && times[hi]! < t) hi++;
    generator.randn(size, draw);
    const w = new Float64Array(size);
    if (hi === 0 || hi === times.length) {
      // Outside the known range: a free Brownian step from the nearest known point.
      const near = hi === 0 ? 0 : times.length - 1;
      const scale = Math.sqrt(Math.abs(t - times[near]!));
      for (let k = 0; k < size; k++) w[k] = values[near]![k]! + draw[k]! * scale;
    } else {
      const [ta, tb] = [times[hi - 1]!, times[hi]!];
      const [wa, wb] = [values[hi - 1]!, values[hi]!];
      const u = (t - ta) / (tb - ta);
      const scale = Math.sqrt(((t - ta) * (tb - t)) / (tb - ta));
      for (let k = 0; k < size; k++) w[k] = wa[k]! + u * (wb[k]! - wa[k]!) + draw[k]! * scale;
    }
    insert(t, w);
    return w;
  };

  const out = new Float32Array(size);
  return (sigma, sigmaNext) => {
    const w0 = valueAt(sigma);
    const w1 = valueAt(sigmaNext);
    const scale = 1 / Math.sqrt(Math.abs(sigmaNext - sigma));
    for (let k = 0; k < size; k++) out[k] = (w1[k]! - w0[k]!) * scale;
    return out;
  };
}
