// Utility nodes: schemas from nodes.md §3 (nodes_primitive.py, nodes_preview_any.py, nodes_string.py) and
// changes-0.8.0.md §8 (PrimitiveFloat step, PreviewAny display and JSON indentation, nodes_logic.py), and results
// checked against Python's own str/re/json behaviour (expected values produced with CPython).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/inference/tensor.ts';
import { stringifyJson } from '../../src/server/json.ts';
import { nodeInfo } from '../../src/nodes/registry.ts';
import { BOOL, COMBO, FLOAT, info, INT, node, run, runUi, STR, v3 } from '../mask/helpers.ts';

const MAXSIZE = 9223372036854775807n;

test('primitive schemas', () => {
  const p = (name: string, display: string, required: Record<string, unknown>, outputs: string[]) =>
    assert.deepEqual(info(name), v3({ name, display, category: 'utils/primitive', module: 'comfy_extras.nodes_primitive', required, outputs }), name);
  p('PrimitiveString', 'String', { value: STR(false) }, ['STRING']);
  p('PrimitiveStringMultiline', 'String (Multiline)', { value: STR(true) }, ['STRING']);
  p('PrimitiveInt', 'Int', { value: INT(undefined, -MAXSIZE, MAXSIZE, undefined, { control_after_generate: true }) }, ['INT']);
  p('PrimitiveFloat', 'Float', { value: FLOAT(undefined, -MAXSIZE as unknown as number, MAXSIZE as unknown as number, 0.1) }, ['FLOAT']);
  p('PrimitiveBoolean', 'Boolean', { value: BOOL() }, ['BOOLEAN']);
  // The 2^63 − 1 bounds reach the wire as exact integer literals.
  assert.match(stringifyJson(nodeInfo(node('PrimitiveInt'))), /"min":-9223372036854775807,"max":9223372036854775807/);
});

test('string node schemas', () => {
  const t = STR(true);
  const s = (name: string, display: string, required: Record<string, unknown>, outputs: (string | [string, string])[] = ['STRING'], optional?: Record<string, unknown>) =>
    assert.deepEqual(info(name), v3({ name, display, category: 'utils/string', module: 'comfy_extras.nodes_string', required, optional, outputs }), name);
  s('StringConcatenate', 'Concatenate', { string_a: t, string_b: t, delimiter: STR(false, '') });
  s('StringSubstring', 'Substring', { string: t, start: INT(), end: INT() });
  s('StringLength', 'Length', { string: t }, [['INT', 'length']]);
  s('CaseConverter', 'Case Converter', { string: t, mode: COMBO(['UPPERCASE', 'lowercase', 'Capitalize', 'Title Case']) });
  s('StringTrim', 'Trim', { string: t, mode: COMBO(['Both', 'Left', 'Right']) });
  s('StringReplace', 'Replace', { string: t, find: t, replace: t });
  s('StringContains', 'Contains', { string: t, substring: t, case_sensitive: BOOL(true) }, [['BOOLEAN', 'contains']]);
  s('StringCompare', 'Compare', { string_a: t, string_b: t, mode: COMBO(['Starts With', 'Ends With', 'Equal']), case_sensitive: BOOL(true) }, ['BOOLEAN']);
  s('RegexMatch', 'Regex Match', { string: t, regex_pattern: t, case_insensitive: BOOL(true), multiline: BOOL(false), dotall: BOOL(false) }, [['BOOLEAN', 'matches']]);
  s('RegexExtract', 'Regex Extract', {
    string: t, regex_pattern: t, mode: COMBO(['First Match', 'All Matches', 'First Group', 'All Groups']),
    case_insensitive: BOOL(true), multiline: BOOL(false), dotall: BOOL(false), group_index: INT(1, 0, 100),
  });
  s('RegexReplace', 'Regex Replace', { string: t, regex_pattern: t, replace: t }, ['STRING'], {
    case_insensitive: BOOL(true), multiline: BOOL(false), dotall: BOOL(false), count: INT(0, 0, 100),
  });
});

test('PreviewAny, ComfySwitchNode and CustomCombo schemas', () => {
  assert.deepEqual(info('PreviewAny'), {
    input: { required: { source: ['*', {}] } },
    input_order: { required: ['source'] },
    output: [],
    output_is_list: [],
    output_name: [],
    name: 'PreviewAny',
    display_name: 'Preview as Text',
    python_module: 'comfy_extras.nodes_preview_any',
    category: 'utils',
    output_node: true,
  });
  const switchType = (lazy: boolean) => ['COMFY_MATCHTYPE_V3', { lazy, template: { template_id: 'switch', allowed_types: '*' } }];
  assert.deepEqual(info('ComfySwitchNode'), v3({
    name: 'ComfySwitchNode', display: 'Switch', category: 'logic', module: 'comfy_extras.nodes_logic',
    required: { switch: BOOL(), on_false: switchType(true), on_true: switchType(true) },
    outputs: [['COMFY_MATCHTYPE_V3', 'output']], matchtypes: ['switch'], experimental: true,
  }));
  assert.deepEqual(info('CustomCombo'), v3({
    name: 'CustomCombo', display: 'Custom Combo', category: 'utils', module: 'comfy_extras.nodes_logic',
    required: { choice: COMBO([]) }, outputs: ['STRING'], experimental: true,
  }));
});

test('primitives pass their value through and reject the wrong type', async () => {
  assert.deepEqual(await run('PrimitiveString', { value: 'a' }), ['a']);
  assert.deepEqual(await run('PrimitiveInt', { value: 12345678901234567890n }), [12345678901234567890n]);
  assert.deepEqual(await run('PrimitiveFloat', { value: 0.5 }), [0.5]);
  assert.deepEqual(await run('PrimitiveBoolean', { value: false }), [false]);
  await assert.rejects(run('PrimitiveInt', { value: 1.5 }), /must be an integer/);
  await assert.rejects(run('PrimitiveBoolean', { value: 'yes' }), /must be a boolean/);
});

test('string nodes follow Python str semantics', async () => {
  const one = async (name: string, inputs: Record<string, unknown>) => (await run(name, inputs))[0];
  assert.equal(await one('StringConcatenate', { string_a: 'a', string_b: 'b', delimiter: '$&' }), 'a$&b');
  assert.equal(await one('StringSubstring', { string: 'héllo😀x', start: 1, end: -1 }), 'éllo😀');
  assert.equal(await one('StringLength', { string: 'héllo😀x' }), 7);
  assert.equal(await one('CaseConverter', { string: "hello wORLD's 1st-class", mode: 'Title Case' }), "Hello World'S 1St-Class");
  assert.equal(await one('CaseConverter', { string: 'hELLO World', mode: 'Capitalize' }), 'Hello world');
  assert.equal(await one('CaseConverter', { string: 'abc', mode: 'UPPERCASE' }), 'ABC');
  assert.equal(await one('StringTrim', { string: '\x1c\x85 a b \u3000\t', mode: 'Both' }), 'a b');
  assert.equal(await one('StringTrim', { string: '  a ', mode: 'Left' }), 'a ');
  assert.equal(await one('StringTrim', { string: '  a ', mode: 'Right' }), '  a');
  assert.equal(await one('StringReplace', { string: 'a.b.c', find: '.', replace: '$&' }), 'a$&b$&c');
  assert.equal(await one('StringReplace', { string: 'abc', find: '', replace: '-' }), '-a-b-c-');
  assert.equal(await one('StringContains', { string: 'Hello', substring: 'hell', case_sensitive: false }), true);
  assert.equal(await one('StringContains', { string: 'Hello', substring: 'hell', case_sensitive: true }), false);
  assert.equal(await one('StringCompare', { string_a: 'Hello', string_b: 'LO', mode: 'Ends With', case_sensitive: false }), true);
  assert.equal(await one('StringCompare', { string_a: 'Hello', string_b: 'hello', mode: 'Equal', case_sensitive: true }), false);
});

test('regex nodes follow Python re semantics', async () => {
  const one = async (name: string, inputs: Record<string, unknown>) => (await run(name, inputs))[0];
  const flags = { case_insensitive: true, multiline: false, dotall: false };
  assert.equal(await one('RegexMatch', { string: 'ABC', regex_pattern: 'b', ...flags }), true);
  assert.equal(await one('RegexMatch', { string: 'ABC', regex_pattern: 'b', ...flags, case_insensitive: false }), false);
  assert.equal(await one('RegexMatch', { string: 'abc', regex_pattern: '(unclosed', ...flags }), false);
  assert.equal(await one('RegexMatch', { string: 'xab\nab', regex_pattern: '\\Aab', ...flags, multiline: true }), false);
  assert.equal(await one('RegexMatch', { string: 'ab\n', regex_pattern: 'b\\Z', ...flags }), false);
  assert.equal(await one('RegexMatch', { string: 'ab', regex_pattern: '(?P<x>a)(?P=x)?b', ...flags }), true);
  const ex = (mode: string, pattern: string, group_index = 1) => one('RegexExtract', { string: 'a1b c2d', regex_pattern: pattern, mode, ...flags, group_index });
  assert.equal(await ex('First Match', '\\d\\w'), '1b');
  assert.equal(await ex('All Matches', '(\\d)(\\w)'), '1\n2');
  assert.equal(await ex('All Matches', '\\d'), '1\n2');
  assert.equal(await ex('First Group', '(\\d)(\\w)', 2), 'b');
  assert.equal(await ex('First Group', '(\\d)(\\w)', 3), '');
  assert.equal(await ex('All Groups', '(\\d)(\\w)', 2), 'b\nd');
  assert.equal(await ex('First Match', '['), '');
  const sub = (pattern: string, replace: string, string: string, extra: Record<string, unknown> = {}) =>
    one('RegexReplace', { string, regex_pattern: pattern, replace, ...extra });
  assert.equal(await sub('(?P<w>\\w+)@(\\w+)', '\\2 at \\g<w> $1 \\n', 'me@host and you@there', { count: 1 }), 'host at me $1 \n and you@there');
  assert.equal(await sub('x*', '-', 'abxd'), '-a-b--d-');
  assert.equal(await sub('A', 'z', 'aA'), 'zz');
  assert.equal(await sub('A', 'z', 'aA', { case_insensitive: false }), 'az');
  await assert.rejects(sub('(', 'x', 'a'), /re.error|Invalid/);
  await assert.rejects(sub('a', '\\q', 'a'), /bad escape/);
});

test('PreviewAny shows values as Python would', async () => {
  const text = async (source: unknown) => (await runUi('PreviewAny', { source })).text;
  assert.deepEqual(await text('plain'), ['plain']);
  assert.deepEqual(await text(true), ['True']);
  assert.deepEqual(await text(1e-5), ['1e-05']);
  assert.deepEqual(await text(0.1 + 0.2), ['0.30000000000000004']);
  assert.deepEqual(await text(123.456), ['123.456']);
  assert.deepEqual(await text(2.5e-7), ['2.5e-07']);
  assert.deepEqual(await text(12345678901234567890n), ['12345678901234567890']);
  assert.deepEqual(await text(null), ['None']);
  assert.deepEqual(await text({ a: [1, 2.5, { b: null }], c: 'é', d: [] }), [
    '{\n    "a": [\n        1,\n        2.5,\n        {\n            "b": null\n        }\n    ],\n    "c": "\\u00e9",\n    "d": []\n}',
  ]);
  const [latentText] = await text({ samples: new Tensor([1, 2, 2, 2]) });
  assert.equal(latentText, "{'samples': tensor([[[[0., 0.],\n          [0., 0.]],\n\n         [[0., 0.],\n          [0., 0.]]]])}");
});

test('ComfySwitchNode asks only for the selected lazy branch', async () => {
  const sw = node('ComfySwitchNode');
  assert.deepEqual(await sw.checkLazyStatus!({ switch: true }, undefined as never), ['on_true']);
  assert.deepEqual(await sw.checkLazyStatus!({ switch: false }, undefined as never), ['on_false']);
  assert.deepEqual(await sw.checkLazyStatus!({ switch: true, on_true: 1 }, undefined as never), []);
  assert.deepEqual(await run('ComfySwitchNode', { switch: true, on_true: 'T', on_false: 'F' }), ['T']);
  assert.deepEqual(await run('ComfySwitchNode', { switch: false, on_false: 'F' }), ['F']);
});

test('CustomCombo accepts any choice', async () => {
  const combo = node('CustomCombo');
  assert.equal(await combo.validateInputs!({ choice: 'anything' }), true);
  assert.deepEqual(combo.validateInputsTakes, ['choice']);
  assert.deepEqual(await run('CustomCombo', { choice: 'anything' }), ['anything']);
});
