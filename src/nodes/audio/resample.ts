// torchaudio.functional.resample with its defaults (sinc interpolation, Hann window, lowpass_filter_width 6,
// rolloff 0.99): both rates are divided by their gcd, a bank of `new` polyphase kernels is built in float64,
// and the zero-padded signal is convolved with stride `orig`; the result keeps ceil(new·length/orig) samples.
import { Tensor } from '../../inference/tensor.ts';
import { allocTensor } from '../utils/node-args.ts';

const LOWPASS_FILTER_WIDTH = 6;
const ROLLOFF = 0.99;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The kernels [newRate][2·width + origRate] (rates already divided by their gcd), and the padding width. */
function sincKernels(orig: number, next: number): { kernels: Float32Array[]; width: number } {
  const baseFreq = Math.min(orig, next) * ROLLOFF;
  const width = Math.ceil((LOWPASS_FILTER_WIDTH * orig) / baseFreq);
  const taps = 2 * width + orig;
  const scale = baseFreq / orig;
  const kernels: Float32Array[] = [];
  for (let phase = 0; phase < next; phase++) {
    const k = new Float32Array(taps);
    for (let i = 0; i < taps; i++) {
      let t = (-phase / next + (i - width) / orig) * baseFreq;
      t = Math.min(LOWPASS_FILTER_WIDTH, Math.max(-LOWPASS_FILTER_WIDTH, t));
      const window = Math.cos((t * Math.PI) / LOWPASS_FILTER_WIDTH / 2) ** 2;
      const x = t * Math.PI;
      k[i] = (x === 0 ? 1 : Math.sin(x) / x) * window * scale;
    }
    kernels.push(k);
  }
  return { kernels, width };
}

/** Resamples the last axis of a waveform [..., samples] from `origRate` to `newRate` Hz. */
export function resampleWaveform(waveform: Tensor, origRate: number, newRate: number): Tensor {
  if (origRate === newRate) return waveform;
  const g = gcd(origRate, newRate);
  const orig = origRate / g;
  const next = newRate / g;
  const { kernels, width } = sincKernels(orig, next);
  const length = waveform.shape[waveform.rank - 1]!;
  const rows = length === 0 ? 0 : waveform.size / length;
  const targetLength = Math.ceil((next * length) / orig);
  const out = allocTensor([...waveform.shape.slice(0, -1), targetLength], 'resampled audio');
  const taps = kernels[0]!.length;
  for (let r = 0; r < rows; r++) {
    const src = waveform.data.subarray(r * length, (r + 1) * length);
    const dst = out.data.subarray(r * targetLength, (r + 1) * targetLength);
    for (let o = 0; o < targetLength; o++) {
      const frame = Math.floor(o / next);
      const kernel = kernels[o % next]!;
      // Window start in the padded signal is frame·orig; in the source that is frame·orig − width.
      const start = frame * orig - width;
      let acc = 0;
      for (let i = Math.max(0, -start); i < taps && start + i < length; i++) acc += src[start + i]! * kernel[i]!;
      dst[o] = acc;
    }
  }
  return out;
}
