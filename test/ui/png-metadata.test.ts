// Reading a workflow back out of a PNG in the browser (web/src/io/png-metadata.ts): the tEXt chunks SaveImage
// writes (Latin-1), UTF-8 tEXt from other tools, uncompressed iTXt, and non-PNG input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { insertPngText, pngChunk } from '../../src/imaging/png-text.ts';
import { readPngText } from '../../web/src/io/png-metadata.ts';

const tinyPng = () => sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } }).png().toBuffer();

const chunk = pngChunk;

/** Puts chunks right after IHDR (8-byte signature + 25-byte IHDR chunk). */
const withChunks = (png: Buffer, ...chunks: Buffer[]) => Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);

test('the prompt and workflow chunks SaveImage writes come back as written', async () => {
  const workflow = JSON.stringify({ nodes: [{ id: 1, type: 'SaveImage', widgets_values: ['café'] }], links: [] });
  const png = insertPngText(await tinyPng(), [['prompt', '{"1":{}}'], ['workflow', workflow]]);
  assert.deepEqual(readPngText(png), { prompt: '{"1":{}}', workflow });
});

test('UTF-8 in tEXt and uncompressed iTXt are read as UTF-8', async () => {
  const itxt = Buffer.concat([Buffer.from('workflow\0\0\0en\0\0', 'latin1'), Buffer.from('{"nodes":[],"title":"夜"}', 'utf8')]);
  const png = withChunks(await tinyPng(), chunk('tEXt', Buffer.from('note\0naïve ✓', 'utf8')), chunk('iTXt', itxt));
  assert.deepEqual(readPngText(png), { note: 'naïve ✓', workflow: '{"nodes":[],"title":"夜"}' });
});

test('a file that is not a PNG is refused', () => {
  assert.throws(() => readPngText(new TextEncoder().encode('{"nodes": []}')), /Not a PNG/);
});
