// How Python prints values, for nodes that show them as text (PreviewAny): `str()` of numbers and booleans,
// `json.dumps(value, indent=4)`, and the `str()` of containers json cannot serialise. JavaScript cannot tell an
// integral float (1.0) from an int (1); such values print as ints.
import { Tensor } from '../../inference/tensor.ts';

/** Python's repr/str of a float: shortest round-trip digits; exponent form below 1e-4 or from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return String(x);
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  // Fixed notation with the same significant digits.
  return x.toFixed(Math.max(0, (mantissa.replace('-', '').split('.')[1]?.length ?? 0) - exp));
}

/** `str(value)` for a number-like Python value. */
export function pyNumberStr(x: number | bigint): string {
  return typeof x === 'bigint' ? x.toString() : pyFloatRepr(x);
}

const NON_ASCII = /[\u007f-\uffff]/g;

function jsonString(s: string): string {
  return JSON.stringify(s).replace(NON_ASCII, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Raised where Python's json.dumps raises TypeError (an object it cannot serialise). */
export class NotJsonSerializable extends Error {}

function jsonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return pyFloatRepr(n);
}

/** `json.dumps(value, indent=indent)` with Python's defaults (ensure_ascii, `", "`→`","` + newline when indenting). */
export function pyJsonDumps(value: unknown, indent: number, level = 0): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      return jsonNumber(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw new NotJsonSerializable(`Object of type ${typeof value} is not JSON serializable`);
  }
  if (value instanceof Tensor || ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set) {
    throw new NotJsonSerializable(`Object of type ${value instanceof Tensor ? 'Tensor' : value.constructor.name} is not JSON serializable`);
  }
  const pad = '\n' + ' '.repeat(indent * (level + 1));
  const close = '\n' + ' '.repeat(indent * level);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[' + pad + value.map((v) => pyJsonDumps(v, indent, level + 1)).join(',' + pad) + close + ']';
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new NotJsonSerializable(`Object of type ${(value as object).constructor?.name ?? 'object'} is not JSON serializable`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return '{' + pad + entries.map(([k, v]) => jsonString(k) + ': ' + pyJsonDumps(v, indent, level + 1)).join(',' + pad) + close + '}';
}

function pyStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const c of s) {
    if (c === '\\') out += '\\\\';
    else if (c === quote) out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c < ' ' || c === '\x7f') out += '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
    else out += c;
  }
  return quote + out + quote;
}

/** Python's `repr()` of a plain value (used inside containers printed with `str()`). */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return pyStringRepr(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'bigint') return pyNumberStr(value);
  if (value instanceof Tensor) return value.toString();
  if (typeof value === 'function') return `<function ${value.name || '<lambda>'}>`;
  if (Array.isArray(value)) return '[' + value.map(pyRepr).join(', ') + ']';
  if (typeof value === 'object') {
    return '{' + Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyStringRepr(k)}: ${pyRepr(v)}`).join(', ') + '}';
  }
  return String(value);
}
