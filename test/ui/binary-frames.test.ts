// Decoding the WebSocket's binary frames in the browser client (web/src/api/binary-frames.ts, api.md §2.4): type 1
// previews (format word), type 4 previews (JSON metadata naming the node), type 3 progress text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBinaryFrame } from '../../web/src/api/binary-frames.ts';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const frame = (...parts: Buffer[]) => {
  const b = Buffer.concat(parts);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
};
const IMAGE = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);

test('type 1: the image with its format, for whichever node is running', async () => {
  const { preview } = decodeBinaryFrame(frame(u32(1), u32(2), IMAGE));
  assert.equal(preview?.image.type, 'image/png');
  assert.deepEqual(Buffer.from(await preview!.image.arrayBuffer()), IMAGE);
  assert.equal(preview?.nodeId, null);
  assert.equal(decodeBinaryFrame(frame(u32(1), u32(1), IMAGE)).preview?.image.type, 'image/jpeg');
});

test('type 4: metadata names the node (display id first) and the image type', async () => {
  const meta = Buffer.from(JSON.stringify({ node_id: '12', display_node_id: '7', prompt_id: 'p1', parent_node_id: null, real_node_id: '12', image_type: 'image/jpeg' }));
  const { preview } = decodeBinaryFrame(frame(u32(4), u32(meta.length), meta, IMAGE));
  assert.deepEqual([preview?.nodeId, preview?.promptId, preview?.image.type], ['7', 'p1', 'image/jpeg']);
  assert.deepEqual(Buffer.from(await preview!.image.arrayBuffer()), IMAGE);
});

test('type 3: progress text for a node; unknown types decode to nothing', () => {
  const id = Buffer.from('42');
  assert.deepEqual(decodeBinaryFrame(frame(u32(3), u32(id.length), id, Buffer.from('width: 8, height: 4'))).text, { nodeId: '42', text: 'width: 8, height: 4' });
  assert.deepEqual(decodeBinaryFrame(frame(u32(9), IMAGE)), {});
});
