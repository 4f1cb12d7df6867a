// A mesh as a binary glTF 2.0 file laid out as ComfyUI's save_glb writes it: one buffer holding the float32
// positions then the uint32 triangle indices, two buffer views, two accessors, one mesh/node/scene, and the
// metadata as `asset.extras`. The JSON chunk is Python's json.dumps of that document, padded with spaces.
import { jsonNumber, pythonJsonDumps } from '../../python/json-dumps.ts';
import { pyFloatRepr } from '../../python/values.ts';
import type { MeshItem } from './mesh-types.ts';

const GLB_MAGIC = 0x46546c67; // "glTF"
const CHUNK_JSON = 0x4e4f534a;
const CHUNK_BIN = 0x004e4942;

/** A float as Python's json writes it: repr() (always a decimal point or an exponent), NaN and ±Infinity bare. */
export function pythonFloatRepr(x: number): string {
  return Number.isFinite(x) ? pyFloatRepr(x) : jsonNumber(x);
}

function padded(buffer: Buffer, fill: number): Buffer {
  const pad = (4 - (buffer.length % 4)) % 4;
  return pad === 0 ? buffer : Buffer.concat([buffer, Buffer.alloc(pad, fill)]);
}

function axisBounds(vertices: Float32Array): { min: number[]; max: number[] } {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < vertices.length; i++) {
    min[i % 3] = Math.min(min[i % 3]!, vertices[i]!);
    max[i % 3] = Math.max(max[i % 3]!, vertices[i]!);
  }
  return { min, max };
}

export function encodeGlb(mesh: MeshItem, metadata: Record<string, string> | null): Buffer {
  if (mesh.vertices.length === 0) throw new Error('zero-size array to reduction operation maximum which has no identity');
  const positions = padded(Buffer.from(mesh.vertices.buffer, mesh.vertices.byteOffset, mesh.vertices.byteLength), 0);
  const indices = padded(Buffer.from(mesh.faces.buffer, mesh.faces.byteOffset, mesh.faces.byteLength), 0);
  const bin = Buffer.concat([positions, indices]);
  const gltf = {
    asset: { version: '2.0', generator: 'ComfyUI', ...(metadata ? { extras: metadata } : {}) },
    buffers: [{ byteLength: bin.length }],
    bufferViews: [
      { buffer: 0, byteOffset: 0, byteLength: mesh.vertices.byteLength, target: 34962 },
      { buffer: 0, byteOffset: positions.length, byteLength: mesh.faces.byteLength, target: 34963 },
    ],
    accessors: [
      { bufferView: 0, byteOffset: 0, componentType: 5126, count: mesh.vertices.length / 3, type: 'VEC3', max: '\0max', min: '\0min' },
      { bufferView: 1, byteOffset: 0, componentType: 5125, count: mesh.faces.length, type: 'SCALAR' },
    ],
    meshes: [{ primitives: [{ attributes: { POSITION: 0 }, indices: 1, mode: 4 }] }],
    nodes: [{ mesh: 0 }],
    scenes: [{ nodes: [0] }],
    scene: 0,
  };
  // numpy's max/min are floats, which json.dumps writes with a decimal point ("1.0").
  const bounds = axisBounds(mesh.vertices);
  const floats = (v: number[]) => `[${v.map(pythonFloatRepr).join(', ')}]`;
  const text = pythonJsonDumps(gltf).replace('"\\u0000max"', floats(bounds.max)).replace('"\\u0000min"', floats(bounds.min));
  const json = padded(Buffer.from(text, 'utf8'), 0x20);
  const header = Buffer.alloc(20);
  header.writeUInt32LE(GLB_MAGIC, 0);
  header.writeUInt32LE(2, 4);
  header.writeUInt32LE(12 + 8 + json.length + 8 + bin.length, 8);
  header.writeUInt32LE(json.length, 12);
  header.writeUInt32LE(CHUNK_JSON, 16);
  const binHeader = Buffer.alloc(8);
  binHeader.writeUInt32LE(bin.length, 0);
  binHeader.writeUInt32LE(CHUNK_BIN, 4);
  return Buffer.concat([header, json, binHeader, bin]);
}
