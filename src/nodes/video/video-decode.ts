// Reading video files with ffprobe/ffmpeg, as ComfyUI reads them with PyAV: the first video stream's frames as
// RGB (no auto-rotation, every decoded frame kept), its average frame rate (1 when unknown), and the audio of the
// file's last audio stream as float samples [1, channels, samples].
import { Tensor } from '../../inference/tensor.ts';
import type { AudioValue } from '../audio/audio-data.ts';
import { allocTensor } from '../utils/node-args.ts';
import { runFfmpeg } from './ffmpeg.ts';
import type { VideoComponents } from './video-value.ts';

export interface ProbedStream {
  index: number;
  codec_type: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
}

export interface VideoProbe {
  /** Comma-separated demuxer names, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  formatName: string;
  tags: Record<string, string>;
  video: ProbedStream | null;
  audio: ProbedStream[];
}

export async function probeVideo(path: string, signal?: AbortSignal): Promise<VideoProbe> {
  let json: { streams?: ProbedStream[]; format?: { format_name?: string; tags?: Record<string, string> } };
  try {
    const out = await runFfmpeg('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], { signal });
    json = JSON.parse(out.toString('utf8'));
  } catch (err) {
    if ((err as Error).name === 'FfmpegMissingError') throw err;
    throw new Error(`could not read the video file: ${(err as Error).message}`);
  }
  const streams = json.streams ?? [];
  return {
    formatName: json.format?.format_name ?? '',
    tags: json.format?.tags ?? {},
    video: streams.find((s) => s.codec_type === 'video') ?? null,
    audio: streams.filter((s) => s.codec_type === 'audio'),
  };
}

/** "30000/1001" → 29.97…; null for "0/0" or anything unusable. */
export function parseRate(rate: string | undefined): number | null {
  const m = /^(\d+)\/(\d+)$/.exec(rate ?? '');
  if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) return null;
  return Number(m[1]) / Number(m[2]);
}

export async function videoDimensions(path: string, signal?: AbortSignal): Promise<[width: number, height: number]> {
  const probe = await probeVideo(path, signal);
  if (!probe.video) throw new Error(`No video stream found in file '${path}'`);
  return [probe.video.width ?? 0, probe.video.height ?? 0];
}

async function decodeFrames(path: string, stream: ProbedStream, signal?: AbortSignal): Promise<Tensor> {
  const width = stream.width ?? 0;
  const height = stream.height ?? 0;
  const raw = await runFfmpeg('ffmpeg', [
    '-v', 'error', '-noautorotate', '-i', path, '-map', `0:${stream.index}`,
    '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ], { signal });
  const frameBytes = width * height * 3;
  const count = frameBytes === 0 ? 0 : Math.floor(raw.length / frameBytes);
  if (count === 0) return new Tensor([0, 3, 0, 0]); // what ComfyUI returns for a video without frames
  const images = allocTensor([count, height, width, 3], 'video frames');
  for (let i = 0; i < images.size; i++) images.data[i] = raw[i]! / 255;
  return images;
}

async function decodeAudio(path: string, stream: ProbedStream, signal?: AbortSignal): Promise<AudioValue | null> {
  const channels = stream.channels ?? 0;
  if (channels === 0) return null;
  const raw = await runFfmpeg('ffmpeg', ['-v', 'error', '-i', path, '-map', `0:${stream.index}`, '-f', 'f32le', '-c:a', 'pcm_f32le', 'pipe:1'], { signal });
  const interleaved = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length - (raw.length % 4)));
  const samples = Math.floor(interleaved.length / channels);
  if (samples === 0) return null;
  const waveform = allocTensor([1, channels, samples], 'audio waveform');
  for (let s = 0; s < samples; s++) {
    for (let c = 0; c < channels; c++) waveform.data[c * samples + s] = interleaved[s * channels + c]!;
  }
  return { waveform, sample_rate: Number(stream.sample_rate) || 1 };
}

/** Decodes the whole file into components (ComfyUI's `VideoFromFile.get_components`). */
export async function decodeVideoFile(path: string, signal?: AbortSignal): Promise<VideoComponents> {
  const probe = await probeVideo(path, signal);
  if (!probe.video) throw new Error(`No video stream found in file '${path}'`);
  const images = await decodeFrames(path, probe.video, signal);
  let audio: AudioValue | null = null;
  // PyAV keeps the audio of the last audio stream that decodes to anything.
  for (const stream of probe.audio) audio = (await decodeAudio(path, stream, signal)) ?? audio;
  return { images, frameRate: parseRate(probe.video.avg_frame_rate) ?? 1, audio };
}
