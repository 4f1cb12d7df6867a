// Python's `json.dumps` with its defaults: ensure_ascii, ", " and ": " separators (with `indent`, one item per line,
// "," and ": "), floats as repr() writes them and NaN/Infinity bare. For the texts ComfyUI writes and its users read
// back: PNG, video and mesh metadata, users.json and comfy.settings.json, PreviewAny. Objects list their keys in
// their recorded order (dict-order.ts). JavaScript cannot tell 1.0 from 1: integral floats print as ints.
import { orderedKeys } from './dict-order.ts';
import { isPlainObject, pyNumberRepr } from './values.ts';

/** Raised where Python's json.dumps raises TypeError (an object it cannot serialise). */
export class NotJsonSerializable extends Error {}

export interface JsonDumpsOptions {
  /** Spaces per level, each item on its own line (Python's `indent=`). */
  indent?: number;
  /**
   * Refuse what Python's json cannot serialise (typed arrays, tensors, other class instances) with
   * NotJsonSerializable; without it their enumerable fields are written.
   */
  strict?: boolean;
}

// ensure_ascii escapes everything outside ' '..'~'; JSON.stringify has already escaped what lies below ' '.
const NON_ASCII = /[\u007f-\uffff]/g;

function jsonString(s: string): string {
  return JSON.stringify(s).replace(NON_ASCII, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** A number as json.dumps writes it: an int plainly, a float by repr(), NaN and ±Infinity bare. */
export function jsonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return pyNumberRepr(n);
}

export function pythonJsonDumps(value: unknown, options: JsonDumpsOptions = {}): string {
  return dump(value, options, 0);
}

function dump(value: unknown, options: JsonDumpsOptions, level: number): string {
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
      return 'null';
  }
  if (value === null) return 'null';
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return dump(withJson.toJSON(), options, level);
  const isArray = Array.isArray(value);
  if (options.strict && !isArray && !isPlainObject(value)) {
    throw new NotJsonSerializable(`Object of type ${value.constructor?.name ?? 'object'} is not JSON serializable`);
  }
  const items = isArray
    ? value.map((v) => dump(v, options, level + 1))
    : orderedKeys(value as Record<string, unknown>)
        .map((k) => [k, (value as Record<string, unknown>)[k]] as const)
        .filter(([, v]) => v !== undefined && typeof v !== 'function')
        .map(([k, v]) => `${jsonString(k)}: ${dump(v, options, level + 1)}`);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return open + close;
  if (options.indent === undefined) return open + items.join(', ') + close;
  const pad = '\n' + ' '.repeat(options.indent * (level + 1));
  return open + pad + items.join(',' + pad) + '\n' + ' '.repeat(options.indent * level) + close;
}
