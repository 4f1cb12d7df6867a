// CreateVideo, GetVideoComponents and LoadVideo (nodes_video.py): build a VIDEO from frames (+ audio), take one
// apart, or reference a video file of the input folder (decoded only when its frames are needed).
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { NodeDefinition, NodeServices } from '../node-definition.ts';
import { guessContentType } from '../../storage/mime-types.ts';
import { requireAudio } from '../audio/audio-data.ts';
import { requireImage, requireNumber } from '../utils/node-args.ts';
import { v3Float, v3Socket } from '../utils/v3-io.ts';
import { decodeVideoFile } from './video-decode.ts';
import { requireVideo, videoFromComponents, videoFromFile, type VideoComponents } from './video-value.ts';

export const createVideo: NodeDefinition = {
  name: 'CreateVideo',
  schemaFormat: 'v3',
  displayName: 'Create Video',
  description: 'Create a video from images.',
  pythonModule: 'comfy_extras.nodes_video',
  category: 'image/video',
  inputs: {
    required: {
      images: v3Socket('IMAGE', { tooltip: 'The images to create a video from.' }),
      fps: v3Float({ default: 30.0, min: 1.0, max: 120.0, step: 1.0 }),
    },
    optional: { audio: v3Socket('AUDIO', { tooltip: 'The audio to add to the video.' }) },
  },
  outputs: [{ type: 'VIDEO' }],
  execute(inputs) {
    const images = requireImage('images', inputs.images);
    const frameRate = requireNumber('fps', inputs.fps ?? 30.0, 1.0, 120.0);
    const audio = inputs.audio === undefined || inputs.audio === null ? null : requireAudio('audio', inputs.audio);
    return [videoFromComponents({ images, frameRate, audio })];
  },
};

export const getVideoComponents: NodeDefinition = {
  name: 'GetVideoComponents',
  schemaFormat: 'v3',
  displayName: 'Get Video Components',
  description: 'Extracts all components from a video: frames, audio, and framerate.',
  pythonModule: 'comfy_extras.nodes_video',
  category: 'image/video',
  inputs: { required: { video: v3Socket('VIDEO', { tooltip: 'The video to extract components from.' }) } },
  outputs: [{ type: 'IMAGE', name: 'images' }, { type: 'AUDIO', name: 'audio' }, { type: 'FLOAT', name: 'fps' }],
  async execute(inputs, ctx) {
    const video = requireVideo('video', inputs.video);
    const c: VideoComponents = video.kind === 'components' ? video.components : await decodeVideoFile(video.path, ctx.signal);
    return [c.images, c.audio, c.frameRate];
  },
};

function isVideoFile(name: string): boolean {
  return guessContentType(name)?.startsWith('video/') ?? false;
}

function invalidFile(file: unknown): string {
  return `Invalid video file: ${String(file)}`;
}

function resolveVideo(services: NodeServices, file: unknown): string | null {
  return typeof file === 'string' ? services.paths.resolveAnnotated(file) : null;
}

export const loadVideo: NodeDefinition = {
  name: 'LoadVideo',
  schemaFormat: 'v3',
  displayName: 'Load Video',
  pythonModule: 'comfy_extras.nodes_video',
  category: 'image/video',
  inputs: {
    required: {
      file: ['COMBO', (services?: NodeServices) => ({
        multiselect: false,
        options: services?.paths.listInputFiles().filter(isVideoFile) ?? [],
        video_upload: true,
      })],
    },
  },
  outputs: [{ type: 'VIDEO' }],
  execute(inputs, ctx) {
    const file = resolveVideo(ctx.services, inputs.file);
    if (file === null || !existsSync(file)) throw new Error(invalidFile(inputs.file));
    return [videoFromFile(file)];
  },
  /** ComfyUI re-runs when the file's modification time (seconds) changes, without hashing large files. */
  async isChanged(inputs, ctx) {
    const file = resolveVideo(ctx.services, inputs.file);
    if (file === null) throw new Error(invalidFile(inputs.file));
    return (await stat(file)).mtimeMs / 1000;
  },
  validateInputs(inputs, services?: NodeServices) {
    if (!services) return true;
    const file = resolveVideo(services, inputs.file);
    return file !== null && existsSync(file) ? true : invalidFile(inputs.file);
  },
  validateInputsTakes: ['file'],
};
