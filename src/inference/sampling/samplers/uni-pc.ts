// UniPC (Zhao et al. 2023) as ComfyUI runs it (comfy/extra_samplers/uni_pc.py `sample_unipc`): multistep,
// data prediction, B(h) variants bh1 / bh2, order min(3, steps − 1) with lower orders on the first and
// last steps. It works in the variance-preserving scale (x/√(1+σ²)) with σ as the time variable, and
// replaces a final σ of 0 by 0.001.
import { copyOf, type Denoiser, type SamplerOptions } from './common.ts';

/** VP view of a σ: log α, α, σ_VP and the half-logSNR λ (ComfyUI's SigmaConvert). */
function vp(sigma: number) {
  const logAlpha = 0.5 * Math.log(1 / (sigma * sigma + 1));
  const std = Math.sqrt(1 - Math.exp(2 * logAlpha));
  return { alpha: Math.exp(logAlpha), std, lambda: logAlpha - 0.5 * Math.log(1 - Math.exp(2 * logAlpha)) };
}

/** Solves the small dense system A·x = b (Gaussian elimination with partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row.slice(0, n), b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const k = m[r]![c]! / m[c]![c]!;
      for (let q = c; q <= n; q++) m[r]![q]! -= k * m[c]![q]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let q = r + 1; q < n; q++) s -= m[r]![q]! * x[q]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

export type UniPcVariant = 'bh1' | 'bh2';

export async function sampleUniPc(denoise: Denoiser, noise: Float32Array, sigmas: Float64Array, opts: SamplerOptions, variant: UniPcVariant = 'bh1'): Promise<Float32Array> {
  const timesteps = sigmas.slice();
  if (timesteps[timesteps.length - 1] === 0) timesteps[timesteps.length - 1] = 0.001;
  const steps = timesteps.length - 1;
  const order = Math.min(3, timesteps.length - 2);
  const n = noise.length;
  const total = steps;

  // Data prediction x0(x, t): the model sees x·√(σ² + 1) at σ; its ε is turned back into x0 in VP scale.
  const scratch = new Float32Array(n);
  const modelFn = async (x: Float32Array, t: number): Promise<Float32Array> => {
    const scale = Math.sqrt(t * t + 1);
    for (let k = 0; k < n; k++) scratch[k] = x[k]! * scale;
    const denoised = await denoise(scratch, t);
    const { alpha, std } = vp(t);
    const out = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const eps = (scratch[k]! - denoised[k]!) / t;
      out[k] = (x[k]! - std * eps) / alpha;
    }
    return out;
  };

  const update = async (x: Float32Array, models: Float32Array[], ts: number[], t: number, stepOrder: number, useCorrector: boolean) => {
    const tPrev0 = ts[ts.length - 1]!;
    const prev0 = vp(tPrev0);
    const now = vp(t);
    const model0 = models[models.length - 1]!;
    const h = now.lambda - prev0.lambda;
    const rks: number[] = [];
    const d1s: Float32Array[] = [];
    for (let i = 1; i < stepOrder; i++) {
      const rk = (vp(ts[ts.length - 1 - i]!).lambda - prev0.lambda) / h;
      rks.push(rk);
      const mi = models[models.length - 1 - i]!;
      const d1 = new Float32Array(n);
      for (let k = 0; k < n; k++) d1[k] = (mi[k]! - model0[k]!) / rk;
      d1s.push(d1);
    }
    rks.push(1);
    const hh = -h;
    const hPhi1 = Math.expm1(hh);
    const bH = variant === 'bh1' ? hh : Math.expm1(hh);
    const rows: number[][] = [];
    const b: number[] = [];
    let hPhiK = Math.expm1(hh) / hh - 1;
    let factorial = 1;
    for (let i = 1; i <= stepOrder; i++) {
      rows.push(rks.map((r) => r ** (i - 1)));
      b.push((hPhiK * factorial) / bH);
      factorial *= i + 1;
      hPhiK = hPhiK / hh - 1 / factorial;
    }
    const rhosP = d1s.length === 0 ? [] : stepOrder === 2 ? [0.5] : solve(rows.slice(0, -1).map((r) => r.slice(0, -1)), b.slice(0, -1));
    const rhosC = useCorrector ? (stepOrder === 1 ? [0.5] : solve(rows, b)) : [];
    const base = new Float32Array(n);
    const a = now.std / prev0.std;
    const c = now.alpha * hPhi1;
    for (let k = 0; k < n; k++) base[k] = a * x[k]! - c * model0[k]!;
    const xt = new Float32Array(n);
    const ab = now.alpha * bH;
    for (let k = 0; k < n; k++) {
      let pred = 0;
      for (let j = 0; j < d1s.length; j++) pred += d1s[j]![k]! * rhosP[j]!;
      xt[k] = base[k]! - ab * pred;
    }
    if (!useCorrector) return { x: xt, model: null };
    const modelT = await modelFn(xt, t);
    const last = rhosC[rhosC.length - 1]!;
    for (let k = 0; k < n; k++) {
      let corr = 0;
      for (let j = 0; j < d1s.length; j++) corr += d1s[j]![k]! * rhosC[j]!;
      xt[k] = base[k]! - ab * (corr + last * (modelT[k]! - model0[k]!));
    }
    return { x: xt, model: modelT };
  };

  let x = copyOf(noise);
  const scale0 = Math.sqrt(1 + timesteps[0]! * timesteps[0]!);
  for (let k = 0; k < n; k++) x[k] = x[k]! / scale0;
  const models: Float32Array[] = [];
  const ts: number[] = [];
  for (let stepIndex = 0; stepIndex < steps; stepIndex++) {
    if (stepIndex === 0) {
      models.push(await modelFn(x, timesteps[0]!));
      ts.push(timesteps[0]!);
    } else if (stepIndex < order) {
      const t = timesteps[stepIndex]!;
      const res = await update(x, models, ts, t, stepIndex, true);
      x = res.x;
      models.push(res.model ?? (await modelFn(x, t)));
      ts.push(t);
    } else {
      const lastStep = stepIndex === steps - 1 ? stepIndex + 1 : stepIndex;
      for (let step = stepIndex; step <= lastStep; step++) {
        const t = timesteps[step]!;
        const stepOrder = Math.min(order, steps + 1 - step);
        const res = await update(x, models, ts, t, stepOrder, step !== steps);
        x = res.x;
        models.shift();
        ts.shift();
        ts.push(t);
        models.push(step < steps ? (res.model ?? (await modelFn(x, t))) : models[models.length - 1]!);
      }
    }
    if (opts.onStep) {
      await opts.onStep({ i: stepIndex, total, sigma: sigmas[stepIndex]!, sigmaHat: sigmas[stepIndex]!, x, denoised: models[models.length - 1]! });
    }
  }
  const alphaLast = vp(timesteps[timesteps.length - 1]!).alpha;
  for (let k = 0; k < n; k++) x[k] = x[k]! / alphaLast;
  return x;
}

export function sampleUniPcBh2(denoise: Denoiser, x: Float32Array, sigmas: Float64Array, opts: SamplerOptions): Promise<Float32Array> {
  return sampleUniPc(denoise, x, sigmas, opts, 'bh2');
}
