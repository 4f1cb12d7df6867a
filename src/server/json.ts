// JSON as ComfyUI's Python speaks it: integers of any size (seeds up to 2^64−1) survive a round trip exactly,
// and a float can be written back the way Python's repr writes it (`5.0`, `1e+16`).
// Parsing takes V8's JSON.parse unless the text holds a run of 16+ digits; only then are unsafe integer
// literals swapped for tagged strings (a per-process nonce makes them unforgeable) and revived as bigint.
// Objects with a recorded key order are written in that order where a route asks for it (inRecordedOrder).
import { RAW_JSON_NONCE as NONCE, RAW_JSON_TAG as TAG, RawJson } from '../engine/raw-json.ts';
import { orderedKeys, recordedKeyOrder } from '../python/dict-order.ts';
import { skipString } from './json-scan.ts';

/** A tagged string in JSON.stringify's output: its content is the raw text, escaped as a JSON string. */
const TAG_IN_OUTPUT = new RegExp(`"\\\\u0001${NONCE}:((?:[^"\\\\]|\\\\.)*)"`, 'g');
const LONG_DIGIT_RUN = /\d{16}/;

export class JsonSyntaxError extends Error {
  override name = 'JSONDecodeError';
}

/** Parses JSON; integer literals beyond ±(2^53−1) become bigint. Throws JsonSyntaxError on bad input. */
export function parseJson(text: string): unknown {
  if (!LONG_DIGIT_RUN.test(text)) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new JsonSyntaxError((err as Error).message);
    }
  }
  const tagged = tagUnsafeIntegers(text);
  try {
    return tagged === text ? JSON.parse(text) : JSON.parse(tagged, reviveTagged);
  } catch (err) {
    throw new JsonSyntaxError((err as Error).message);
  }
}

function reviveTagged(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.startsWith(TAG) ? BigInt(value.slice(TAG.length)) : value;
}

/** Rewrites every integer literal outside strings that a double cannot hold exactly into a tagged string. */
function tagUnsafeIntegers(text: string): string {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = skipString(text, i);
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      i++;
      while (i < n && isNumberChar(text.charCodeAt(i))) i++;
      const literal = text.slice(start, i);
      if (literal.length >= 16 && /^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
        out += text.slice(last, start) + JSON.stringify(TAG + literal);
        last = i;
      }
      continue;
    }
    i++;
  }
  return last === 0 ? text : out + text.slice(last);
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

function tagBigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? TAG + value.toString() : value;
}

/** JSON.stringify that writes bigint values as bare numbers and RawJson values as their text. */
export function stringifyJson(value: unknown): string {
  let out: string | undefined;
  try {
    out = JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError) || !String(err.message).includes('BigInt')) throw err;
    out = JSON.stringify(value, tagBigints);
  }
  if (out === undefined) return 'null';
  if (!out.includes(NONCE)) return out;
  return out.replace(TAG_IN_OUTPUT, (_, escaped: string) => JSON.parse(`"${escaped}"`));
}

/**
 * The object itself, or, when it carries a recorded key order (python/dict-order.ts: numeric ids as a Python dict
 * would list them), its JSON in that order for stringifyJson.
 */
export function inRecordedOrder<T>(value: T): T | RawJson {
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  if (recordedKeyOrder(object) === undefined) return value;
  const members = orderedKeys(object).flatMap((key) => {
    const member = object[key];
    // What JSON.stringify leaves out of an object.
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') return [];
    return [`${JSON.stringify(key)}:${stringifyJson(member)}`];
  });
  return new RawJson(`{${members.join(',')}}`);
}
