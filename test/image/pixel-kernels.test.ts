// The SIMD pixel conversions and `1 − x` against numpy's float32 semantics, value by value: every byte, the edge floats
// (NaN, ±∞, out of range, just under an integer step), and sizes that are not a multiple of the 16-value
// step or that span several chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToUnit, oneMinusInto, toUint8Into } from '../../src/imaging/pixel-kernels.ts';

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
