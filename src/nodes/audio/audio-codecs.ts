// Audio files ↔ planar float channels. Decoding covers what audio-decode reads (WAV, FLAC, MP3, Ogg Opus/Vorbis,
// AAC/M4A/MP4, WebM, AIFF, CAF, …); encoding writes the three formats ComfyUI saves: FLAC (16-bit, libFLAC),
// MP3 (LAME: V0 as VBR quality 0, or a constant bit rate) and Ogg Opus (libopus), each carrying the text tags.
import decode from 'audio-decode';
import flacEncoder from '@audio/encode-flac';
import mp3Encoder from '@audio/encode-mp3';
import { id3v2Tag, setFlacTags } from './audio-tags.ts';
import { encodeOggOpus, OPUS_RATES } from './ogg-opus.ts';

export interface DecodedAudio {
  channels: Float32Array[];
  sampleRate: number;
}

export async function decodeAudioFile(bytes: Uint8Array): Promise<DecodedAudio> {
  let decoded;
  try {
    decoded = await decode(bytes);
  } catch (err) {
    throw new Error(`could not decode the audio file: ${(err as Error).message}`);
  }
  if (!decoded || decoded.channelData.length === 0) throw new Error('No audio stream found in the file.');
  if (decoded.channelData[0]!.length === 0) throw new Error('No audio frames decoded.');
  return { channels: decoded.channelData, sampleRate: decoded.sampleRate };
}

export type AudioFormat = 'flac' | 'mp3' | 'opus';

export const MP3_QUALITIES = ['V0', '128k', '320k'] as const;
export const OPUS_QUALITIES = ['64k', '96k', '128k', '192k', '320k'] as const;

async function drain(encoder: { encode(c: Float32Array[]): Uint8Array; flush(): Uint8Array; free(): void }, channels: Float32Array[]) {
  try {
    const head = encoder.encode(channels);
    const tail = encoder.flush();
    return Buffer.concat([head, tail]);
  } finally {
    encoder.free();
  }
}

/** The Opus rate a clip is resampled to: its own if libopus takes it, else the next higher one (48 kHz at most). */
export function opusRateFor(sampleRate: number): (typeof OPUS_RATES)[number] {
  return OPUS_RATES.find((r) => r >= sampleRate) ?? 48000;
}

/** Encodes one clip (planar channels at `sampleRate`; Opus clips must already be at an Opus rate). */
export async function encodeAudioFile(
  format: AudioFormat, channels: Float32Array[], sampleRate: number, quality: string, tags: ReadonlyArray<readonly [string, string]>,
): Promise<Buffer> {
  if (channels.length < 1 || channels.length > 2) throw new Error(`can only save mono or stereo audio, got ${channels.length} channels`);
  if (format === 'flac') {
    const encoder = await flacEncoder({ sampleRate, channels: channels.length, bitDepth: 16 });
    return setFlacTags(await drain(encoder, channels), tags);
  }
  if (format === 'mp3') {
    const options = quality === 'V0' ? { quality: 0 } : { bitrate: Number.parseInt(quality, 10) };
    const encoder = await mp3Encoder({ sampleRate, channels: channels.length, ...options });
    return Buffer.concat([id3v2Tag(tags), await drain(encoder, channels)]);
  }
  const rate = OPUS_RATES.find((r) => r === sampleRate);
  if (rate === undefined) throw new Error(`Opus cannot encode at ${sampleRate} Hz`);
  return encodeOggOpus(channels, rate, Number.parseInt(quality, 10) * 1000, tags);
}
