// Python `str` semantics the string nodes rely on, where JavaScript's differ: strings are sequences of code points
// (not UTF-16 units), `strip()` uses Python's whitespace set, and `title()`/`capitalize()` have their own rules.

/** The characters `str.isspace()` accepts. */
const PY_WHITESPACE = new Set(
  '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000',
);

export function codePoints(s: string): string[] {
  return Array.from(s);
}

export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** `s[start:end]` with Python's negative indices and clamping, over code points. */
export function pySlice(s: string, start: number, end: number): string {
  const cps = codePoints(s);
  const n = cps.length;
  const norm = (i: number) => Math.min(Math.max(i < 0 ? n + i : i, 0), n);
  const a = norm(start);
  const b = norm(end);
  return b > a ? cps.slice(a, b).join('') : '';
}

export function pyStrip(s: string, side: 'both' | 'left' | 'right' = 'both'): string {
  const cps = codePoints(s);
  let a = 0;
  let b = cps.length;
  if (side !== 'right') while (a < b && PY_WHITESPACE.has(cps[a]!)) a++;
  if (side !== 'left') while (b > a && PY_WHITESPACE.has(cps[b - 1]!)) b--;
  return cps.slice(a, b).join('');
}

/** A character with distinct upper and lower case forms (Python's "cased"). */
function isCased(c: string): boolean {
  return c.toLowerCase() !== c.toUpperCase() || /\p{Lt}/u.test(c);
}

/** `str.title()`: a cased character after a non-cased one is upper-cased, others lower-cased. */
export function pyTitle(s: string): string {
  let out = '';
  let previousCased = false;
  for (const c of s) {
    if (isCased(c)) {
      out += previousCased ? c.toLowerCase() : c.toUpperCase();
      previousCased = true;
    } else {
      out += c;
      previousCased = false;
    }
  }
  return out;
}

/** `str.capitalize()`: first character upper-cased, the rest lower-cased. */
export function pyCapitalize(s: string): string {
  const cps = codePoints(s);
  if (cps.length === 0) return '';
  return cps[0]!.toUpperCase() + cps.slice(1).join('').toLowerCase();
}
