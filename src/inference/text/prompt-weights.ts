// ComfyUI's prompt weighting syntax (models.md §5.1, `sd1_clip.py`): `(text)` multiplies the weight by 1.1,
// `(text:1.3)` sets it, groups nest, `\(` and `\)` are literal parentheses, unbalanced parentheses stay text.

export interface WeightedSegment {
  text: string;
  weight: number;
}

// Escaped parentheses are hidden behind control characters while parsing, as ComfyUI does.
const ESC_CLOSE = '\0\x01';
const ESC_OPEN = '\0\x02';

export function escapeImportant(text: string): string {
  return text.replaceAll('\\)', ESC_CLOSE).replaceAll('\\(', ESC_OPEN);
}

export function unescapeImportant(text: string): string {
  return text.replaceAll(ESC_CLOSE, ')').replaceAll(ESC_OPEN, '(');
}

/** Top-level groups and plain runs; a group keeps its outer parentheses. Mirrors `parse_parentheses`. */
export function parseParentheses(text: string): string[] {
  const result: string[] = [];
  let current = '';
  let nesting = 0;
  for (const ch of text) {
    if (ch === '(') {
      if (nesting === 0) {
        if (current) result.push(current);
        current = '(';
      } else current += ch;
      nesting++;
    } else if (ch === ')') {
      nesting--;
      if (nesting === 0) {
        result.push(`${current})`);
        current = '';
      } else current += ch;
    } else current += ch;
  }
  if (current) result.push(current);
  return result;
}

/** Python's `float(str)`: surrounding whitespace, underscores between digits, inf/nan; null when it would raise. */
export function parsePythonFloat(text: string): number | null {
  const s = text.trim();
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  const digits = '\\d(?:_?\\d)*';
  const re = new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`);
  if (!re.test(s)) return null;
  return Number(s.replaceAll('_', ''));
}

/** Mirrors `token_weights(string, current_weight)`. */
export function tokenWeights(text: string, currentWeight: number): WeightedSegment[] {
  const out: WeightedSegment[] = [];
  for (let x of parseParentheses(text)) {
    if (x.length >= 2 && x.startsWith('(') && x.endsWith(')')) {
      x = x.slice(1, -1);
      let weight = currentWeight * 1.1;
      const colon = x.lastIndexOf(':');
      if (colon > 0) {
        const value = parsePythonFloat(x.slice(colon + 1));
        if (value !== null) {
          weight = value;
          x = x.slice(0, colon);
        }
      }
      out.push(...tokenWeights(x, weight));
    } else out.push({ text: x, weight: currentWeight });
  }
  return out;
}

/** The prompt as weighted segments, escapes resolved (what the tokenizer sees). */
export function parsePromptWeights(prompt: string, disableWeights = false): WeightedSegment[] {
  const escaped = escapeImportant(prompt);
  const segments = disableWeights ? [{ text: escaped, weight: 1 }] : tokenWeights(escaped, 1);
  return segments.map((s) => ({ text: unescapeImportant(s.text), weight: s.weight }));
}
