// Animated PNG (APNG) writer for SaveAnimatedPNG: every frame stored whole (no frame differencing), each
// shown for `delayMs`, looping forever; metadata goes in private `comf` chunks after the image data, as
// ComfyUI writes it (`<keyword>\0<json>`).
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_TYPE: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Scanlines with filter type 0 (None), deflated. */
function compressFrame(pixels: Uint8Array, width: number, height: number, channels: number, level: number): Buffer {
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return deflateSync(raw, { level });
}

export interface ApngOptions {
  delayMs: number;
  compressionLevel: number;
  /** Written as `comf` chunks after the frames. */
  comfChunks?: ReadonlyArray<readonly [string, string]>;
}

export function encodeApng(frames: readonly Uint8Array[], width: number, height: number, channels: number, options: ApngOptions): Buffer {
  const colorType = COLOR_TYPE[channels];
  if (colorType === undefined) throw new Error(`APNG: unsupported channel count ${channels}`);
  if (frames.length === 0) throw new Error('APNG: no frames');
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, colorType, 0, 0, 0], 8);
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(frames.length, 0);
  actl.writeUInt32BE(0, 4);
  const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('acTL', actl)];
  let seq = 0;
  frames.forEach((frame, i) => {
    const fctl = Buffer.alloc(26);
    fctl.writeUInt32BE(seq++, 0);
    fctl.writeUInt32BE(width, 4);
    fctl.writeUInt32BE(height, 8);
    fctl.writeUInt32BE(0, 12);
    fctl.writeUInt32BE(0, 16);
    fctl.writeUInt16BE(Math.min(Math.max(Math.round(options.delayMs), 0), 65535), 20);
    fctl.writeUInt16BE(1000, 22);
    fctl.set([0, 0], 24); // dispose none, blend source
    parts.push(chunk('fcTL', fctl));
    const data = compressFrame(frame, width, height, channels, options.compressionLevel);
    if (i === 0) {
      parts.push(chunk('IDAT', data));
    } else {
      const fdat = Buffer.alloc(4 + data.length);
      fdat.writeUInt32BE(seq++, 0);
      data.copy(fdat, 4);
      parts.push(chunk('fdAT', fdat));
    }
  });
  for (const [key, text] of options.comfChunks ?? []) {
    parts.push(chunk('comf', Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')])));
  }
  parts.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}
