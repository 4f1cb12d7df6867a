// LoadAudio and RecordAudio (nodes_audio.py): decode an audio or video file of the input folder (or an annotated
// `name [output]` path) into AUDIO `{waveform [1, channels, samples], sample_rate}`. LoadAudio re-keys its cache
// on the file's SHA-256 and validates that the file exists.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { NodeDefinition, NodeServices } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { guessContentType } from '../../storage/mime-types.ts';
import { v3Socket } from '../utils/v3-io.ts';
import type { AudioValue } from './audio-data.ts';
import { decodeAudioFile } from './audio-codecs.ts';

function isAudioOrVideo(name: string): boolean {
  const type = guessContentType(name);
  return type !== null && (type.startsWith('audio/') || type.startsWith('video/'));
}

async function readAudioFile(services: NodeServices, name: unknown): Promise<Buffer> {
  const file = typeof name === 'string' ? services.paths.resolveAnnotated(name) : null;
  if (!file) throw new Error(`Invalid audio file: ${String(name)}`);
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`Invalid audio file: ${String(name)}`);
    throw err;
  }
}

export async function loadAudioValue(services: NodeServices, name: unknown): Promise<AudioValue> {
  const { channels, sampleRate } = await decodeAudioFile(await readAudioFile(services, name));
  const samples = channels[0]!.length;
  const waveform = new Tensor([1, channels.length, samples]);
  channels.forEach((c, i) => waveform.data.set(c.subarray(0, samples), i * samples));
  return { waveform, sample_rate: sampleRate };
}

export const loadAudio: NodeDefinition = {
  name: 'LoadAudio',
  schemaFormat: 'v3',
  displayName: 'Load Audio',
  pythonModule: 'comfy_extras.nodes_audio',
  category: 'audio',
  inputs: {
    required: {
      audio: ['COMBO', (services?: NodeServices) => ({
        multiselect: false,
        options: services?.paths.listInputFiles().filter(isAudioOrVideo) ?? [],
        audio_upload: true,
      })],
    },
  },
  outputs: [{ type: 'AUDIO' }],
  async execute(inputs, ctx) {
    return [await loadAudioValue(ctx.services, inputs.audio)];
  },
  async isChanged(inputs, ctx) {
    return createHash('sha256').update(await readAudioFile(ctx.services, inputs.audio)).digest('hex');
  },
  validateInputs(inputs, services?: NodeServices) {
    if (!services) return true;
    const name = inputs.audio;
    const file = typeof name === 'string' ? services.paths.resolveAnnotated(name) : null;
    return file !== null && existsSync(file) ? true : `Invalid audio file: ${String(name)}`;
  },
  validateInputsTakes: ['audio'],
};

export const recordAudio: NodeDefinition = {
  name: 'RecordAudio',
  schemaFormat: 'v3',
  displayName: 'Record Audio',
  pythonModule: 'comfy_extras.nodes_audio',
  category: 'audio',
  inputs: { required: { audio: v3Socket('AUDIO_RECORD') } },
  outputs: [{ type: 'AUDIO' }],
  async execute(inputs, ctx) {
    return [await loadAudioValue(ctx.services, inputs.audio)];
  },
};
