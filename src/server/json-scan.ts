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
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c !== '{' && c !== '[') {
    // A number or a literal: up to the next separator.
    for (let d = text.charCodeAt(i); i < text.length && !isSpace(d) && d !== 0x2c && d !== 0x5d && d !== 0x7d; d = text.charCodeAt(++i));
    return i;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const d = text[j];
    if (d === '"') j = skipString(text, j) - 1;
    else if (d === '{' || d === '[') depth++;
    else if ((d === '}' || d === ']') && --depth === 0) return j + 1;
  }
  return text.length;
}

/**
 * The keys of the object starting at `i`, in text order (a repeated key keeps its first place, as in a Python
 * dict), and for each key where its value starts. With `stopAt`, the scan ends at that key.
 */
function members(text: string, i: number, stopAt?: string): { key: string; at: number }[] {
  const out: { key: string; at: number }[] = [];
  const seen = new Set<string>();
  i = skipSpace(text, i + 1);
  while (i < text.length && text[i] === '"') {
    const end = skipString(text, i);
    const raw = text.slice(i + 1, end - 1);
    const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end)) as string) : raw;
    i = skipSpace(text, skipSpace(text, end) + 1); // past the colon
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ key, at: i });
    }
    if (key === stopAt) break;
    i = skipSpace(text, skipValue(text, i));
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return out;
}

/** The key order of the top-level object of a valid JSON text (empty if it is not an object). */
export function topLevelKeys(text: string): string[] {
  const start = skipSpace(text, 0);
  return text[start] === '{' ? members(text, start).map((m) => m.key) : [];
}

/** The key order of the object under the top-level key `name`, or null when there is none. */
export function memberKeys(text: string, name: string): string[] | null {
  const start = skipSpace(text, 0);
  if (text[start] !== '{') return null;
  const member = members(text, start, name).find((m) => m.key === name);
  return member && text[member.at] === '{' ? members(text, member.at).map((m) => m.key) : null;
}

/**
 * Deeper nesting than any prompt or setting needs; beyond it a body is refused. Writing such values back (an
 * error that echoes an input, a settings file) would overflow the stack, and Python's json gives up near 1,000.
 */
export const MAX_JSON_DEPTH = 512;

/** True when the JSON text nests arrays/objects more than `limit` deep (the text need not be valid). */
export function nestsDeeperThan(text: string, limit = MAX_JSON_DEPTH): boolean {
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
