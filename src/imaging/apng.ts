// Animated PNG (APNG) writer for SaveAnimatedPNG: every frame stored whole (no frame differencing), each
// shown for `delayMs`, looping forever; metadata goes in private `comf` chunks after the image data, as
// ComfyUI writes it (`<keyword>\0<json>`).
import { compressImageData, PNG_COLOUR_TYPE } from './png-encode.ts';
import { PNG_SIGNATURE, pngChunk } from './png-text.ts';

export interface ApngOptions {
  delayMs: number;
  compressionLevel: number;
  /** Written as `comf` chunks after the frames. */
  comfChunks?: ReadonlyArray<readonly [string, string]>;
}

export function encodeApng(frames: readonly Uint8Array[], width: number, height: number, channels: number, options: ApngOptions): Buffer {
  const colorType = PNG_COLOUR_TYPE[channels];
  if (colorType === undefined) throw new Error(`APNG: unsupported channel count ${channels}`);
  if (frames.length === 0) throw new Error('APNG: no frames');
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, colorType, 0, 0, 0], 8);
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(frames.length, 0);
  actl.writeUInt32BE(0, 4);
  const parts = [PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('acTL', actl)];
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
    parts.push(pngChunk('fcTL', fctl));
    const data = compressImageData(frame, width, height, channels, options.compressionLevel);
    if (i === 0) {
      parts.push(pngChunk('IDAT', data));
    } else {
      const fdat = Buffer.alloc(4 + data.length);
      fdat.writeUInt32BE(seq++, 0);
      data.copy(fdat, 4);
      parts.push(pngChunk('fdAT', fdat));
    }
  });
  for (const [key, text] of options.comfChunks ?? []) {
    parts.push(pngChunk('comf', Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')])));
  }
  parts.push(pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}
