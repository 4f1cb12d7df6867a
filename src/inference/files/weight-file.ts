// Lazy tensor descriptors shared by every weight-file reader: a tensor is a name, a dtype, a shape and a byte
// range of a file on disk. Nothing is read until a caller asks for the values, and the networks can point ONNX
// external-data initializers straight at `file`/`offset`/`byteLength`.
import { open } from 'node:fs/promises';
import { DTYPE_BYTES, toFloat32, type DType } from './dtype.ts';

export type { DType } from './dtype.ts';

export interface TensorRef {
  name: string;
  dtype: DType;
  shape: number[];
  /** Absolute path of the file holding the bytes. */
  file: string;
  /** Absolute byte offset of the first element in `file`. */
  offset: number;
  byteLength: number;
}

export interface WeightFile {
  path: string;
  tensors: Map<string, TensorRef>;
  /** safetensors `__metadata__` (string values); empty for other formats. */
  metadata: Record<string, string>;
  /** The tensor's values as float32, whatever its stored dtype (integers and bools are converted too). */
  readFloat32(ref: TensorRef): Promise<Float32Array>;
  /** The tensor's raw little-endian bytes, in a fresh aligned buffer. */
  readBytes(ref: TensorRef): Promise<Uint8Array>;
  close?(): Promise<void>;
}

/** Reads `length` bytes at `position` of `file`, failing clearly on a short read (truncated file). */
export async function readRange(file: string, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(new ArrayBuffer(length));
  const handle = await open(file, 'r');
  try {
    let done = 0;
    while (done < length) {
      const chunk = Math.min(length - done, 1 << 30);
      const { bytesRead } = await handle.read(out, done, chunk, position + done);
      if (bytesRead === 0) {
        throw new Error(`${file}: file is truncated (wanted ${length} bytes at offset ${position}, got ${done})`);
      }
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return out;
}

export async function readTensorBytes(ref: TensorRef): Promise<Uint8Array> {
  return readRange(ref.file, ref.offset, ref.byteLength);
}

export async function readTensorFloat32(ref: TensorRef): Promise<Float32Array> {
  return toFloat32(await readTensorBytes(ref), ref.dtype);
}

/** A WeightFile over an already-built tensor map (readers share the byte access). */
export function makeWeightFile(path: string, tensors: Map<string, TensorRef>, metadata: Record<string, string> = {}): WeightFile {
  return { path, tensors, metadata, readFloat32: readTensorFloat32, readBytes: readTensorBytes };
}

export function expectedByteLength(dtype: DType, shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
}
