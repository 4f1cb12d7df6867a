// A few helpers to assemble small WebAssembly (SIMD) modules byte by byte, so hot pixel loops can run 4 or 16
// lanes at a time without a build step or a binary in the tree. Encodings: the WebAssembly core and SIMD specs.

export const I32 = 0x7f;
export const V128 = 0x7b;

export const op = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b,
  localGet: 0x20, localSet: 0x21, i32Const: 0x41, f32Const: 0x43,
  i32GeU: 0x4f, i32Add: 0x6a, i32Sub: 0x6b, i32Shl: 0x74,
} as const;

/** SIMD opcodes, emitted as 0xfd followed by the LEB128 opcode. */
export const simd = {
  load: 0x00, store: 0x0b, i8x16Swizzle: 0x0e, i8x16Splat: 0x0f, f32x4Splat: 0x13, v128Or: 0x50, i8x16Sub: 0x71,
  i8x16NarrowI16x8U: 0x66, i16x8NarrowI32x4S: 0x85,
  i16x8ExtendLowI8x16U: 0x89, i16x8ExtendHighI8x16U: 0x8a,
  i32x4ExtendLowI16x8U: 0xa9, i32x4ExtendHighI16x8U: 0xaa,
  v128And: 0x4e, v128Bitselect: 0x52, i16x8Splat: 0x10, i16x8LeS: 0x33,
  i16x8Abs: 0x80, i16x8ShrU: 0x8d, i16x8Add: 0x8e, i16x8Sub: 0x91,
  i32x4Splat: 0x11, i32x4ShrS: 0xac, i32x4Add: 0xae, i32x4Mul: 0xb5,
  f32x4Add: 0xe4, f32x4Sub: 0xe5, f32x4Mul: 0xe6, f32x4Div: 0xe7, i32x4TruncSatF32x4S: 0xf8, f32x4ConvertI32x4U: 0xfb,
} as const;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

export const v = (opcode: number) => [0xfd, ...uleb(opcode)];
/** v128.load/store with a 16-byte alignment hint and a constant offset. */
export const mem = (opcode: number, offset = 0) => [...v(opcode), 4, ...uleb(offset)];
export const get = (local: number) => [op.localGet, local];
export const set = (local: number) => [op.localSet, local];
export const i32 = (value: number) => [op.i32Const, ...sleb(value)];
export function f32Splat(value: number): number[] {
  return [op.f32Const, ...new Uint8Array(new Float32Array([value]).buffer), ...v(simd.f32x4Splat)];
}

/** `while (counter < limit) { loopBody; counter += step }` over i32 locals (unsigned comparison). */
export function whileBelow(counter: number, limit: number, step: number, loopBody: readonly number[]): number[] {
  return [
    op.block, 0x40, op.loop, 0x40,
    ...get(counter), ...get(limit), op.i32GeU, op.brIf, 1,
    ...loopBody,
    ...get(counter), ...i32(step), op.i32Add, ...set(counter),
    op.br, 0, op.end, op.end,
  ];
}

/** A function body: local declarations as [count, type] runs, then the code (its final `end` included here). */
export function body(locals: readonly (readonly [number, number])[], code: readonly number[]): number[] {
  const declared = [...uleb(locals.length), ...locals.flatMap(([count, type]) => [...uleb(count), type])];
  const all = [...declared, ...code, op.end];
  return [...uleb(all.length), ...all];
}

const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const name = (text: string) => [...uleb(text.length), ...Buffer.from(text)];

export interface ModuleSpec {
  /** Each function's parameter types (no results) and body. */
  functions: { name: string; params: number[]; body: number[] }[];
  /** Memory size in 64 KiB pages; `max` omitted = growable. */
  memory: { min: number; max?: number };
}

// @types/node 20 does not declare the WebAssembly global; this is the part used here.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/**
 * Lays out regions of the given byte sizes after `headerBytes` (each 16-byte aligned), growing the memory to hold
 * them; returns their offsets. Views made before a call may be detached by it.
 */
export function layOut(memory: WasmMemory, headerBytes: number, regionBytes: readonly number[]): number[] {
  const offsets: number[] = [];
  let end = headerBytes;
  for (const bytes of regionBytes) {
    offsets.push(end);
    end += Math.ceil(bytes / 16) * 16;
  }
  const missing = end - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  return offsets;
}

/** Assembles and instantiates a module exporting `memory` and its functions by name. */
export function instantiate(spec: ModuleSpec): Record<string, unknown> & { memory: WasmMemory } {
  const types = spec.functions.map((f) => [0x60, ...uleb(f.params.length), ...f.params, 0]);
  const limits = spec.memory.max === undefined ? [0x00, ...uleb(spec.memory.min)] : [0x01, ...uleb(spec.memory.min), ...uleb(spec.memory.max)];
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...uleb(types.length), ...types.flat()]),
    ...section(3, [...uleb(spec.functions.length), ...spec.functions.map((_, i) => i)]),
    ...section(5, [1, ...limits]),
    ...section(7, [
      ...uleb(spec.functions.length + 1),
      ...name('memory'), 0x02, 0,
      ...spec.functions.flatMap((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
    ]),
    ...section(10, [...uleb(spec.functions.length), ...spec.functions.flatMap((f) => f.body)]),
  ]);
  const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  return new Instance(new Module(bytes)).exports as ReturnType<typeof instantiate>;
}
