// An Ogg Opus file (RFC 7845) from libopus packets: OpusHead and OpusTags pages, then 20 ms packets, the
// granule position counting 48 kHz samples from the pre-skip, the last page flagged end-of-stream.
import OpusScript from 'opusscript';
import { vorbisComments } from './audio-tags.ts';

/** The sample rates libopus accepts. */
export const OPUS_RATES = [8000, 12000, 16000, 24000, 48000] as const;
/** libopus's look-ahead in 48 kHz samples (2.5 ms + 4 ms), written as the pre-skip. */
const PRE_SKIP = 312;
const MAX_SEGMENTS = 255;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

function oggCrc(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

class OggWriter {
  private readonly pages: Buffer[] = [];
  private sequence = 0;
  constructor(private readonly serial: number) {}

  /** Writes one packet, spread over as many pages as its lacing needs; `granule` goes on the page it ends on. */
  packet(data: Uint8Array, granule: bigint, flags: { first?: boolean; last?: boolean } = {}): void {
    const lacing: number[] = [];
    for (let left = data.length; ; left -= 255) {
      lacing.push(Math.min(255, left));
      if (left < 255) break;
    }
    let offset = 0;
    for (let seg = 0; seg < lacing.length; seg += MAX_SEGMENTS) {
      const segments = lacing.slice(seg, seg + MAX_SEGMENTS);
      const ends = seg + MAX_SEGMENTS >= lacing.length;
      const size = segments.reduce((a, b) => a + b, 0);
      const type = (seg > 0 ? 0x01 : 0) | (flags.first && seg === 0 ? 0x02 : 0) | (flags.last && ends ? 0x04 : 0);
      this.page(type, ends ? granule : -1n, segments, data.subarray(offset, offset + size));
      offset += size;
    }
  }

  private page(type: number, granule: bigint, segments: number[], body: Uint8Array): void {
    const head = Buffer.alloc(27 + segments.length);
    head.write('OggS', 0, 'latin1');
    head[5] = type;
    head.writeBigInt64LE(granule, 6);
    head.writeUInt32LE(this.serial, 14);
    head.writeUInt32LE(this.sequence++, 18);
    head[26] = segments.length;
    segments.forEach((s, i) => (head[27 + i] = s));
    const page = Buffer.concat([head, body]);
    page.writeUInt32LE(oggCrc(page), 22);
    this.pages.push(page);
  }

  bytes(): Buffer {
    return Buffer.concat(this.pages);
  }
}

function opusHead(channels: number, inputRate: number): Buffer {
  const b = Buffer.alloc(19);
  b.write('OpusHead', 0, 'latin1');
  b[8] = 1;
  b[9] = channels;
  b.writeUInt16LE(PRE_SKIP, 10);
  b.writeUInt32LE(inputRate, 12);
  return b;
}

/** Encodes planar float channels (one Float32Array each, 1 or 2) at an Opus rate into an Ogg Opus file. */
export function encodeOggOpus(
  channels: readonly Float32Array[], rate: (typeof OPUS_RATES)[number], bitRate: number, tags: ReadonlyArray<readonly [string, string]>,
): Buffer {
  const nch = channels.length;
  const total = channels[0]!.length;
  const frame = rate / 50; // 20 ms
  const toGranule = 48000 / rate;
  const encoder = new OpusScript(rate, nch, OpusScript.Application.AUDIO);
  try {
    encoder.setBitrate(bitRate);
    const ogg = new OggWriter((Math.random() * 0xffffffff) >>> 0);
    ogg.packet(opusHead(nch, rate), 0n, { first: true });
    ogg.packet(Buffer.concat([Buffer.from('OpusTags', 'latin1'), vorbisComments(tags)]), 0n);
    const pcm = Buffer.alloc(frame * nch * 2);
    const frames = Math.max(1, Math.ceil((total + (PRE_SKIP / toGranule)) / frame));
    for (let f = 0; f < frames; f++) {
      pcm.fill(0);
      for (let i = 0; i < frame; i++) {
        const src = f * frame + i;
        if (src >= total) break;
        for (let c = 0; c < nch; c++) {
          const s = Math.round(channels[c]![src]! * 32768);
          pcm.writeInt16LE(Math.max(-32768, Math.min(32767, s)), (i * nch + c) * 2);
        }
      }
      const last = f === frames - 1;
      const granule = last ? BigInt(PRE_SKIP + Math.round(total * toGranule)) : BigInt((f + 1) * frame * toGranule);
      ogg.packet(encoder.encode(pcm, frame), granule, { last });
    }
    return ogg.bytes();
  } finally {
    encoder.delete();
  }
}
