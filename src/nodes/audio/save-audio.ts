// SaveAudio (FLAC), SaveAudioMP3, SaveAudioOpus and PreviewAudio (comfy_api UI AudioSaveHelper): every batch item
// becomes `<prefix>_<counter:05>_.<ext>` (the counter advancing per item) with the prompt and extra_pnginfo as
// text tags unless --disable-metadata; Opus clips are first resampled to a rate libopus takes.
import path from 'node:path';
import type { NodeContext, NodeDefinition } from '../node-definition.ts';
import { planSave, rememberSaved } from '../../imaging/save-path.ts';
import { writeFileAtomic } from '../../storage/atomic-write.ts';
import { metadataChunks, type SavedFile } from '../image/save-image.ts';
import { requireChoice, requireString } from '../utils/node-args.ts';
import { V3_OUTPUT_HIDDEN, v3Combo, v3Socket, v3String } from '../utils/v3-io.ts';
import { requireAudio, type AudioValue } from './audio-data.ts';
import { encodeAudioFile, MP3_QUALITIES, OPUS_QUALITIES, opusRateFor, type AudioFormat } from './audio-codecs.ts';
import { resampleWaveform } from './resample.ts';

export async function saveAudioBatch(
  audio: AudioValue, filenamePrefix: string, ctx: NodeContext, type: 'output' | 'temp', format: AudioFormat, quality: string,
  tags: [string, string][],
): Promise<SavedFile[]> {
  const dir = type === 'output' ? ctx.services.paths.outputDir : ctx.services.paths.tempDir;
  const [batch, channels] = audio.waveform.shape as [number, number, number];
  const plan = planSave(filenamePrefix, dir, batch, format, { batchNum: true, resolveInside: (root, rel) => ctx.services.paths.resolveInside(root, rel) });
  const { target, names } = plan;
  let waveform = audio.waveform;
  let rate = audio.sample_rate;
  if (format === 'opus' && opusRateFor(rate) !== rate) {
    waveform = resampleWaveform(waveform, rate, opusRateFor(rate));
    rate = opusRateFor(rate);
  }
  const samples = waveform.shape[2]!;
  const results: SavedFile[] = [];
  for (let b = 0; b < batch; b++) {
    ctx.checkInterrupted();
    const planar = Array.from({ length: channels }, (_, c) => waveform.data.slice((b * channels + c) * samples, (b * channels + c + 1) * samples));
    const file = names[b]!;
    await writeFileAtomic(path.join(target.fullOutputFolder, file), await encodeAudioFile(format, planar, rate, quality, tags));
    results.push({ filename: file, subfolder: target.subfolder, type });
  }
  rememberSaved(plan);
  return results;
}

function saveNode(name: string, displayName: string, format: AudioFormat, qualities?: { options: readonly string[]; default: string }): NodeDefinition {
  return {
    name,
    schemaFormat: 'v3',
    displayName,
    pythonModule: 'comfy_extras.nodes_audio',
    category: 'audio',
    inputs: {
      required: {
        audio: v3Socket('AUDIO'),
        filename_prefix: v3String({ default: 'audio/ComfyUI' }),
        ...(qualities ? { quality: v3Combo(qualities.options, { default: qualities.default }) } : {}),
      },
      hidden: V3_OUTPUT_HIDDEN,
    },
    outputs: [],
    outputNode: true,
    async execute(inputs, ctx) {
      const audio = requireAudio('audio', inputs.audio);
      const prefix = requireString('filename_prefix', inputs.filename_prefix ?? 'ComfyUI');
      const quality = qualities ? requireChoice('quality', inputs.quality ?? qualities.default, qualities.options) : '';
      const tags = metadataChunks(ctx, inputs.prompt, inputs.extra_pnginfo);
      return { ui: { audio: await saveAudioBatch(audio, prefix, ctx, 'output', format, quality, tags) } };
    },
  };
}

export const saveAudio = saveNode('SaveAudio', 'Save Audio (FLAC)', 'flac');
export const saveAudioMP3 = saveNode('SaveAudioMP3', 'Save Audio (MP3)', 'mp3', { options: MP3_QUALITIES, default: 'V0' });
export const saveAudioOpus = saveNode('SaveAudioOpus', 'Save Audio (Opus)', 'opus', { options: OPUS_QUALITIES, default: '128k' });

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export const previewAudio: NodeDefinition = {
  name: 'PreviewAudio',
  schemaFormat: 'v3',
  displayName: 'Preview Audio',
  pythonModule: 'comfy_extras.nodes_audio',
  category: 'audio',
  inputs: { required: { audio: v3Socket('AUDIO') }, hidden: V3_OUTPUT_HIDDEN },
  outputs: [],
  outputNode: true,
  async execute(inputs, ctx) {
    const audio = requireAudio('audio', inputs.audio);
    // A fresh random suffix per call, as ComfyUI's UI.PreviewAudio draws it.
    const prefix = 'ComfyUI_temp_' + Array.from({ length: 5 }, () => LETTERS[Math.floor(Math.random() * LETTERS.length)]).join('');
    const tags = metadataChunks(ctx, inputs.prompt, inputs.extra_pnginfo);
    return { ui: { audio: await saveAudioBatch(audio, prefix, ctx, 'temp', 'flac', '128k', tags) } };
  },
};
