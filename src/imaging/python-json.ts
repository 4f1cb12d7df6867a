// Python's `json.dumps(value)` with its defaults (ensure_ascii, separators ", " and ": "), so metadata written
// into PNG text chunks reads as ComfyUI writes it. JavaScript cannot tell 1.0 from 1: integral floats print as ints.

const NON_ASCII = /[\u007f-\uffff]/g;

function dumpString(s: string): string {
  return JSON.stringify(s).replace(NON_ASCII, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function dumpNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  // Python writes exponents with at least two digits: 1e-07, 1e+21.
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** `json.dumps(value)`, or `json.dumps(value, indent=n)` (items on their own lines, "," and ": " separators). */
export function pythonJsonDumps(value: unknown, indent?: number): string {
  return dump(value, indent, 0);
}

function dump(value: unknown, indent: number | undefined, depth: number): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return dumpString(value);
    case 'number':
      return dumpNumber(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      const withJson = value as { toJSON?: () => unknown };
      if (typeof withJson.toJSON === 'function') return dump(withJson.toJSON(), indent, depth);
      const isArray = Array.isArray(value);
      const parts: string[] = [];
      if (isArray) for (const v of value) parts.push(dump(v, indent, depth + 1));
      else {
        for (const [k, v] of Object.entries(value)) {
          if (v === undefined || typeof v === 'function') continue;
          parts.push(dumpString(k) + ': ' + dump(v, indent, depth + 1));
        }
      }
      const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
      if (indent === undefined) return open + parts.join(', ') + close;
      if (parts.length === 0) return open + close;
      const pad = '\n' + ' '.repeat(indent * (depth + 1));
      return open + pad + parts.join(',' + pad) + '\n' + ' '.repeat(indent * depth) + close;
    }
    default:
      return 'null';
  }
}
