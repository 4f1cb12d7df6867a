// Writes `.safetensors` files tensor by tensor, so large files never sit in memory whole. The header is padded
// with spaces to a multiple of 8 (as the reference writer does) so the data stays aligned.
import { open } from 'node:fs/promises';
import { DTYPE_BYTES, shapeSize, type DType } from './dtype.ts';

export interface TensorToWrite {
  name: string;
  dtype: DType;
  shape: readonly number[];
  /** The little-endian bytes, or a function producing them when the writer reaches this tensor. */
  data: Uint8Array | (() => Uint8Array | Promise<Uint8Array>);
}

export function safetensorsHeader(tensors: readonly Omit<TensorToWrite, 'data'>[], metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (Object.hasOwn(header, t.name)) throw new Error(`duplicate tensor name "${t.name}"`);
    const bytes = shapeSize(t.shape) * DTYPE_BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const pad = (8 - ((Buffer.byteLength(json) + 8) % 8)) % 8;
  json += ' '.repeat(pad);
  const text = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + text.length);
  out.writeBigUInt64LE(BigInt(text.length), 0);
  text.copy(out, 8);
  return out;
}

export async function writeSafetensors(
  path: string,
  tensors: readonly TensorToWrite[],
  metadata?: Record<string, string>,
): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.write(safetensorsHeader(tensors, metadata));
    for (const t of tensors) {
      const bytes = typeof t.data === 'function' ? await t.data() : t.data;
      const expected = shapeSize(t.shape) * DTYPE_BYTES[t.dtype];
      if (bytes.byteLength !== expected) {
        throw new Error(`tensor "${t.name}": ${bytes.byteLength} bytes given, ${t.dtype} [${t.shape.join(', ')}] needs ${expected}`);
      }
      await handle.write(bytes);
    }
  } finally {
    await handle.close();
  }
}
