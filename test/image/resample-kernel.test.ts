// The SIMD vertical pass against Resample.c's scalar arithmetic (int32 sums from 2^21, clip8), byte for byte, on
// random rows: enlarging and shrinking (up to 61 taps), row lengths that are not a multiple of 16, and images
// taller than one band.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resampleVertical, type ResampleCoefficients } from '../../src/imaging/resample-kernel.ts';

function randomCoefficients(inH: number, outH: number, random: () => number): ResampleCoefficients {
  const ksize = Math.ceil((3 * Math.max(1, inH / outH))) * 2 + 1;
  const bounds = new Int32Array(outH * 2);
  const weights = new Int32Array(outH * ksize);
  for (let y = 0; y < outH; y++) {
    const taps = 1 + Math.floor(random() * ksize);
    const first = Math.min(inH - taps, Math.floor(((y + 0.5) * inH) / outH - taps / 2 + 0.5));
    bounds[y * 2] = Math.max(0, first);
    bounds[y * 2 + 1] = Math.min(taps, inH - Math.max(0, first));
    for (let t = 0; t < taps; t++) weights[y * ksize + t] = Math.round((random() - 0.3) * 2 ** 23);
  }
  return { ksize, bounds, weights };
}

function scalarVertical(src: Uint8Array, rowLen: number, outH: number, c: ResampleCoefficients, shift: number): Uint8Array {
  const out = new Uint8Array(rowLen * outH);
  for (let y = 0; y < outH; y++) {
    const ymin = c.bounds[y * 2]! - shift;
    for (let x = 0; x < rowLen; x++) {
      let ss = 1 << 21;
      for (let t = 0; t < c.bounds[y * 2 + 1]!; t++) ss = (ss + src[(ymin + t) * rowLen + x]! * c.weights[y * c.ksize + t]!) | 0;
      out[y * rowLen + x] = ss >= 2 ** 30 ? 255 : ss <= 0 ? 0 : ss >> 22;
    }
  }
  return out;
}

test('the vertical pass equals the scalar fixed-point sums byte for byte', () => {
  let seed = 1;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (const [rowLen, inH, outH, shift] of [[3, 5, 9, 0], [37, 40, 11, 0], [48, 16, 31, 2], [1003, 700, 1500, 0], [12288, 200, 700, 0]] as const) {
    const src = Uint8Array.from({ length: rowLen * (inH + shift) }, () => Math.floor(random() * 256));
    const c = randomCoefficients(inH, outH, random);
    for (let y = 0; y < outH; y++) c.bounds[y * 2] += shift;
    assert.deepEqual(resampleVertical(src, rowLen, outH, c, 0), scalarVertical(src, rowLen, outH, c, 0), `rowLen ${rowLen}, ${inH} → ${outH}`);
  }
});
