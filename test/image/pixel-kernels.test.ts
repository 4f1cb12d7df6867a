// The SIMD pixel conversions and `1 − x` against numpy's float32 semantics, value by value: every byte, the edge floats
// (NaN, ±∞, out of range, just under an integer step), and sizes that are not a multiple of the 16-value
// step or that span several chunks. Byte-coded tensors (LoadImage's RGB output) against the float path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageItemToUint8 } from '../../src/imaging/codec.ts';
import { bytesToUnit, mapByteLevels, oneMinusInto, toUint8Into, unitBytesTensor } from '../../src/imaging/pixel-kernels.ts';
import { Tensor } from '../../src/inference/tensor.ts';

/** numpy: `clip(np.float32(x) * np.float32(255), 0, 255).astype(np.uint8)`, NaN taken as 0. */
function referenceByte(x: number): number {
  const v = Math.fround(x * 255);
  return v >= 255 ? 255 : v > 0 ? Math.trunc(v) : 0;
}

const SIZES = [0, 1, 15, 16, 17, 1000, (1 << 18) - 1, (1 << 18) + 37, 3 * (1 << 18) + 5];

test('bytesToUnit is float32(v) / 255 for every byte and every size', () => {
  for (const n of SIZES) {
    const src = Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 8)) & 255);
    const dst = new Float32Array(n).fill(-1);
    bytesToUnit(src, dst);
    for (let i = 0; i < n; i++) {
      if (dst[i] !== Math.fround(src[i]! / 255)) assert.fail(`n=${n} i=${i}: ${src[i]} → ${dst[i]}`);
    }
  }
});

test('bytesToUnit converts only dst.length values of a longer source', () => {
  const dst = new Float32Array(20);
  bytesToUnit(new Uint8Array(40).fill(255), dst);
  assert.ok(dst.every((v) => v === 1));
});

test('toUint8Into truncates the float32 product and saturates, NaN → 0', () => {
  const edges = [NaN, -Infinity, Infinity, -1, -0.001, 0, 1e-9, 0.5, 1, 1.5, 1e30, -1e30];
  // Each byte's own float (k / 255 must round-trip), and its float neighbours just below and above.
  for (let k = 0; k < 256; k++) {
    const f = new Float32Array([k / 255]);
    const bits = new Uint32Array(f.buffer);
    for (const d of [-1, 0, 1]) {
      const g = new Float32Array(new Uint32Array([bits[0]! + d]).buffer)[0]!;
      edges.push(g);
    }
  }
  for (const n of SIZES) {
    const src = Float32Array.from({ length: n }, (_, i) => (i < edges.length ? edges[i]! : ((i * 7919) % 10007) / 9000 - 0.05));
    const dst = new Uint8Array(n).fill(7);
    toUint8Into(src, dst);
    for (let i = 0; i < n; i++) {
      if (dst[i] !== referenceByte(src[i]!)) assert.fail(`n=${n} i=${i}: ${src[i]} → ${dst[i]}, expected ${referenceByte(src[i]!)}`);
    }
  }
  const roundTrip = new Uint8Array(256);
  const unit = new Float32Array(256);
  bytesToUnit(Uint8Array.from({ length: 256 }, (_, k) => k), unit);
  toUint8Into(unit, roundTrip);
  assert.deepEqual([...roundTrip], Array.from({ length: 256 }, (_, k) => k), 'bytes survive a round trip');
});

test('oneMinusInto is float32 1 − x for every value and every size, in place too', () => {
  const edges = [NaN, -Infinity, Infinity, -0, 0, 1, -1, 1e-30, 0.1, 2 ** -24, 1 - 2 ** -24, 3.5e38];
  for (const n of SIZES) {
    const src = Float32Array.from({ length: n }, (_, i) => (i < edges.length ? edges[i]! : ((i * 7919) % 10007) / 3000 - 1.5));
    const dst = new Float32Array(n).fill(7);
    oneMinusInto(src, dst);
    for (let i = 0; i < n; i++) {
      if (!Object.is(dst[i], Math.fround(1 - src[i]!))) assert.fail(`n=${n} i=${i}: ${src[i]} → ${dst[i]}`);
    }
    oneMinusInto(dst, dst);
    for (let i = 0; i < n; i++) {
      if (!Object.is(dst[i], Math.fround(1 - Math.fround(1 - src[i]!)))) assert.fail(`in place, n=${n} i=${i}`);
    }
  }
});

// Byte-coded tensors (an 8-bit image kept as its bytes): the same floats and the same 8-bit output as the float path.
const everyByte = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + (i >> 9)) & 255);

test('a byte-coded tensor reads as v / 255 and stops being byte-coded once its floats are read', () => {
  const codes = everyByte(3 * 87_389); // more than one kernel chunk
  const t = unitBytesTensor([1, codes.length / 3, 1, 3], codes);
  assert.equal(t.size, codes.length);
  assert.ok(t.byteCoded, 'byte-coded until read');
  const expected = new Float32Array(codes.length);
  bytesToUnit(codes, expected);
  assert.deepEqual(t.data, expected);
  assert.equal(t.byteCoded, null, 'the floats are the values from now on');
  assert.throws(() => Tensor.fromByteCodes([2, 2], { codes: new Uint8Array(3), levels: new Float32Array(256) }, () => {}), /3 values/);
});

test('a per-value op on the 256 levels gives the floats and bytes of the op on every value', () => {
  // Several kernel chunks and a tail that is not a multiple of 16.
  const shape = [1, 52429, 5, 3];
  const n = 52429 * 5 * 3;
  const codes = everyByte(n);
  const inverted = mapByteLevels(unitBytesTensor(shape, codes), oneMinusInto)!;
  assert.ok(inverted.byteCoded);
  const floats = new Float32Array(n);
  bytesToUnit(codes, floats);
  oneMinusInto(floats, floats);
  const bytes = Buffer.alloc(n);
  toUint8Into(floats, bytes);
  assert.ok(imageItemToUint8(inverted, 0).pixels.equals(bytes), '8-bit output as through floats (numpy truncation included)');
  assert.deepEqual(inverted.data, floats);
  assert.equal(mapByteLevels(inverted, oneMinusInto), null, 'read tensors take the float path');
});

test('8-bit output of byte-coded batches: each item, identity levels copied, written floats honoured', () => {
  const codes = everyByte(2 * 4 * 5 * 3);
  const batch = unitBytesTensor([2, 4, 5, 3], codes);
  assert.ok(imageItemToUint8(batch, 1).pixels.equals(codes.subarray(60)), 'v / 255 comes back as v');
  const read = unitBytesTensor([2, 4, 5, 3], codes);
  read.data[0] = 1; // once read, a write to the floats is what gets saved
  assert.equal(imageItemToUint8(read, 0).pixels[0], 255);
});
