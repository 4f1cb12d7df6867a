// The text transforms of nodes_dataset.py, one text per call (case, truncation, prefix/suffix, replace, strip),
// and MergeTextLists, which returns the whole text list as one value. Python's str methods are mirrored:
// `strip()` removes Unicode whitespace, `text[:n]` counts code points.
import type { NodeDefinition } from '../node-definition.ts';
import { requireInt, requireString } from '../utils/node-args.ts';
import { v3Int, v3String } from '../utils/v3-io.ts';
import { textProcessingNode } from './dataset-node.ts';
import { pySlice, pyStrip } from '../utils/python-text.ts';

const text = (value: unknown) => requireString('texts', value);

export const textToLowercase: NodeDefinition = textProcessingNode({
  name: 'TextToLowercase', displayName: 'Text to Lowercase', execute: (t) => text(t).toLowerCase(),
});

export const textToUppercase: NodeDefinition = textProcessingNode({
  name: 'TextToUppercase', displayName: 'Text to Uppercase', execute: (t) => text(t).toUpperCase(),
});

export const truncateText: NodeDefinition = textProcessingNode({
  name: 'TruncateText',
  displayName: 'Truncate Text',
  extraInputs: { max_length: v3Int({ tooltip: 'Maximum text length.', default: 77, min: 1, max: 10000 }) },
  execute: (t, p) => pySlice(text(t), 0, requireInt('max_length', p.max_length, 1, 10000)),
});

export const addTextPrefix: NodeDefinition = textProcessingNode({
  name: 'AddTextPrefix',
  displayName: 'Add Text Prefix',
  extraInputs: { prefix: v3String({ default: '', tooltip: 'Prefix to add.' }) },
  execute: (t, p) => requireString('prefix', p.prefix) + text(t),
});

export const addTextSuffix: NodeDefinition = textProcessingNode({
  name: 'AddTextSuffix',
  displayName: 'Add Text Suffix',
  extraInputs: { suffix: v3String({ default: '', tooltip: 'Suffix to add.' }) },
  execute: (t, p) => text(t) + requireString('suffix', p.suffix),
});

export const replaceText: NodeDefinition = textProcessingNode({
  name: 'ReplaceText',
  displayName: 'Replace Text',
  extraInputs: {
    find: v3String({ default: '', tooltip: 'Text to find.' }),
    replace: v3String({ default: '', tooltip: 'Text to replace with.' }),
  },
  execute(t, p) {
    const find = requireString('find', p.find);
    const replacement = requireString('replace', p.replace);
    // Python's str.replace with an empty pattern inserts between every code point and at both ends.
    if (find === '') return [...text(t), ''].reduce((acc, ch) => acc + replacement + ch, '');
    return text(t).split(find).join(replacement);
  },
});

export const stripWhitespace: NodeDefinition = textProcessingNode({
  name: 'StripWhitespace', displayName: 'Strip Whitespace', execute: (t) => pyStrip(text(t)),
});

export const mergeTextLists: NodeDefinition = textProcessingNode({
  name: 'MergeTextLists',
  displayName: 'Merge Text Lists',
  group: true,
  execute: (texts: unknown[]) => texts.map(text),
});
