import assert from 'node:assert/strict';
import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { floatToBFloat16, floatToHalf, fromFloat32, toFloat32 } from '../../src/inference/files/dtype.ts';
import { MAX_HEADER_BYTES, openSafetensors } from '../../src/inference/files/safetensors.ts';
import { openWeights, sniffWeightFormat } from '../../src/inference/files/open-weights.ts';
import { safetensorsHeader, writeSafetensors } from '../../src/inference/files/safetensors-writer.ts';
import { FIDELITY, skipUnless, tempDir } from './helpers.ts';

const TRACE = join(FIDELITY, 'txt2img_64_seed42_trace.safetensors');

/** A file with a hand-written header followed by `dataBytes` zero bytes. */
function crafted(header: Buffer | string, dataBytes = 0, lengthField?: bigint): string {
  const json = Buffer.isBuffer(header) ? header : Buffer.from(header);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(lengthField ?? BigInt(json.length));
  const path = join(tempDir('st'), 'crafted.safetensors');
  writeFileSync(path, Buffer.concat([length, json, Buffer.alloc(dataBytes)]));
  return path;
}

describe('safetensors reader', () => {
  it('reads the fidelity trace: metadata, int64 tokens, float32 sigmas', { skip: skipUnless(TRACE) }, async () => {
    const file = await openSafetensors(TRACE);
    assert.equal(file.metadata.positive, 'a photo of a cat');
    const tokens = file.tensors.get('pos_tokens')!;
    assert.deepEqual([tokens.dtype, tokens.shape], ['I64', [1, 77]]);
    const ids = Array.from(await file.readFloat32(tokens));
    assert.deepEqual(ids.slice(0, 7), [49406, 320, 1125, 539, 320, 2368, 49407]);
    const sigmas = await file.readFloat32(file.tensors.get('sigmas')!);
    assert.ok(Math.abs(sigmas[0]! - 14.61464) < 1e-4);
    assert.equal(file.tensors.get('png_pixels')!.dtype, 'U8');
  });

  it('round-trips every float dtype and integers through the writer', async () => {
    const path = join(tempDir('st'), 'rt.safetensors');
    const values = [0, 1, -2.5, 0.1, 65504, 1e-7];
    await writeSafetensors(path, [
      { name: 'f32', dtype: 'F32', shape: [2, 3], data: fromFloat32(values, 'F32') },
      { name: 'f16', dtype: 'F16', shape: [6], data: fromFloat32(values, 'F16') },
      { name: 'bf16', dtype: 'BF16', shape: [3, 2], data: () => fromFloat32(values, 'BF16') },
      { name: 'f64', dtype: 'F64', shape: [6], data: fromFloat32(values, 'F64') },
      { name: 'i64', dtype: 'I64', shape: [3], data: new Uint8Array(BigInt64Array.from([-1n, 0n, 77n]).buffer) },
      { name: 'scalar', dtype: 'F32', shape: [], data: fromFloat32([3], 'F32') },
    ], { format: 'pt' });
    const file = await openSafetensors(path);
    assert.deepEqual(file.metadata, { format: 'pt' });
    assert.deepEqual([...file.tensors.keys()], ['f32', 'f16', 'bf16', 'f64', 'i64', 'scalar']);
    assert.deepEqual(Array.from(await file.readFloat32(file.tensors.get('f32')!)), Array.from(Float32Array.from(values)));
    const f16 = await file.readFloat32(file.tensors.get('f16')!);
    assert.equal(f16[4], 65504);
    assert.ok(Math.abs(f16[3]! - 0.1) < 1e-4);
    assert.ok(Math.abs(f16[5]! - 1e-7) < 6e-8, 'subnormal half');
    const bf16 = await file.readFloat32(file.tensors.get('bf16')!);
    assert.equal(bf16[2], -2.5);
    assert.deepEqual(Array.from(await file.readFloat32(file.tensors.get('i64')!)), [-1, 0, 77]);
    assert.deepEqual(file.tensors.get('scalar')!.shape, []);
    // Data starts 8-byte aligned: the header is padded with spaces.
    const headerLength = Number(readFileSync(path).readBigUInt64LE(0));
    assert.equal((8 + headerLength) % 8, 0);
  });

  it('reads only the header on open (a sparse 4 GB file, larger than any Buffer, opens)', async () => {
    const header = safetensorsHeader([{ name: 'big', dtype: 'F32', shape: [1024, 1024, 1024] }]);
    const path = join(tempDir('st'), 'sparse.safetensors');
    writeFileSync(path, header);
    truncateSync(path, header.length + 4 * 1024 ** 3);
    const file = await openSafetensors(path);
    const ref = file.tensors.get('big')!;
    assert.equal(ref.offset, header.length);
    assert.equal(ref.byteLength, 4 * 1024 ** 3);
    assert.equal(statSync(path).size, ref.offset + ref.byteLength);
  });

  it('rejects truncated files with a clear error', async () => {
    const path = join(tempDir('st'), 't.safetensors');
    await writeSafetensors(path, [{ name: 'w', dtype: 'F32', shape: [4, 4], data: new Uint8Array(64) }]);
    const size = statSync(path).size;
    truncateSync(path, size - 10);
    await assert.rejects(openSafetensors(path), /truncated: tensor "w" ends at data byte 64/);
    truncateSync(path, 20);
    await assert.rejects(openSafetensors(path), /truncated: header needs/);
    truncateSync(path, 5);
    await assert.rejects(openSafetensors(path), /too short/);
  });

  it('rejects crafted headers', async () => {
    const ok = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    await assert.doesNotReject(openSafetensors(crafted(ok, 8)));
    await assert.rejects(openSafetensors(crafted(ok, 8, 1n << 62n)), /exceeds the limit/);
    await assert.rejects(openSafetensors(crafted(ok, 8, BigInt(MAX_HEADER_BYTES + 1))), /exceeds the limit/);
    await assert.rejects(openSafetensors(crafted('[1,2,3]')), /not a JSON object/);
    await assert.rejects(openSafetensors(crafted('{"w": ')), /not valid JSON/);
    await assert.rejects(openSafetensors(crafted('{"w":{"dtype":"Q9","shape":[2],"data_offsets":[0,8]}}', 8)), /unsupported dtype "Q9"/);
    await assert.rejects(openSafetensors(crafted('{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', 8)), /invalid shape/);
    await assert.rejects(openSafetensors(crafted('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', 8)), /needs 12 bytes but data_offsets span 8/);
    await assert.rejects(openSafetensors(crafted('{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}', 8)), /wrong order/);
    await assert.rejects(openSafetensors(crafted('{"w":{"dtype":"F32","shape":[2],"data_offsets":[1e300,1e300]}}', 8)), /invalid data_offsets/);
    await assert.rejects(openSafetensors(crafted('{"w":{"dtype":"F32","shape":[2],"data_offsets":[4096,4104]}}', 8)), /truncated/);
    await assert.rejects(openSafetensors(crafted('{"__metadata__":{"a":1}}')), /__metadata__.a is not a string/);
    await assert.rejects(openSafetensors(crafted('{"w":{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"data_offsets":[0,4]}}', 4)), /invalid shape/);
  });
});

describe('dtype conversion', () => {
  it('converts half floats including subnormals, infinities and NaN', () => {
    const halves = new Uint16Array([0x0000, 0x8000, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x7c00, 0xfc00, 0x7e00]);
    const out = toFloat32(new Uint8Array(halves.buffer), 'F16');
    assert.deepEqual(Array.from(out.slice(0, 5)), [0, -0, 1, -2, 65504]);
    assert.equal(out[5], 2 ** -24);
    assert.equal(out[6], 1023 * 2 ** -24);
    assert.deepEqual([out[7], out[8]], [Infinity, -Infinity]);
    assert.ok(Number.isNaN(out[9]));
  });

  it('rounds float32 to half and bfloat16 to nearest even', () => {
    assert.equal(floatToHalf(1), 0x3c00);
    assert.equal(floatToHalf(65520), 0x7c00, 'overflows to infinity');
    assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00, 'tie to even (down)');
    assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02, 'tie to even (up)');
    assert.equal(floatToHalf(2 ** -24), 0x0001);
    assert.equal(floatToHalf(2 ** -26), 0x0000);
    assert.equal(floatToHalf(-0), 0x8000);
    assert.equal(floatToHalf(NaN) & 0x7c00, 0x7c00);
    assert.equal(floatToBFloat16(1), 0x3f80);
    assert.equal(floatToBFloat16(-2.5), 0xc020);
    for (const v of [0.1, 3.14159, -1234.5, 1e-5]) {
      const back = toFloat32(fromFloat32([v], 'F16'), 'F16')[0]!;
      assert.ok(Math.abs(back - v) <= Math.max(Math.abs(v) * 2 ** -11, 2 ** -25), `${v} → ${back}`);
    }
  });

  it('converts fp8 and integer types', () => {
    assert.deepEqual(Array.from(toFloat32(new Uint8Array([0x38, 0xb8, 0x7e, 0x01]), 'F8_E4M3')), [1, -1, 448, 2 ** -9]);
    assert.deepEqual(Array.from(toFloat32(new Uint8Array([0x3c, 0x7b]), 'F8_E5M2')), [1, 57344]);
    assert.deepEqual(Array.from(toFloat32(new Uint8Array([255, 1]), 'I8')), [-1, 1]);
    assert.deepEqual(Array.from(toFloat32(new Uint8Array([1, 0]), 'BOOL')), [1, 0]);
  });
});

describe('format sniffing', () => {
  it('reads a safetensors file whose header length begins with the pickle marker byte 0x80', async () => {
    const json = `{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`;
    const path = crafted(json.padEnd(0x0280, ' '), 4); // length 0x0280 → bytes 80 02 …
    assert.equal(readFileSync(path)[0], 0x80);
    assert.equal(await sniffWeightFormat(path), 'safetensors');
    assert.deepEqual((await openWeights(path)).tensors.get('x')!.shape, [1]);
  });
});
