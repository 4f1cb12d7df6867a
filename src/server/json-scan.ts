// Scans of a JSON text that JSON.parse cannot answer: the order of object keys, which it loses for integer-like
// keys ("10" before "9" comes back as "9", "10"), run only for the objects whose order matters (a prompt's node
// ids); and the nesting depth, checked before parsing. Values are skipped, strings decoded by JSON.parse.

/** Index just past the JSON string that starts at `i` (a `"`). */
export function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c /* \ */) j++;
    else if (c === 0x22 /* " */) return j + 1;
  }
  return text.length;
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the JSON value that starts at `i`. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22 /* " */) return skipString(text, i);
  if (c !== 0x7b /* { */ && c !== 0x5b /* [ */) {
    // A number or a literal: up to the next separator.
    for (let d = c; i < text.length && !isSpace(d) && d !== 0x2c && d !== 0x5d && d !== 0x7d; d = text.charCodeAt(++i));
    return i;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (d === 0x22) j = skipString(text, j) - 1;
    else if (d === 0x7b || d === 0x5b) depth++;
    else if ((d === 0x7d || d === 0x5d) && --depth === 0) return j + 1;
  }
  return text.length;
}

/** The key of the string at `i` (a `"`) that ends just before `end`. */
function keyAt(text: string, i: number, end: number): string {
  const raw = text.slice(i + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(i, end)) as string) : raw;
}

/**
 * The keys of the object starting at `i`, in text order (a repeated key keeps its first place, as in a Python
 * dict). With `stopAt`, the scan ends at that key and its value's index is returned as well.
 */
function members(text: string, i: number, stopAt?: string): { keys: string[]; stoppedAt: number } {
  const keys: string[] = [];
  i = skipSpace(text, i + 1);
  while (i < text.length && text.charCodeAt(i) === 0x22) {
    const end = skipString(text, i);
    const key = keyAt(text, i, end);
    i = skipSpace(text, skipSpace(text, end) + 1); // past the colon
    keys.push(key);
    if (key === stopAt) return { keys, stoppedAt: i };
    i = skipSpace(text, skipValue(text, i));
    if (text.charCodeAt(i) === 0x2c /* , */) i = skipSpace(text, i + 1);
  }
  return { keys: firstOccurrences(keys), stoppedAt: -1 };
}

/** `keys` without repeats, each at its first place (duplicate keys are rare: only then is a set built). */
function firstOccurrences(keys: string[]): string[] {
  const unique = new Set(keys);
  return unique.size === keys.length ? keys : [...unique];
}

/** The key order of the top-level object of a valid JSON text (empty if it is not an object). */
export function topLevelKeys(text: string): string[] {
  const start = skipSpace(text, 0);
  return text.charCodeAt(start) === 0x7b ? members(text, start).keys : [];
}

/** The key order of the object under the top-level key `name`, or null when there is none. */
export function memberKeys(text: string, name: string): string[] | null {
  const start = skipSpace(text, 0);
  if (text.charCodeAt(start) !== 0x7b) return null;
  const at = members(text, start, name).stoppedAt;
  return at >= 0 && text.charCodeAt(at) === 0x7b ? members(text, at).keys : null;
}

const DIGIT_KEY = /"(\d{1,10})"\s*:/g;

/**
 * True when every key written as plain digits comes in increasing numeric order, so no object of the text has its
 * integer-like keys out of JavaScript's order. A regular-expression pass, several times cheaper than the key scan;
 * a match inside a string can only make it say false, and `\u` escapes (a digit may hide behind one) do.
 */
export function digitKeysIncrease(text: string): boolean {
  if (text.includes('\\u')) return false;
  let last = -1;
  DIGIT_KEY.lastIndex = 0;
  for (let m = DIGIT_KEY.exec(text); m !== null; m = DIGIT_KEY.exec(text)) {
    const n = Number(m[1]);
    if (n <= last) return false;
    last = n;
  }
  return true;
}

/**
 * Deeper nesting than any prompt or setting needs; beyond it a body is refused. Writing such values back (an
 * error that echoes an input, a settings file) would overflow the stack, and Python's json gives up near 1,000.
 */
export const MAX_JSON_DEPTH = 512;

/** True when the JSON text nests arrays/objects more than `limit` deep (the text need not be valid). */
export function nestsDeeperThan(text: string, limit = MAX_JSON_DEPTH): boolean {
  if (text.length <= limit) return false; // too short to open more than `limit` arrays or objects
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) i = skipString(text, i) - 1;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}
