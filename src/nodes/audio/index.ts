// comfy_extras/nodes_audio.py: the model-free audio nodes (the VAE and latent ones need an audio model).
import type { NodeDefinition } from '../node-definition.ts';
import { audioAdjustVolume, audioConcat, audioMerge, emptyAudio, splitAudioChannels, trimAudioDuration } from './audio-edit.ts';
import { loadAudio, recordAudio } from './load-audio.ts';
import { previewAudio, saveAudio, saveAudioMP3, saveAudioOpus } from './save-audio.ts';

export const audioNodes: NodeDefinition[] = [
  saveAudio, saveAudioMP3, saveAudioOpus, loadAudio, previewAudio, recordAudio,
  trimAudioDuration, splitAudioChannels, audioConcat, audioMerge, audioAdjustVolume, emptyAudio,
];
