// Element types of weight files and their conversion to float32. Names are safetensors' (`F16`, `BF16`…);
// the torch pickle reader maps its storage classes onto the same names.

export type DType =
  | 'F64' | 'F32' | 'F16' | 'BF16' | 'F8_E4M3' | 'F8_E5M2'
  | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

export const DTYPE_BYTES = {
  F64: 8, F32: 4, F16: 2, BF16: 2, F8_E4M3: 1, F8_E5M2: 1,
  I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
} as const satisfies Record<DType, number>;

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.hasOwn(DTYPE_BYTES, value);
}

export function isFloatDType(dtype: DType): boolean {
  return dtype === 'F64' || dtype === 'F32' || dtype === 'F16' || dtype === 'BF16' || dtype.startsWith('F8');
}

/** Number of elements of a shape ([] is a scalar: 1). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

const f16Table = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) t[h] = halfToFloat(h);
  return t;
})();

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function f8ToFloat(v: number, expBits: number, bias: number, fnuz: boolean): number {
  const mantBits = 7 - expBits;
  const sign = v & 0x80 ? -1 : 1;
  const exp = (v >> mantBits) & ((1 << expBits) - 1);
  const mant = v & ((1 << mantBits) - 1);
  if (!fnuz) {
    // E5M2 keeps IEEE inf/NaN; E4M3 (fn) has only NaN at S.1111.111.
    if (expBits === 5 && exp === 31) return mant ? NaN : sign * Infinity;
    if (expBits === 4 && exp === 15 && mant === 7) return NaN;
  }
  if (exp === 0) return sign * mant * 2 ** (1 - bias - mantBits);
  return sign * (1 + mant / (1 << mantBits)) * 2 ** (exp - bias);
}

/**
 * Converts little-endian raw bytes of `dtype` to float32. `bytes` must start at an offset aligned to the
 * element size (a freshly allocated buffer is).
 */
export function toFloat32(bytes: Uint8Array, dtype: DType): Float32Array {
  const n = bytes.byteLength / DTYPE_BYTES[dtype];
  if (!Number.isInteger(n)) throw new Error(`${bytes.byteLength} bytes is not a whole number of ${dtype} values`);
  const { buffer, byteOffset } = bytes;
  const out = new Float32Array(n);
  switch (dtype) {
    case 'F32':
      out.set(new Float32Array(buffer, byteOffset, n));
      break;
    case 'F64':
      out.set(new Float64Array(buffer, byteOffset, n));
      break;
    case 'F16': {
      const src = new Uint16Array(buffer, byteOffset, n);
      for (let i = 0; i < n; i++) out[i] = f16Table[src[i]!]!;
      break;
    }
    case 'BF16': {
      const src = new Uint16Array(buffer, byteOffset, n);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = src[i]! << 16;
      break;
    }
    case 'F8_E4M3':
      for (let i = 0; i < n; i++) out[i] = f8ToFloat(bytes[i]!, 4, 7, false);
      break;
    case 'F8_E5M2':
      for (let i = 0; i < n; i++) out[i] = f8ToFloat(bytes[i]!, 5, 15, false);
      break;
    case 'I64':
      copyNumbers(out, new BigInt64Array(buffer, byteOffset, n));
      break;
    case 'U64':
      copyNumbers(out, new BigUint64Array(buffer, byteOffset, n));
      break;
    case 'I32': out.set(new Int32Array(buffer, byteOffset, n)); break;
    case 'U32': out.set(new Uint32Array(buffer, byteOffset, n)); break;
    case 'I16': out.set(new Int16Array(buffer, byteOffset, n)); break;
    case 'U16': out.set(new Uint16Array(buffer, byteOffset, n)); break;
    case 'I8': out.set(new Int8Array(buffer, byteOffset, n)); break;
    case 'U8': case 'BOOL': out.set(bytes); break;
  }
  return out;
}

function copyNumbers(out: Float32Array, src: BigInt64Array | BigUint64Array): void {
  for (let i = 0; i < src.length; i++) out[i] = Number(src[i]!);
}

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** float32 → IEEE half bits, round to nearest even (as torch's `.half()`). */
export function floatToHalf(value: number): number {
  scratchF32[0] = value;
  return halfFromFloatBits(scratchU32[0]!);
}

function halfFromFloatBits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** float32 → bfloat16 bits, round to nearest even. */
export function floatToBFloat16(value: number): number {
  scratchF32[0] = value;
  return bfloat16FromFloatBits(scratchU32[0]!);
}

function bfloat16FromFloatBits(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return (x >>> 16) | 0x40;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Encodes float values as little-endian bytes of a float dtype (F32, F16, BF16, F64). */
export function fromFloat32(values: ArrayLike<number>, dtype: 'F32' | 'F16' | 'BF16' | 'F64'): Uint8Array {
  const n = values.length;
  switch (dtype) {
    case 'F32': return new Uint8Array(Float32Array.from(values).buffer);
    case 'F64': return new Uint8Array(Float64Array.from(values).buffer);
    case 'F16': {
      const bits = new Uint32Array(Float32Array.from(values).buffer);
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = halfFromFloatBits(bits[i]!);
      return new Uint8Array(out.buffer);
    }
    case 'BF16': {
      const bits = new Uint32Array(Float32Array.from(values).buffer);
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = bfloat16FromFloatBits(bits[i]!);
      return new Uint8Array(out.buffer);
    }
  }
}
