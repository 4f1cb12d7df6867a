// JSON text as Python's json.dumps writes it (ensure_ascii, ", " and ": " separators, or `indent`), for files
// that ComfyUI and its users read back: users.json, comfy.settings.json. Bigints are written as plain integers.

export function pythonJsonDumps(value: unknown, indent?: number): string {
  return dump(value, indent, '');
}

function dump(value: unknown, indent: number | undefined, pad: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return asciiString(value);
  const inner = indent === undefined ? '' : pad + ' '.repeat(indent);
  const open = indent === undefined ? '' : '\n' + inner;
  const close = indent === undefined ? '' : '\n' + pad;
  const sep = indent === undefined ? ', ' : ',\n' + inner;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[' + open + value.map((v) => dump(v, indent, inner)).join(sep) + close + ']';
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => typeof v !== 'function');
  if (entries.length === 0) return '{}';
  return '{' + open + entries.map(([k, v]) => `${asciiString(k)}: ${dump(v, indent, inner)}`).join(sep) + close + '}';
}

function asciiString(s: string): string {
  return JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
