// The VIDEO value. As in ComfyUI (comfy_api VideoFromFile / VideoFromComponents) it is either a file on disk,
// decoded only when its frames are asked for (so saving a loaded video copies its streams untouched), or
// components held in memory: frames as an IMAGE [frames, H, W, 3] in 0..1, a frame rate and optional AUDIO.
import type { Tensor } from '../../inference/tensor.ts';
import { requireAudio, type AudioValue } from '../audio/audio-data.ts';
import { isTensor } from '../utils/node-args.ts';

export interface VideoComponents {
  images: Tensor;
  /** Frames per second (ComfyUI keeps a Fraction; a double holds every rate a node can produce). */
  frameRate: number;
  audio: AudioValue | null;
}

export type VideoValue =
  | { readonly kind: 'components'; readonly components: VideoComponents }
  | { readonly kind: 'file'; readonly path: string };

export function videoFromComponents(components: VideoComponents): VideoValue {
  return { kind: 'components', components };
}

export function videoFromFile(path: string): VideoValue {
  return { kind: 'file', path };
}

export function requireVideo(name: string, value: unknown): VideoValue {
  const v = value as Partial<{ kind: string; path: unknown; components: Partial<VideoComponents> }> | null;
  if (typeof value === 'object' && value !== null) {
    if (v!.kind === 'file' && typeof v!.path === 'string') return value as VideoValue;
    const c = v!.components;
    if (v!.kind === 'components' && c && isTensor(c.images) && typeof c.frameRate === 'number') {
      if (c.audio) requireAudio(`${name}: audio`, c.audio);
      return value as VideoValue;
    }
  }
  throw new Error(`${name} must be a VIDEO value (from Load Video or Create Video)`);
}
