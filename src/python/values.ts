// ComfyUI's wire texts are Python f-strings: `repr()` of lists and strings, `str()` of numbers, `==` across int,
// float and bool, `<` that refuses mixed types. These helpers reproduce those on JSON values (numbers may be bigint).

/** An exception that carries the Python type name ComfyUI would report (`KeyError`, `ValueError`, …). */
export class PyException extends Error {
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(message);
    this.name = pyType;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Python's type name of a JSON-ish value, as in "not 'NoneType'". */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'string':
      return 'str';
  }
  if (Array.isArray(v)) return 'list';
  if (isPlainObject(v)) return 'dict';
  return (v as object).constructor?.name ?? 'object';
}

/** Python `repr(float)`: shortest round-trip digits, fixed notation for exponents -4..15, else `1e-05` style. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    return `${sign}${intPart}.${frac || '0'}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
}

/**
 * A JSON number as Python prints it: a safe integer as an int, anything else as a float's repr. Beyond 2^53 a JSON
 * integer arrives as a bigint (server/json.ts), so a number that large came from a float.
 */
export function pyNumberRepr(n: number): string {
  return Number.isSafeInteger(n) && !Object.is(n, -0) ? String(n) : pyFloatRepr(n);
}

function pyStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python `repr()` of a JSON-ish value; objects with their own `toString` (tensors) print through it. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  switch (typeof v) {
    case 'boolean':
      return v ? 'True' : 'False';
    case 'bigint':
      return v.toString();
    case 'number':
      return pyNumberRepr(v);
    case 'string':
      return pyStringRepr(v);
    case 'function':
      return `<function ${v.name || '<lambda>'}>`;
    case 'symbol':
      return v.toString();
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isPlainObject(v)) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyStringRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  if (Buffer.isBuffer(v)) return `b'<${v.length} bytes>'`;
  const text = String(v);
  return text === '[object Object]' ? `<${pyTypeName(v)} object>` : text;
}

/** Python `str()`: strings as they are, everything else as `repr()`. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** Python truthiness. */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === 0n || v === '') return false;
  if (typeof v === 'number' && Number.isNaN(v)) return true;
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

function asNumeric(v: unknown): number | bigint | null {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

/** Python `==` on JSON values: 1 == 1.0 == True, lists and dicts compared by content. */
export function pyEquals(a: unknown, b: unknown): boolean {
  const na = asNumeric(a);
  const nb = asNumeric(b);
  if (na !== null || nb !== null) return na !== null && nb !== null && na == nb; // eslint-disable-line eqeqeq
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && pyEquals(a[k], b[k]));
  }
  return a === b;
}

/** Python `a < b` (`op` names the operator in the TypeError Python raises for unorderable types). */
export function pyLess(a: unknown, b: unknown, op = '<'): boolean {
  const na = asNumeric(a);
  const nb = asNumeric(b);
  if (na !== null && nb !== null) return na < nb;
  if (typeof a === 'string' && typeof b === 'string') return a < b;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEquals(a[i], b[i])) return pyLess(a[i], b[i], op);
    }
    return a.length < b.length;
  }
  throw new PyException(
    'TypeError',
    `'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`,
  );
}

/** Python `a > b`, with Python's TypeError text for unorderable types. */
export function pyGreater(a: unknown, b: unknown): boolean {
  try {
    return pyLess(b, a);
  } catch {
    throw new PyException('TypeError', `'>' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
  }
}

/** Python `seq[index]` on a tuple: negative indices count from the end; other index types raise TypeError. */
export function pyIndex<T>(seq: readonly T[], index: unknown, what = 'tuple'): T {
  let i: number;
  if (typeof index === 'boolean') i = index ? 1 : 0;
  else if (typeof index === 'number' && Number.isInteger(index)) i = index;
  else if (typeof index === 'bigint') i = Number(index);
  else throw new PyException('TypeError', `${what} indices must be integers or slices, not ${pyTypeName(index)}`);
  const at = i < 0 ? seq.length + i : i;
  if (at < 0 || at >= seq.length) throw new PyException('IndexError', `${what} index out of range`);
  return seq[at]!;
}
