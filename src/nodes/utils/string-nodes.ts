// comfy_extras/nodes_string.py (V3): text utilities with Python's string and `re` semantics.
import type { NodeDefinition } from '../node-definition.ts';
import { requireChoice, requireInt, requireString } from './node-args.ts';
import { pyCapitalize, pyLen, pySlice, pyStrip, pyTitle } from './python-text.ts';
import { compilePython, findIter, PythonRegexError, pySub, type PyFlags } from './python-regex.ts';
import { v3Boolean, v3Combo, v3Int, v3String } from './v3-io.ts';

const STRING_NODE = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_string', category: 'utils/string' } as const;
const text = () => v3String({ multiline: true });

function bool(name: string, value: unknown, fallback?: boolean): boolean {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'boolean') throw new Error(`${name} must be a boolean`);
  return value;
}

function regexFlags(inputs: Record<string, unknown>, defaults?: PyFlags): PyFlags {
  return {
    ignoreCase: bool('case_insensitive', inputs.case_insensitive, defaults?.ignoreCase),
    multiline: bool('multiline', inputs.multiline, defaults?.multiline),
    dotAll: bool('dotall', inputs.dotall, defaults?.dotAll),
  };
}

export const stringConcatenateNode: NodeDefinition = {
  ...STRING_NODE,
  name: 'StringConcatenate',
  displayName: 'Concatenate',
  inputs: { required: { string_a: text(), string_b: text(), delimiter: v3String({ default: '' }) } },
  outputs: [{ type: 'STRING' }],
  execute: (i) => [requireString('string_a', i.string_a) + requireString('delimiter', i.delimiter) + requireString('string_b', i.string_b)],
};

export const stringSubstringNode: NodeDefinition = {
  ...STRING_NODE,
  name: 'StringSubstring',
  displayName: 'Substring',
  inputs: { required: { string: text(), start: v3Int(), end: v3Int() } },
  outputs: [{ type: 'STRING' }],
  execute: (i) => [pySlice(requireString('string', i.string), requireInt('start', i.start, -Infinity, Infinity), requireInt('end', i.end, -Infinity, Infinity))],
};

export const stringLengthNode: NodeDefinition = {
  ...STRING_NODE,
  name: 'StringLength',
  displayName: 'Length',
  inputs: { required: { string: text() } },
  outputs: [{ type: 'INT', name: 'length' }],
  execute: (i) => [pyLen(requireString('string', i.string))],
};

const CASES = ['UPPERCASE', 'lowercase', 'Capitalize', 'Title Case'] as const;

export const caseConverterNode: NodeDefinition = {
  ...STRING_NODE,
  name: 'CaseConverter',
  displayName: 'Case Converter',
  inputs: { required: { string: text(), mode: v3Combo(CASES) } },
  outputs: [{ type: 'STRING' }],
  execute(i) {
    const s = requireString('string', i.string);
    switch (requireChoice('mode', i.mode, CASES)) {
      case 'UPPERCASE':
        return [s.toUpperCase()];
      case 'lowercase':
        return [s.toLowerCase()];
      case 'Capitalize':
        return [pyCapitalize(s)];
      case 'Title Case':
        return [pyTitle(s)];
    }
  },
};

const TRIMS = ['Both', 'Left', 'Right'] as const;

export const stringTrimNode: NodeDefinition = {
  ...STRING_NODE,
  name: 'StringTrim',
  displayName: 'Trim',
  inputs: { required: { string: text(), mode: v3Combo(TRIMS) } },
  outputs: [{ type: 'STRING' }],
  execute(i) {
    const mode = requireChoice('mode', i.mode, TRIMS);
    return [pyStrip(requireString('string', i.string), mode === 'Both' ? 'both' : mode === 'Left' ? 'left' : 'right')];
  },
};

export const stringReplaceNode: NodeDefinition = {
  ...STRING_NODE,
  name: 'StringReplace',
  displayName: 'Replace',
  inputs: { required: { string: text(), find: text(), replace: text() } },
  outputs: [{ type: 'STRING' }],
  execute(i) {
    const replace = requireString('replace', i.replace);
    // A function replacement keeps `$` sequences literal, as Python's str.replace does.
    return [requireString('string', i.string).replaceAll(requireString('find', i.find), () => replace)];
  },
};

export const stringContainsNode: NodeDefinition = {
  ...STRING_NODE,
  name: 'StringContains',
  displayName: 'Contains',
  inputs: { required: { string: text(), substring: text(), case_sensitive: v3Boolean({ default: true }) } },
  outputs: [{ type: 'BOOLEAN', name: 'contains' }],
  execute(i) {
    let s = requireString('string', i.string);
    let sub = requireString('substring', i.substring);
    if (!bool('case_sensitive', i.case_sensitive)) {
      s = s.toLowerCase();
      sub = sub.toLowerCase();
    }
    return [s.includes(sub)];
  },
};

const COMPARES = ['Starts With', 'Ends With', 'Equal'] as const;

export const stringCompareNode: NodeDefinition = {
  ...STRING_NODE,
  name: 'StringCompare',
  displayName: 'Compare',
  inputs: { required: { string_a: text(), string_b: text(), mode: v3Combo(COMPARES), case_sensitive: v3Boolean({ default: true }) } },
  outputs: [{ type: 'BOOLEAN' }],
  execute(i) {
    let a = requireString('string_a', i.string_a);
    let b = requireString('string_b', i.string_b);
    if (!bool('case_sensitive', i.case_sensitive)) {
      a = a.toLowerCase();
      b = b.toLowerCase();
    }
    const mode = requireChoice('mode', i.mode, COMPARES);
    return [mode === 'Equal' ? a === b : mode === 'Starts With' ? a.startsWith(b) : a.endsWith(b)];
  },
};

export const regexMatchNode: NodeDefinition = {
  ...STRING_NODE,
  name: 'RegexMatch',
  displayName: 'Regex Match',
  inputs: {
    required: {
      string: text(),
      regex_pattern: text(),
      case_insensitive: v3Boolean({ default: true }),
      multiline: v3Boolean({ default: false }),
      dotall: v3Boolean({ default: false }),
    },
  },
  outputs: [{ type: 'BOOLEAN', name: 'matches' }],
  execute(i) {
    const s = requireString('string', i.string);
    const flags = regexFlags(i);
    try {
      return [compilePython(requireString('regex_pattern', i.regex_pattern), flags).exec(s) !== null];
    } catch (err) {
      if (err instanceof PythonRegexError) return [false];
      throw err;
    }
  },
};

const EXTRACT_MODES = ['First Match', 'All Matches', 'First Group', 'All Groups'] as const;

/** RegexExtract's result; Python's `None` for a group that did not take part is null. */
function extract(re: RegExp, s: string, mode: (typeof EXTRACT_MODES)[number], groupIndex: number): string | null {
  switch (mode) {
    case 'First Match':
      return re.exec(s)?.[0] ?? '';
    case 'All Matches':
      // re.findall yields the first group when the pattern has groups (None becomes '').
      return [...findIter(re, s)].map((m) => (m.length > 1 ? m[1] ?? '' : m[0])).join('\n');
    case 'First Group': {
      const m = re.exec(s);
      return m && m.length - 1 >= groupIndex ? m[groupIndex] ?? null : '';
    }
    case 'All Groups': {
      const results: string[] = [];
      for (const m of findIter(re, s)) {
        if (m.length > 1 && m.length - 1 >= groupIndex) {
          const g = m[groupIndex];
          if (g === undefined) throw new Error(`sequence item ${results.length}: expected str instance, NoneType found`);
          results.push(g);
        }
      }
      return results.join('\n');
    }
  }
}

export const regexExtractNode: NodeDefinition = {
  ...STRING_NODE,
  name: 'RegexExtract',
  displayName: 'Regex Extract',
  inputs: {
    required: {
      string: text(),
      regex_pattern: text(),
      mode: v3Combo(EXTRACT_MODES),
      case_insensitive: v3Boolean({ default: true }),
      multiline: v3Boolean({ default: false }),
      dotall: v3Boolean({ default: false }),
      group_index: v3Int({ default: 1, min: 0, max: 100 }),
    },
  },
  outputs: [{ type: 'STRING' }],
  execute(i) {
    const s = requireString('string', i.string);
    const mode = requireChoice('mode', i.mode, EXTRACT_MODES);
    const groupIndex = requireInt('group_index', i.group_index, 0, 100);
    const flags = regexFlags(i);
    try {
      return [extract(compilePython(requireString('regex_pattern', i.regex_pattern), flags), s, mode, groupIndex)];
    } catch (err) {
      if (err instanceof PythonRegexError) return [''];
      throw err;
    }
  },
};

export const regexReplaceNode: NodeDefinition = {
  ...STRING_NODE,
  name: 'RegexReplace',
  displayName: 'Regex Replace',
  description: 'Find and replace text using regex patterns.',
  inputs: {
    required: { string: text(), regex_pattern: text(), replace: text() },
    optional: {
      case_insensitive: v3Boolean({ default: true }),
      multiline: v3Boolean({ default: false }),
      dotall: v3Boolean({
        tooltip: 'When enabled, the dot (.) character will match any character including newline characters. When disabled, dots won\'t match newlines.',
        default: false,
      }),
      count: v3Int({
        tooltip: 'Maximum number of replacements to make. Set to 0 to replace all occurrences (default). Set to 1 to replace only the first match, 2 for the first two matches, etc.',
        default: 0,
        min: 0,
        max: 100,
      }),
    },
  },
  outputs: [{ type: 'STRING' }],
  execute(i) {
    const flags = regexFlags(i, { ignoreCase: true, multiline: false, dotAll: false });
    const count = i.count === undefined ? 0 : requireInt('count', i.count, 0, 100);
    // Unlike the other regex nodes, ComfyUI lets a bad pattern fail the node here.
    const re = compilePython(requireString('regex_pattern', i.regex_pattern), flags);
    return [pySub(re, requireString('replace', i.replace), requireString('string', i.string), count)];
  },
};

export const stringNodes: NodeDefinition[] = [
  stringConcatenateNode,
  stringSubstringNode,
  stringLengthNode,
  caseConverterNode,
  stringTrimNode,
  stringReplaceNode,
  stringContainsNode,
  stringCompareNode,
  regexMatchNode,
  regexExtractNode,
  regexReplaceNode,
];
