// The PNG writer: what sharp and the plain-PNG reader decode from it is the image written, for every channel count,
// sizes around the SIMD step and rows that span several kernel bands; its chunks (type bytes, text, order);
// level 0; and the Paeth rows' gain on a smooth image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { decodePlainPng } from '../../src/imaging/png-decode.ts';
import { encodePng } from '../../src/imaging/png-encode.ts';
import { pngChunks, readPngText } from '../../src/imaging/png-text.ts';
import { noisyBytes } from './helpers.ts';

async function sharpPixels(png: Buffer, channels: 1 | 2 | 3 | 4): Promise<Buffer> {
  if (channels === 1) return sharp(png).toColourspace('b-w').raw().toBuffer();
  const pixels = await sharp(png).raw().toBuffer();
  if (channels !== 2) return pixels;
  // sharp widens grey + alpha to RGBA: keep one grey value and the alpha.
  return Buffer.from(pixels.filter((_, i) => i % 4 === 0 || i % 4 === 3));
}

test('what is written decodes to the same pixels, for 1–4 channels and many sizes', async () => {
  const sizes = [[1, 1], [2, 3], [5, 1], [17, 9], [33, 16], [300, 41]] as const;
  for (const channels of [1, 2, 3, 4] as const) {
    for (const [width, height] of sizes) {
      const pixels = noisyBytes(width * height * channels, width * 31 + channels);
      const png = await encodePng({ pixels, width, height, channels }, { compressionLevel: 4 });
      assert.ok((await sharpPixels(png, channels)).equals(pixels), `${width}×${height}×${channels}`);
      if (channels >= 3) assert.ok(decodePlainPng(png)?.pixels.equals(pixels), `${width}×${height}×${channels}, plain reader`);
    }
  }
});

test('rows that span several kernel bands (wide RGBA rows) join up', async () => {
  const [width, height] = [10_000, 60]; // 40,000-byte rows: 25 rows per band, three bands
  const pixels = noisyBytes(width * height * 4, 5);
  const png = await encodePng({ pixels, width, height, channels: 4 }, { compressionLevel: 1 });
  assert.ok((await sharpPixels(png, 4)).equals(pixels));
});

test('chunks: IHDR, the text in order, one IDAT of Paeth rows, IEND', async () => {
  const [width, height] = [20, 10];
  const pixels = noisyBytes(width * height * 3, 9);
  const text: [string, string][] = [['prompt', '{"1": {"class_type": "X"}}'], ['workflow', 'ünïcode ✓']];
  const png = await encodePng({ pixels, width, height, channels: 3 }, { compressionLevel: 4, text });
  const types = [...pngChunks(png)].map((c) => c.type);
  assert.deepEqual(types, ['IHDR', 'tEXt', 'iTXt', 'IDAT', 'IEND']);
  assert.deepEqual(readPngText(png), Object.fromEntries(text));
  const idat = [...pngChunks(png)].find((c) => c.type === 'IDAT')!;
  const scanlines = inflateSync(png.subarray(idat.dataStart, idat.dataStart + idat.length));
  assert.equal(scanlines.length, height * (width * 3 + 1));
  for (let y = 0; y < height; y++) assert.equal(scanlines[y * (width * 3 + 1)], 4, `row ${y} is Paeth-filtered`);
});

test('level 0 stores the rows; a smooth image takes far less than its unfiltered rows would', async () => {
  const [width, height] = [256, 256];
  const smooth = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) smooth[(y * width + x) * 3 + c] = Math.round(127 + 60 * Math.sin(x / 19 + c) + 50 * Math.cos(y / 13 - c)) + ((x * y) % 3);
    }
  }
  const stored = await encodePng({ pixels: smooth, width, height, channels: 3 }, { compressionLevel: 0 });
  assert.ok(stored.length > smooth.length);
  assert.ok((await sharpPixels(stored, 3)).equals(smooth));
  const compressed = await encodePng({ pixels: smooth, width, height, channels: 3 }, { compressionLevel: 4 });
  const unfiltered = Buffer.alloc(height * (width * 3 + 1));
  for (let y = 0; y < height; y++) smooth.copy(unfiltered, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  assert.ok(compressed.length < 0.6 * deflateSync(unfiltered, { level: 4 }).length, `${compressed.length} bytes`);
});
