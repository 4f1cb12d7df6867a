// Model-free AUDIO editing nodes of nodes_audio.py: TrimAudioDuration, SplitAudioChannels, AudioConcat, AudioMerge,
// AudioAdjustVolume and EmptyAudio. Error messages are ComfyUI's.
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { allocTensor, requireChoice, requireInt, requireNumber } from '../utils/node-args.ts';
import { cat, roundHalfEven } from '../utils/tensor-ops.ts';
import { v3Combo, v3Float, v3Int, v3Socket } from '../utils/v3-io.ts';
import { matchSampleRates, monoToStereo, requireAudio, sliceSamples } from './audio-data.ts';

const U64_MAX = 0xffffffffffffffffn;
const base = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_audio', category: 'audio' } as const;

export const trimAudioDuration: NodeDefinition = {
  ...base,
  name: 'TrimAudioDuration',
  displayName: 'Trim Audio Duration',
  description: 'Trim audio tensor into chosen time range.',
  inputs: {
    required: {
      audio: v3Socket('AUDIO'),
      start_index: v3Float({
        default: 0.0, min: -U64_MAX, max: U64_MAX, step: 0.01,
        tooltip: 'Start time in seconds, can be negative to count from the end (supports sub-seconds).',
      }),
      duration: v3Float({ default: 60.0, min: 0.0, step: 0.01, tooltip: 'Duration in seconds' }),
    },
  },
  outputs: [{ type: 'AUDIO' }],
  execute(inputs) {
    const audio = requireAudio('audio', inputs.audio);
    const start = requireNumber('start_index', inputs.start_index);
    const duration = requireNumber('duration', inputs.duration, 0);
    const length = audio.waveform.shape[2]!;
    const offset = roundHalfEven(start * audio.sample_rate);
    const startFrame = Math.max(0, Math.min(start < 0 ? length + offset : offset, length - 1));
    const endFrame = Math.max(0, Math.min(startFrame + roundHalfEven(duration * audio.sample_rate), length));
    if (startFrame >= endFrame) throw new Error('AudioTrim: Start time must be less than end time and be within the audio length.');
    return [{ waveform: sliceSamples(audio.waveform, startFrame, endFrame), sample_rate: audio.sample_rate }];
  },
};

/** Channel `c` of a [B, C, S] waveform as [B, 1, S]. */
function channel(waveform: Tensor, c: number): Tensor {
  const [b, channels, s] = waveform.shape as [number, number, number];
  const out = new Tensor([b, 1, s]);
  for (let i = 0; i < b; i++) out.data.set(waveform.data.subarray((i * channels + c) * s, (i * channels + c + 1) * s), i * s);
  return out;
}

export const splitAudioChannels: NodeDefinition = {
  ...base,
  name: 'SplitAudioChannels',
  displayName: 'Split Audio Channels',
  description: 'Separates the audio into left and right channels.',
  inputs: { required: { audio: v3Socket('AUDIO') } },
  outputs: [{ type: 'AUDIO', name: 'left' }, { type: 'AUDIO', name: 'right' }],
  execute(inputs) {
    const audio = requireAudio('audio', inputs.audio);
    if (audio.waveform.shape[1] !== 2) throw new Error('AudioSplit: Input audio has only one channel.');
    const rate = audio.sample_rate;
    return [{ waveform: channel(audio.waveform, 0), sample_rate: rate }, { waveform: channel(audio.waveform, 1), sample_rate: rate }];
  },
};

export const audioConcat: NodeDefinition = {
  ...base,
  name: 'AudioConcat',
  displayName: 'Audio Concat',
  description: 'Concatenates the audio1 to audio2 in the specified direction.',
  inputs: {
    required: {
      audio1: v3Socket('AUDIO'),
      audio2: v3Socket('AUDIO'),
      direction: v3Combo(['after', 'before'], { default: 'after', tooltip: 'Whether to append audio2 after or before audio1.' }),
    },
  },
  outputs: [{ type: 'AUDIO' }],
  execute(inputs) {
    const a = requireAudio('audio1', inputs.audio1);
    const b = requireAudio('audio2', inputs.audio2);
    const direction = requireChoice('direction', inputs.direction, ['after', 'before'] as const);
    const stereo = (w: Tensor) => (w.shape[1] === 1 ? monoToStereo(w) : w);
    const [w1, w2, rate] = matchSampleRates({ ...a, waveform: stereo(a.waveform) }, { ...b, waveform: stereo(b.waveform) });
    if (w1.shape[0] !== w2.shape[0] || w1.shape[1] !== w2.shape[1]) {
      throw new Error(`AudioConcat: cannot concatenate waveforms of shapes [${w1.shape.join(', ')}] and [${w2.shape.join(', ')}]`);
    }
    return [{ waveform: cat(direction === 'after' ? [w1, w2] : [w2, w1], 2), sample_rate: rate }];
  },
};

const MERGE_METHODS = ['add', 'mean', 'subtract', 'multiply'] as const;
const MERGE_OPS: Record<(typeof MERGE_METHODS)[number], (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  mean: (x, y) => (x + y) / 2,
  subtract: (x, y) => x - y,
  multiply: (x, y) => x * y,
};

/** A broadcast size along one dimension, as torch computes it for two operands. */
function broadcastDim(a: number, b: number, what: string): number {
  if (a === b || b === 1) return a;
  if (a === 1) return b;
  throw new Error(`AudioMerge: the ${what} counts of audio1 (${a}) and audio2 (${b}) do not match`);
}

export const audioMerge: NodeDefinition = {
  ...base,
  name: 'AudioMerge',
  displayName: 'Audio Merge',
  description: 'Combine two audio tracks by overlaying their waveforms.',
  inputs: {
    required: {
      audio1: v3Socket('AUDIO'),
      audio2: v3Socket('AUDIO'),
      merge_method: v3Combo(MERGE_METHODS, { tooltip: 'The method used to combine the audio waveforms.' }),
    },
  },
  outputs: [{ type: 'AUDIO' }],
  execute(inputs) {
    const a = requireAudio('audio1', inputs.audio1);
    const b = requireAudio('audio2', inputs.audio2);
    const op = MERGE_OPS[requireChoice('merge_method', inputs.merge_method, MERGE_METHODS)];
    const [w1, w2, rate] = matchSampleRates(a, b);
    const [b1, c1, s] = w1.shape as [number, number, number];
    const [b2, c2, s2] = w2.shape as [number, number, number];
    const batch = broadcastDim(b1, b2, 'batch');
    const channels = broadcastDim(c1, c2, 'channel');
    const out = allocTensor([batch, channels, s], 'merged audio');
    let peak = 0;
    for (let i = 0; i < batch; i++) {
      for (let c = 0; c < channels; c++) {
        const row1 = ((b1 === 1 ? 0 : i) * c1 + (c1 === 1 ? 0 : c)) * s;
        const row2 = ((b2 === 1 ? 0 : i) * c2 + (c2 === 1 ? 0 : c)) * s2;
        const dst = (i * channels + c) * s;
        // audio2 is cut or zero-padded to audio1's length.
        for (let t = 0; t < s; t++) {
          const v = op(w1.data[row1 + t]!, t < s2 ? w2.data[row2 + t]! : 0);
          out.data[dst + t] = v;
          peak = Math.max(peak, Math.abs(out.data[dst + t]!));
        }
      }
    }
    if (peak > 1) for (let i = 0; i < out.size; i++) out.data[i] = out.data[i]! / peak;
    return [{ waveform: out, sample_rate: rate }];
  },
};

export const audioAdjustVolume: NodeDefinition = {
  ...base,
  name: 'AudioAdjustVolume',
  displayName: 'Audio Adjust Volume',
  inputs: {
    required: {
      audio: v3Socket('AUDIO'),
      volume: v3Int({
        default: 1, min: -100, max: 100,
        tooltip: 'Volume adjustment in decibels (dB). 0 = no change, +6 = double, -6 = half, etc',
      }),
    },
  },
  outputs: [{ type: 'AUDIO' }],
  execute(inputs) {
    const audio = requireAudio('audio', inputs.audio);
    const volume = requireInt('volume', inputs.volume, -100, 100);
    if (volume === 0) return [audio];
    const gain = Math.fround(10 ** (volume / 20)); // torch applies the scalar in float32
    const waveform = new Tensor(audio.waveform.shape, audio.waveform.data.map((v) => v * gain));
    return [{ waveform, sample_rate: audio.sample_rate }];
  },
};

export const emptyAudio: NodeDefinition = {
  ...base,
  name: 'EmptyAudio',
  displayName: 'Empty Audio',
  inputs: {
    required: {
      duration: v3Float({ default: 60.0, min: 0.0, max: U64_MAX, step: 0.01, tooltip: 'Duration of the empty audio clip in seconds' }),
      sample_rate: v3Int({ default: 44100, tooltip: 'Sample rate of the empty audio clip.', min: 1, max: 192000 }),
      channels: v3Int({ default: 2, min: 1, max: 2, tooltip: 'Number of audio channels (1 for mono, 2 for stereo).' }),
    },
  },
  outputs: [{ type: 'AUDIO' }],
  execute(inputs) {
    const duration = requireNumber('duration', inputs.duration, 0);
    const sampleRate = requireInt('sample_rate', inputs.sample_rate, 1, 192000);
    const channels = requireInt('channels', inputs.channels, 1, 2);
    const samples = roundHalfEven(duration * sampleRate);
    return [{ waveform: allocTensor([1, channels, samples], 'empty audio'), sample_rate: sampleRate }];
  },
};
