// Encodes an ONNX ModelProto with protobufjs from the schema subset in onnx.proto (read once, lazily).
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

/** ONNX TensorProto.DataType codes for the element types comfy-ts uses. */
export const ONNX_DTYPE = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
  bfloat16: 16,
} as const;
export type ElementType = keyof typeof ONNX_DTYPE;

/** Bytes per element of each type. */
export const ELEMENT_BYTES: Record<ElementType, number> = {
  float32: 4, uint8: 1, int8: 1, int16: 2, int32: 4, int64: 8, bool: 1, float16: 2, float64: 8, bfloat16: 2,
};

export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

let modelType: protobuf.Type | undefined;

function schema(): protobuf.Type {
  if (!modelType) {
    const text = readFileSync(new URL('./onnx.proto', import.meta.url), 'utf8');
    modelType = protobuf.parse(text, { keepCase: true }).root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

/** Serializes a plain object shaped like onnx.ModelProto (snake_case field names). */
export function encodeModel(model: Record<string, unknown>): Uint8Array {
  const type = schema();
  const problem = type.verify(model);
  if (problem) throw new Error(`invalid ONNX model: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/** Parses serialized bytes back into a plain object (used by tests and the cache's sanity check). */
export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  const type = schema();
  return type.toObject(type.decode(bytes), { longs: Number, enums: Number, bytes: Array, defaults: false });
}
