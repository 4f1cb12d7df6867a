// The PNG reader for plain 8-bit RGB/RGBA files against sharp's decoder: every filter type on rows of random
// pixels, split image data, ICC-tagged files (stored values, as Pillow returns them), and the files it leaves to
// sharp (other depths and colour types, interlacing, transparency, orientation, animation, damage, size).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { decodeImageFrames } from '../../src/imaging/codec.ts';
import { decodePlainPng } from '../../src/imaging/png-decode.ts';
import { PNG_SIGNATURE, pngChunk } from '../../src/imaging/png-text.ts';
import { noisyBytes } from './helpers.ts';

/** The filtered byte of PNG filter `type` for byte `i` of a row, given the raw neighbours (PNG spec §9). */
function filterByte(type: number, x: number, a: number, b: number, c: number): number {
  if (type === 1) return x - a;
  if (type === 2) return x - b;
  if (type === 3) return x - ((a + b) >> 1);
  if (type === 4) {
    const p = a + b - c;
    const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
    return x - (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
  }
  return x;
}

/** A PNG written by hand: row y filtered with `filterOf(y)`, image data split into `parts` IDAT chunks. */
function handPng(pixels: Buffer, width: number, height: number, channels: 3 | 4, filterOf: (y: number) => number, opts: { parts?: number; extra?: Buffer[]; declaredHeight?: number } = {}): Buffer {
  const stride = width * channels;
  const scanlines = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const type = filterOf(y);
    scanlines[y * (stride + 1)] = type;
    for (let i = 0; i < stride; i++) {
      const at = (dy: number, di: number) => (y + dy >= 0 && i + di >= 0 ? pixels[(y + dy) * stride + i + di]! : 0);
      scanlines[y * (stride + 1) + 1 + i] = filterByte(type, at(0, 0), at(0, -channels), at(-1, 0), at(-1, -channels)) & 255;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(opts.declaredHeight ?? height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 4 ? 6 : 2;
  const data = deflateSync(scanlines);
  const parts = opts.parts ?? 1;
  const step = Math.ceil(data.length / parts);
  const idat = Array.from({ length: parts }, (_, k) => pngChunk('IDAT', data.subarray(k * step, (k + 1) * step)));
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), ...(opts.extra ?? []), ...idat, pngChunk('IEND', Buffer.alloc(0))]);
}

async function sharpRaw(png: Buffer): Promise<Buffer> {
  return sharp(png, { ignoreIcc: true }).raw().toBuffer();
}

test('every filter type, alone and mixed, RGB and RGBA, decodes to the pixels sharp reads', async () => {
  for (const channels of [3, 4] as const) {
    const [width, height] = [37, 23];
    const pixels = noisyBytes(width * height * channels, channels);
    const filterChoices: ((y: number) => number)[] = [0, 1, 2, 3, 4].map((t) => () => t);
    for (const filterOf of [...filterChoices, (y: number) => (y * 3) % 5]) {
      const png = handPng(pixels, width, height, channels, filterOf, { parts: 3 });
      const frame = decodePlainPng(png);
      assert.ok(frame, `filter of row 1: ${filterOf(1)}`);
      assert.deepEqual([frame.width, frame.height, frame.channels], [width, height, channels]);
      assert.ok(frame.pixels.equals(pixels), `${channels} channels, filter of row 1: ${filterOf(1)}`);
      assert.ok(frame.pixels.equals(await sharpRaw(png)));
    }
  }
});

test('a PNG sharp wrote with adaptive filters decodes as sharp decodes it, through decodeImageFrames too', async () => {
  const pixels = noisyBytes(64 * 48 * 3, 7);
  const png = await sharp(pixels, { raw: { width: 64, height: 48, channels: 3 } }).png({ adaptiveFiltering: true, compressionLevel: 9 }).toBuffer();
  assert.ok(decodePlainPng(png)?.pixels.equals(pixels));
  const decoded = await decodeImageFrames(png);
  assert.equal(decoded.format, 'png');
  assert.ok(decoded.frames[0]!.pixels.equals(pixels));
});

test('an ICC profile is not applied, whether the file is read here or, being large, by sharp', async () => {
  for (const [width, height] of [[16, 16], [1100, 1000]] as const) {
    const pixels = noisyBytes(width * height * 3, 3);
    const tagged = await sharp(pixels, { raw: { width, height, channels: 3 } }).withIccProfile('p3').png().toBuffer();
    const stored = await sharpRaw(tagged);
    const converted = await sharp(tagged).raw().toBuffer();
    assert.ok(!stored.equals(converted), 'the profile changes the values when applied');
    const { frames } = await decodeImageFrames(tagged);
    assert.ok(frames[0]!.pixels.equals(stored), `${width}×${height}`);
  }
});

test('files other than plain 8-bit RGB/RGBA PNGs are left to sharp', async () => {
  const rgb = noisyBytes(8 * 8 * 3, 1);
  const raw = { raw: { width: 8, height: 8, channels: 3 as const } };
  const plain = handPng(rgb, 8, 8, 3, () => 4);
  assert.ok(decodePlainPng(plain));
  const withChunk = (type: string, data: Buffer) => handPng(rgb, 8, 8, 3, () => 4, { extra: [pngChunk(type, data)] });
  const cases: Record<string, Buffer> = {
    'not a PNG': await sharp(rgb, raw).jpeg().toBuffer(),
    '16-bit': await sharp(rgb, raw).toColourspace('rgb16').png().toBuffer(),
    'greyscale': await sharp(rgb, raw).toColourspace('b-w').png().toBuffer(),
    'palette': await sharp(rgb, raw).png({ palette: true }).toBuffer(),
    'interlaced': await sharp(rgb, raw).png({ progressive: true }).toBuffer(),
    'tRNS': withChunk('tRNS', Buffer.from([0, 1, 0, 2, 0, 3])),
    'eXIf': withChunk('eXIf', Buffer.from('MM\0*\0\0\0\x08\0\0', 'latin1')),
    'acTL': withChunk('acTL', Buffer.from([0, 0, 0, 1, 0, 0, 0, 0])),
    'over 1024² pixels': handPng(Buffer.alloc(1025 * 1024 * 3), 1025, 1024, 3, () => 0),
    'truncated': plain.subarray(0, plain.length - 30),
    'unknown filter type': handPng(rgb, 8, 8, 3, (y) => (y === 5 ? 5 : 0)),
    'image data too short': handPng(rgb.subarray(0, 8 * 7 * 3), 8, 7, 3, () => 0, { declaredHeight: 8 }),
  };
  for (const [name, file] of Object.entries(cases)) assert.equal(decodePlainPng(file), null, name);
  // The damaged file still loads through sharp, as far as it goes (ComfyUI's LOAD_TRUNCATED_IMAGES).
  const { frames } = await decodeImageFrames(cases['image data too short']!);
  assert.deepEqual([frames[0]!.width, frames[0]!.height], [8, 8]);
});
