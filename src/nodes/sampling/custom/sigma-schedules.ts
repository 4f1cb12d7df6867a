// The σ schedules of k-diffusion that ComfyUI exposes only as custom-sampling nodes (polyexponential,
// Laplace, VP), and the log-linear interpolation of tabulated schedules (Align Your Steps, GITS).
// Tensor arithmetic is float32 as in torch; the tables are interpolated in float64 as numpy does.
import { linspace32 } from '../../../inference/sampling/schedulers.ts';

const f = Math.fround;

function appendZero(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) out[i] = values[i]!;
  return out;
}

/** Python's math.log, which refuses 0 and negative numbers. */
export function pythonLog(x: number): number {
  if (!(x > 0)) throw new Error('math domain error');
  return Math.log(x);
}

/** Polynomial in log σ: exp(ramp^ρ · (log σmax − log σmin) + log σmin), ramp from 1 to 0; then 0. */
export function polyexponentialSigmas(n: number, sigmaMin: number, sigmaMax: number, rho = 1): Float64Array {
  const logMin = pythonLog(sigmaMin);
  const span = f(pythonLog(sigmaMax) - logMin);
  const ramp = linspace32(1, 0, n);
  return appendZero(Array.from(ramp, (r) => f(Math.exp(f(f(f(r ** f(rho)) * span) + f(logMin))))));
}

/** Continuous VP schedule: √(expm1(β_d·t²/2 + β_min·t)), t from 1 to ε_s; then 0. */
export function vpSigmas(n: number, betaD = 19.9, betaMin = 0.1, epsS = 1e-3): Float64Array {
  const t = linspace32(1, epsS, n);
  return appendZero(Array.from(t, (x) => {
    const quadratic = f(f(f(betaD) * f(x * x)) / 2);
    return f(Math.sqrt(f(Math.expm1(f(quadratic + f(f(betaMin) * x))))));
  }));
}

/** Laplace schedule (Tiankai et al. 2024): exp(μ − β·sign(½ − x)·log(1 − 2|½ − x| + 1e-5)) clamped; no final 0. */
export function laplaceSigmas(n: number, sigmaMin: number, sigmaMax: number, mu = 0, beta = 0.5): Float64Array {
  const x = linspace32(0, 1, n);
  return Float64Array.from(x, (v) => {
    const centred = f(0.5 - v);
    const logTerm = f(Math.log(f(f(1 - f(2 * Math.abs(centred))) + f(1e-5))));
    const lambda = f(f(mu) - f(f(f(beta) * Math.sign(centred)) * logTerm));
    return Math.min(Math.max(f(Math.exp(lambda)), f(sigmaMin)), f(sigmaMax));
  });
}

/** numpy.linspace(0, 1, n). */
function unitLinspace(n: number): Float64Array {
  const out = Float64Array.from({ length: n }, (_, i) => i * (1 / (n - 1)));
  if (n > 1) out[n - 1] = 1;
  return out;
}

/** numpy.interp for increasing xp. */
function interp(x: number, xp: Float64Array, fp: Float64Array): number {
  const last = xp.length - 1;
  if (x <= xp[0]!) return fp[0]!;
  if (x >= xp[last]!) return fp[last]!;
  let j = 0;
  while (xp[j + 1]! <= x) j++;
  const slope = (fp[j + 1]! - fp[j]!) / (xp[j + 1]! - xp[j]!);
  return slope * (x - xp[j]!) + fp[j]!;
}

/** A decreasing table resampled to `count` values, linearly in log σ (`loglinear_interp`). */
export function loglinearInterp(table: readonly number[], count: number): Float64Array {
  const xs = unitLinspace(table.length);
  const ys = Float64Array.from([...table].reverse(), Math.log);
  const resampled = Array.from(unitLinspace(count), (x) => Math.exp(interp(x, xs, ys)));
  return Float64Array.from(resampled.reverse());
}
