// The widget-value conversions validation applies (execution.md §2.2): Python's int(), float(), str() and bool(),
// with the exception texts Python gives, since they end up in `invalid_input_type` errors.
import { PyException, pyRepr, pyStr, pyTruthy, pyTypeName } from '../python/values.ts';

const INT_LITERAL = /^[+-]?\d+(?:_\d+)*$/;
const DIGITS = String.raw`\d+(?:_\d+)*`;
const FLOAT_LITERAL = new RegExp(
  String.raw`^[+-]?(?:(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`,
  'i',
);

/** Python strips Unicode whitespace around numeric literals. */
function stripped(s: string): string {
  return s.trim();
}

/** An integer as the engine stores it: a number when exact, a bigint beyond 2^53. */
function intValue(b: bigint): number | bigint {
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

/** Python `int(v)`. */
export function toPyInt(v: unknown): number | bigint {
  if (typeof v === 'bigint') return intValue(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new PyException('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(v)) throw new PyException('OverflowError', 'cannot convert float infinity to integer');
    const t = Math.trunc(v);
    return Number.isSafeInteger(t) ? t + 0 : BigInt(t);
  }
  if (typeof v === 'string') {
    const s = stripped(v);
    if (INT_LITERAL.test(s)) return intValue(BigInt(s.replaceAll('_', '')));
    throw new PyException('ValueError', `invalid literal for int() with base 10: ${pyRepr(v)}`);
  }
  throw new PyException(
    'TypeError',
    `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(v)}'`,
  );
}

/** Python `float(v)`. */
export function toPyFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new PyException('OverflowError', 'int too large to convert to float');
    return n;
  }
  if (typeof v === 'string') {
    const s = stripped(v);
    if (FLOAT_LITERAL.test(s)) {
      const lower = s.toLowerCase().replaceAll('_', '');
      const unsigned = lower.replace(/^[+-]/, '');
      const negative = lower.startsWith('-');
      if (unsigned === 'inf' || unsigned === 'infinity') return negative ? -Infinity : Infinity;
      if (unsigned === 'nan') return NaN;
      return Number(lower);
    }
    throw new PyException('ValueError', `could not convert string to float: ${pyRepr(v)}`);
  }
  throw new PyException('TypeError', `float() argument must be a string or a real number, not '${pyTypeName(v)}'`);
}

/** The conversion validation applies for a declared type, or undefined when the type has none. */
export function coerceForType(type: unknown, value: unknown): { value: unknown } | undefined {
  switch (type) {
    case 'INT':
      return { value: toPyInt(value) };
    case 'FLOAT':
      return { value: toPyFloat(value) };
    case 'STRING':
      return { value: pyStr(value) };
    case 'BOOLEAN':
      return { value: pyTruthy(value) };
    default:
      return undefined;
  }
}
