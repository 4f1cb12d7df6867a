// The AUDIO value (`{waveform: [batch, channels, samples], sample_rate}`) and the checks every audio node makes
// on it, plus ComfyUI's sample-rate matching of two clips (the lower rate is resampled up).
import { Tensor } from '../../inference/tensor.ts';
import { isTensor } from '../utils/node-args.ts';
import { resampleWaveform } from './resample.ts';

export interface AudioValue {
  waveform: Tensor;
  sample_rate: number;
}

export function requireAudio(name: string, value: unknown): AudioValue {
  const audio = value as Partial<AudioValue> | null;
  if (typeof value !== 'object' || value === null || !isTensor(audio!.waveform)) {
    throw new Error(`${name} must be an AUDIO value (an object with a waveform tensor and a sample_rate)`);
  }
  const rate = audio!.sample_rate;
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate <= 0) {
    throw new Error(`${name}: sample_rate must be a positive integer, got ${String(rate)}`);
  }
  if (audio!.waveform.rank !== 3) {
    throw new Error(`${name}: waveform must have shape [batch, channels, samples], got [${audio!.waveform.shape.join(', ')}]`);
  }
  return audio as AudioValue;
}

/** Frames [start, end) along the last axis of a [B, C, S] waveform. */
export function sliceSamples(waveform: Tensor, start: number, end: number): Tensor {
  const [b, c, s] = waveform.shape as [number, number, number];
  const n = end - start;
  const out = new Tensor([b, c, n]);
  for (let row = 0; row < b * c; row++) out.data.set(waveform.data.subarray(row * s + start, row * s + end), row * n);
  return out;
}

/** `waveform.repeat(1, 2, 1)` for a mono clip: the channel duplicated. */
export function monoToStereo(waveform: Tensor): Tensor {
  const [b, , s] = waveform.shape as [number, number, number];
  const out = new Tensor([b, 2, s]);
  for (let i = 0; i < b; i++) {
    const row = waveform.data.subarray(i * s, (i + 1) * s);
    out.data.set(row, i * 2 * s);
    out.data.set(row, i * 2 * s + s);
  }
  return out;
}

/** Brings two clips to the higher of their sample rates (torchaudio's sinc resampling). */
export function matchSampleRates(a: AudioValue, b: AudioValue): [Tensor, Tensor, number] {
  if (a.sample_rate === b.sample_rate) return [a.waveform, b.waveform, a.sample_rate];
  if (a.sample_rate > b.sample_rate) return [a.waveform, resampleWaveform(b.waveform, b.sample_rate, a.sample_rate), a.sample_rate];
  return [resampleWaveform(a.waveform, a.sample_rate, b.sample_rate), b.waveform, b.sample_rate];
}
