// Writing video files with ffmpeg the way ComfyUI writes them with PyAV. Frames (8-bit RGB), audio (f32le) and
// container tags (ffmetadata) all go in through pipes; ffmpeg writes a hidden temp file beside the target that is
// renamed into place only when it succeeded, so a failed or interrupted save leaves nothing behind.
//   MP4: H.264 yuv420p at 1024 kb/s (PyAV's stream defaults), AAC audio at 128 kb/s, tags as MP4 metadata items.
//   WEBM: VP9 yuv420p or AV1 (SVT, preset 6) yuv420p10le in constant-quality mode (crf, bit rate 0).
import { randomBytes } from 'node:crypto';
import { rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Tensor } from '../../inference/tensor.ts';
import { pythonJsonDumps } from '../../python/json-dumps.ts';
import { roundHalfEven } from '../utils/tensor-ops.ts';
import { ffmetadata, runFfmpeg } from './ffmpeg.ts';
import type { VideoComponents } from './video-value.ts';

type Tags = ReadonlyArray<readonly [string, string]>;

async function writeThroughTemp(target: string, produce: (temp: string) => Promise<unknown>): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await produce(temp);
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
}

/** ComfyUI's `Fraction(round(fps * 1000), 1000)` as a rational ffmpeg reads. */
export function millisRate(fps: number): { num: number; text: string } {
  const num = roundHalfEven(fps * 1000);
  if (!(num > 0)) throw new Error(`the frame rate must be positive, got ${fps}`);
  return { num, text: `${num}/1000` };
}

/** The first three channels of every frame as 8-bit RGB, `clamp(x·255, 0, 255)` truncated as torch's uint8 cast. */
export function rgb24Frames(images: Tensor): Buffer {
  const [b, h, w, c] = images.shape as [number, number, number, number];
  const out = Buffer.alloc(b * h * w * 3);
  for (let p = 0; p < b * h * w; p++) {
    for (let k = 0; k < 3; k++) {
      const v = images.data[p * c + k]! * 255;
      out[p * 3 + k] = v >= 255 ? 255 : v > 0 ? Math.trunc(v) : 0;
    }
  }
  return out;
}

function rawVideoInput(images: Tensor, rate: string): string[] {
  const [, h, w] = images.shape as [number, number, number, number];
  return ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-video_size', `${w}x${h}`, '-framerate', rate, '-i', 'pipe:0'];
}

/** The audio ComfyUI muxes: each clip cut to the video's duration (rounded up), batch items one after another. */
function interleavedAudio(components: VideoComponents, rateNum: number): { data: Buffer; channels: number; sampleRate: number } {
  const { waveform, sample_rate: sampleRate } = components.audio!;
  const [batch, channels, samples] = waveform.shape as [number, number, number];
  if (channels < 1 || channels > 2) throw new Error(`can only save mono or stereo audio in a video, got ${channels} channels`);
  const frames = components.images.shape[0]!;
  const kept = Math.min(samples, Math.ceil((sampleRate * 1000 * frames) / rateNum));
  const out = new Float32Array(batch * kept * channels);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < kept; s++) {
      for (let ch = 0; ch < channels; ch++) out[o++] = waveform.data[(b * channels + ch) * samples + s]!;
    }
  }
  return { data: Buffer.from(out.buffer), channels, sampleRate };
}

/** `VideoFromComponents.save_to`: every metadata value is JSON-encoded. */
export async function encodeMp4(components: VideoComponents, target: string, metadata: Record<string, unknown> | null, signal?: AbortSignal): Promise<void> {
  const [frames, h, w, c] = components.images.shape as [number, number, number, number];
  if (components.images.rank !== 4 || frames === 0) throw new Error('the video has no frames to save');
  if (c !== 3) throw new Error(`video frames must have 3 channels (RGB), got ${c}`);
  if (w % 2 !== 0 || h % 2 !== 0) throw new Error(`H.264 (yuv420p) needs an even width and height, got ${w}x${h}`);
  const rate = millisRate(components.frameRate);
  const tags: Tags = Object.entries(metadata ?? {}).map(([k, v]) => [k, pythonJsonDumps(v)]);
  const audio = components.audio ? interleavedAudio(components, rate.num) : null;
  const audioInput = audio ? ['-f', 'f32le', '-ar', String(audio.sampleRate), '-ac', String(audio.channels), '-i', 'pipe:4'] : [];
  const audioOutput = audio ? ['-map', '2:a', '-c:a', 'aac', '-b:a', '128000'] : [];
  const inputs = [rgb24Frames(components.images), ffmetadata(tags), ...(audio ? [audio.data] : [])];
  await writeThroughTemp(target, (temp) => runFfmpeg('ffmpeg', [
    '-v', 'error', '-y', ...rawVideoInput(components.images, rate.text), '-f', 'ffmetadata', '-i', 'pipe:3', ...audioInput,
    '-map', '0:v', '-map_metadata', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-b:v', '1024000', '-bt', '128000',
    ...audioOutput, '-movflags', 'use_metadata_tags', '-f', 'mp4', temp,
  ], { inputs, signal }));
}

/**
 * `VideoFromFile.save_to` when the streams can be reused: they are copied into an MP4 untouched, keeping the
 * file's own tags unless overridden; new string values are written as they are, others JSON-encoded.
 */
export async function remuxToMp4(source: string, sourceTags: Record<string, string>, target: string, metadata: Record<string, unknown> | null, signal?: AbortSignal): Promise<void> {
  const merged = new Map(Object.entries(sourceTags).filter(([k]) => !metadata || !(k in metadata)));
  for (const [k, v] of Object.entries(metadata ?? {})) merged.set(k, typeof v === 'string' ? v : pythonJsonDumps(v));
  await writeThroughTemp(target, (temp) => runFfmpeg('ffmpeg', [
    '-v', 'error', '-y', '-i', source, '-f', 'ffmetadata', '-i', 'pipe:3',
    '-map', '0:v?', '-map', '0:a?', '-map', '0:s?', '-map_metadata', '1', '-c', 'copy',
    '-movflags', 'use_metadata_tags', '-f', 'mp4', temp,
  ], { inputs: [Buffer.alloc(0), ffmetadata([...merged])], signal }));
}

export type WebmCodec = 'vp9' | 'av1';

/** Python's str() of a float, as ComfyUI hands `crf` to the encoder ("32.0"). */
function pythonFloatText(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** SaveWEBM's encoder: constant quality at `crf`, tags as Matroska tags. */
export async function encodeWebm(images: Tensor, fps: number, codec: WebmCodec, crf: number, target: string, tags: Tags, signal?: AbortSignal): Promise<void> {
  const codecArgs = codec === 'av1'
    ? ['-c:v', 'libsvtav1', '-pix_fmt', 'yuv420p10le', '-preset', '6']
    : ['-c:v', 'libvpx-vp9', '-pix_fmt', 'yuv420p'];
  await writeThroughTemp(target, (temp) => runFfmpeg('ffmpeg', [
    '-v', 'error', '-y', ...rawVideoInput(images, millisRate(fps).text), '-f', 'ffmetadata', '-i', 'pipe:3',
    '-map', '0:v', '-map_metadata', '1', ...codecArgs, '-b:v', '0', '-crf', pythonFloatText(crf), '-f', 'webm', temp,
  ], { inputs: [rgb24Frames(images), ffmetadata(tags)], signal }));
}
