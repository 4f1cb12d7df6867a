// Python `re` patterns and replacement templates on JavaScript's RegExp. The common syntax is shared; this
// translates the Python-only forms (named groups `(?P<n>…)`, `(?P=n)`, `\A`, `\Z`, leading global flags `(?aiLmsux)`)
// and expands `re.sub` templates (`\1`, `\g<name>`, `\n`, …) itself, so `$` in a replacement stays literal.
// A pattern JavaScript cannot compile raises PythonRegexError, the counterpart of Python's re.error.

export class PythonRegexError extends Error {
  override name = 're.error';
}

export interface PyFlags {
  ignoreCase?: boolean;
  multiline?: boolean;
  dotAll?: boolean;
}

/** Compiles a Python pattern into a global JavaScript RegExp. */
export function compilePython(pattern: string, flags: PyFlags): RegExp {
  let src = pattern;
  let f = 'g';
  let ignoreCase = !!flags.ignoreCase;
  let multiline = !!flags.multiline;
  let dotAll = !!flags.dotAll;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    ignoreCase ||= inline[1]!.includes('i');
    multiline ||= inline[1]!.includes('m');
    dotAll ||= inline[1]!.includes('s');
    src = src.slice(inline[0].length);
  }
  src = translate(src);
  if (ignoreCase) f += 'i';
  if (multiline) f += 'm';
  if (dotAll) f += 's';
  try {
    return new RegExp(src, f);
  } catch (err) {
    throw new PythonRegexError((err as Error).message);
  }
}

/** Rewrites Python-only constructs outside character classes. */
function translate(p: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      const n = p[i + 1];
      if (!inClass && n === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && n === 'Z') out += '(?![\\s\\S])';
      else out += c + (n ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') out += p[++i];
      if (p[i + 1] === ']') out += p[++i];
      continue;
    }
    if (p.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(p.slice(i));
    if (backref) {
      out += `\\k<${backref[1]}>`;
      i += backref[0].length - 1;
      continue;
    }
    out += c;
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** Expands a Python `re.sub` replacement template for one match. */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = template[i + 1];
    if (n === undefined) throw new PythonRegexError('bad escape (end of pattern)');
    if (n === 'g') {
      const m = /^g<([^>]*)>/.exec(template.slice(i + 1));
      if (!m) throw new PythonRegexError('missing group name');
      const key = m[1]!;
      const value = /^\d+$/.test(key) ? groupAt(match, Number(key)) : namedGroup(match, key);
      out += value ?? '';
      i += m[0].length;
      continue;
    }
    if (/\d/.test(n)) {
      const digits = /^\d{1,2}/.exec(template.slice(i + 1))![0];
      out += groupAt(match, Number(digits)) ?? '';
      i += digits.length;
      continue;
    }
    if (n in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[n];
      i++;
      continue;
    }
    if (/[A-Za-z]/.test(n)) throw new PythonRegexError(`bad escape \\${n}`);
    out += c + n;
    i++;
  }
  return out;
}

function groupAt(match: RegExpExecArray, index: number): string | undefined {
  if (index >= match.length) throw new PythonRegexError(`invalid group reference ${index}`);
  return match[index];
}

function namedGroup(match: RegExpExecArray, name: string): string | undefined {
  if (!match.groups || !(name in match.groups)) throw new PythonRegexError(`unknown group name '${name}'`);
  return match.groups[name];
}

/** All matches, advancing past empty matches as Python's finditer does. */
export function* findIter(re: RegExp, s: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (;;) {
    const m = re.exec(s);
    if (!m) return;
    yield m;
    if (m[0].length === 0) re.lastIndex++;
  }
}

/** `re.sub(pattern, template, s, count)`; count 0 replaces every match. */
export function pySub(re: RegExp, template: string, s: string, count: number): string {
  let out = '';
  let last = 0;
  let done = 0;
  for (const m of findIter(re, s)) {
    if (count > 0 && done >= count) break;
    out += s.slice(last, m.index) + expandTemplate(template, m);
    last = m.index + m[0].length;
    done++;
  }
  return out + s.slice(last);
}
