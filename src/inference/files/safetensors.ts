// Reader for `.safetensors` (models.md §1): an 8-byte little-endian header length N, N bytes of JSON
// {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}, then the data. Only the header is read on
// open; crafted headers are bounded and every byte range is checked against the file size.
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isDType } from './dtype.ts';
import { expectedByteLength, makeWeightFile, type TensorRef, type WeightFile } from './weight-file.ts';

export type { DType } from './dtype.ts';
export type { TensorRef, WeightFile } from './weight-file.ts';

/** Same bound as the reference implementation: real headers are a few hundred KB. */
export const MAX_HEADER_BYTES = 100_000_000;
export const MAX_TENSOR_RANK = 16;

export class SafetensorsError extends Error {
  constructor(path: string, message: string) {
    super(`${path}: invalid safetensors file: ${message}`);
    this.name = 'SafetensorsError';
  }
}

export async function openSafetensors(path: string): Promise<WeightFile> {
  const file = resolve(path);
  const fileBytes = (await stat(file)).size;
  const fail = (message: string) => new SafetensorsError(file, message);
  if (fileBytes < 8) throw fail(`file is ${fileBytes} bytes, too short for the 8-byte header length`);
  const handle = await open(file, 'r');
  let headerText: string;
  let dataStart: number;
  try {
    const lengthBytes = Buffer.alloc(8);
    await handle.read(lengthBytes, 0, 8, 0);
    const headerLength = lengthBytes.readBigUInt64LE(0);
    if (headerLength > BigInt(MAX_HEADER_BYTES)) {
      throw fail(`header length ${headerLength} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
    }
    const n = Number(headerLength);
    if (8 + n > fileBytes) throw fail(`file is truncated: header needs ${n} bytes, file has ${fileBytes - 8} after the length`);
    const header = Buffer.alloc(n);
    const { bytesRead } = await handle.read(header, 0, n, 8);
    if (bytesRead !== n) throw fail(`file is truncated inside the header`);
    headerText = header.toString('utf8');
    dataStart = 8 + n;
  } finally {
    await handle.close();
  }
  const { tensors, metadata } = parseSafetensorsHeader(headerText, file, dataStart, fileBytes, fail);
  return makeWeightFile(file, tensors, metadata);
}

/** Parses and validates the JSON header; offsets in the result are absolute. Exported for tests and tools. */
export function parseSafetensorsHeader(
  text: string,
  file: string,
  dataStart: number,
  fileBytes: number,
  fail: (message: string) => Error = (m) => new SafetensorsError(file, m),
): { tensors: Map<string, TensorRef>; metadata: Record<string, string> } {
  if (!text.trimStart().startsWith('{')) throw fail('header is not a JSON object');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw fail('header is not a JSON object');
  const dataBytes = fileBytes - dataStart;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, TensorRef>();
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') throw fail(`__metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    tensors.set(name, parseEntry(name, entry, file, dataStart, dataBytes, fail));
  }
  return { tensors, metadata };
}

function parseEntry(
  name: string, entry: unknown, file: string, dataStart: number, dataBytes: number, fail: (m: string) => Error,
): TensorRef {
  if (entry === null || typeof entry !== 'object') throw fail(`tensor "${name}" is not an object`);
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (!isDType(dtype)) throw fail(`tensor "${name}" has unsupported dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || shape.length > MAX_TENSOR_RANK || !shape.every(isCount)) {
    throw fail(`tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw fail(`tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw fail(`tensor "${name}" has data_offsets [${begin}, ${end}] in the wrong order`);
  const expected = expectedByteLength(dtype, shape);
  if (end - begin !== expected) {
    throw fail(`tensor "${name}" (${dtype} [${shape.join(', ')}]) needs ${expected} bytes but data_offsets span ${end - begin}`);
  }
  if (end > dataBytes) {
    throw fail(`file is truncated: tensor "${name}" ends at data byte ${end}, but the file has only ${dataBytes} data bytes`);
  }
  return { name, dtype, shape: [...shape], file, offset: dataStart + begin, byteLength: expected };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
