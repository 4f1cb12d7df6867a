// The JSON codec: exact big integers both ways, Python float repr, tolerance for everything V8 accepts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inRecordedOrder, JsonSyntaxError, parseJson, stringifyJson } from '../../src/server/json.ts';
import { pyFloat } from '../../src/engine/raw-json.ts';
import { digitKeysIncrease, memberKeys, nestsDeeperThan, topLevelKeys } from '../../src/server/json-scan.ts';
import { decodeJsonBody } from '../../src/server/body.ts';
import { orderedKeys, recordKeyOrder } from '../../src/python/dict-order.ts';

test('integers beyond 2^53 parse to bigint and serialize back exactly', () => {
  const text = '{"seed":18446744073709551615,"neg":-9223372036854775808,"small":42,"edge":9007199254740991,"over":9007199254740993}';
  const value = parseJson(text) as Record<string, unknown>;
  assert.equal(value.seed, 18446744073709551615n);
  assert.equal(value.neg, -9223372036854775808n);
  assert.equal(value.small, 42);
  assert.equal(value.edge, 9007199254740991);
  assert.equal(value.over, 9007199254740993n);
  assert.equal(stringifyJson(value), text);
});

test('long digit runs inside strings and floats stay what they are', () => {
  const text = '{"s":"12345678901234567890","f":0.30000000000000004,"e":1e+300,"arr":[123456789012345678901234567890]}';
  const value = parseJson(text) as Record<string, unknown>;
  assert.equal(value.s, '12345678901234567890');
  assert.equal(value.f, 0.30000000000000004);
  assert.equal(value.e, 1e300);
  assert.deepEqual(value.arr, [123456789012345678901234567890n]);
  assert.equal(stringifyJson(value), text);
});

test('escaped quotes in strings do not confuse the integer scanner', () => {
  const value = parseJson('{"a":"x\\"12345678901234567890\\"","b":12345678901234567890}') as Record<string, unknown>;
  assert.equal(value.a, 'x"12345678901234567890"');
  assert.equal(value.b, 12345678901234567890n);
});

test('a string that imitates the internal tag is not turned into a number', () => {
  const value = { s: '\u0001abc:123' };
  assert.equal(stringifyJson(value), JSON.stringify(value));
});

test('bad JSON throws JsonSyntaxError, whichever path parsed it', () => {
  assert.throws(() => parseJson('{"a":'), JsonSyntaxError);
  assert.throws(() => parseJson('{"a":12345678901234567890'), JsonSyntaxError);
  assert.throws(() => parseJson(''), JsonSyntaxError);
});

test('Python float repr', () => {
  const cases: [number, string][] = [
    [5, '5.0'],
    [-3, '-3.0'],
    [0.1, '0.1'],
    [1.5, '1.5'],
    [1e16, '1e+16'],
    [123456789012345680, '1.2345678901234568e+17'],
    [1e15, '1000000000000000.0'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [-0, '-0.0'],
    [0, '0.0'],
    [2.5e300, '2.5e+300'],
  ];
  for (const [value, text] of cases) assert.equal(stringifyJson(pyFloat(value)), text, String(value));
  assert.equal(stringifyJson([pyFloat(NaN), pyFloat(Infinity)]), '[NaN,Infinity]');
  assert.equal(stringifyJson({ number: pyFloat(5) }), '{"number":5.0}');
});

test('key order scanner: the sent order of an object and of its "prompt" member, whatever the values hold', () => {
  const text = ' {"b": "}\\"{", "10": [1, {"x": "]"}], "9": null, "prompt": {"10": {"a": "\\u0041"}, "9": 2.5e3, "é": true, "10": 1}, "1": {}} ';
  assert.deepEqual(topLevelKeys(text), ['b', '10', '9', 'prompt', '1']);
  assert.deepEqual(memberKeys(text, 'prompt'), ['10', '9', 'é'], 'a repeated key keeps its first place');
  assert.equal(memberKeys(text, 'b'), null);
  assert.equal(memberKeys('[1, 2]', 'prompt'), null);
  assert.deepEqual(topLevelKeys('{}'), []);
});

test('decoded bodies keep the sent order of numeric node ids', () => {
  const body = decodeJsonBody(Buffer.from('{"prompt": {"10": {}, "9": {}, "a": {}}, "client_id": "x"}')) as { prompt: Record<string, unknown> };
  assert.deepEqual(Object.keys(body.prompt), ['9', '10', 'a'], "JavaScript's own order");
  assert.deepEqual(orderedKeys(body.prompt), ['10', '9', 'a']);
  const bare = decodeJsonBody(Buffer.from('{"3": {}, "1": {}}')) as Record<string, unknown>;
  assert.deepEqual(orderedKeys(bare), ['3', '1']);
  assert.deepEqual(orderedKeys({ '2': 1, '1': 2 }), ['1', '2'], 'nothing recorded: JavaScript order');
  const inOrder = decodeJsonBody(Buffer.from('{"prompt": {"1": {}, "2": {}, "10": {}, "01": {}, "4294967295": {}}}')) as { prompt: Record<string, unknown> };
  assert.deepEqual(orderedKeys(inOrder.prompt), ['1', '2', '10', '01', '4294967295'], 'sent in JavaScript order');
  assert.deepEqual(Object.getOwnPropertySymbols(inOrder.prompt), [], 'so no order is recorded');
});

test('inRecordedOrder writes an object in its recorded key order, its values in the server dialect', () => {
  const object: Record<string, unknown> = { '2': 'a "quoted" \\ \u0001 é ✓', '10': 18446744073709551615n, x: pyFloat(5), skipped: undefined };
  recordKeyOrder(object, ['10', '2', 'x', 'skipped']);
  const text = stringifyJson({ list: [inRecordedOrder(object)], after: 1 });
  assert.equal(text, '{"list":[{"10":18446744073709551615,"2":"a \\"quoted\\" \\\\ \\u0001 é ✓","x":5.0}],"after":1}');
  const plain = { '2': 1, '1': 2 };
  assert.equal(inRecordedOrder(plain), plain, 'nothing recorded: the object itself');
  assert.equal(inRecordedOrder(null), null);
});

test('the increasing-digit-keys shortcut says yes only when no object can be out of order', () => {
  assert.equal(digitKeysIncrease('{"prompt": {"1": {"inputs": {"a": [1, 2]}}, "2": {}, "10": {}}}'), true);
  assert.equal(digitKeysIncrease('{"prompt": {"2": {}, "10": {}, "9": {}}}'), false);
  assert.equal(digitKeysIncrease('{"1": {}, "1": {}}'), false, 'a repeated key');
  assert.equal(digitKeysIncrease('{"2": {}, "\\u0031": {}}'), false, 'a digit behind an escape');
  assert.equal(digitKeysIncrease('{"1": {"t": "\\"9\\": x"}, "2": {}}'), true, 'escaped quotes in a string are no key');
  assert.equal(digitKeysIncrease('{"5": {"t": "a\\"3\\"b"}, "6": {}}'), true);
  // Whatever the shortcut says, the decoded order is the sent one.
  for (const text of ['{"prompt": {"2": {}, "\\u0031": {}}}', '{"prompt": {"5": {}, "3:1": {}, "6": {}}}', '{"prompt": {"1": {}, "2": {}}}']) {
    const body = decodeJsonBody(Buffer.from(text)) as { prompt: Record<string, unknown> };
    assert.deepEqual(orderedKeys(body.prompt), memberKeys(text, 'prompt'), text);
  }
});

test('nesting depth: up to 512 levels pass, deeper is refused, short texts are never scanned deeper than they can nest', () => {
  assert.equal(nestsDeeperThan('['.repeat(512) + ']'.repeat(512)), false);
  assert.equal(nestsDeeperThan('['.repeat(513) + ']'.repeat(513)), true);
  assert.equal(nestsDeeperThan('{"a": "' + '['.repeat(600) + '"}'), false, 'brackets inside strings do not count');
  assert.equal(nestsDeeperThan('[[[]]]', 2), true);
  assert.equal(nestsDeeperThan('[[]]', 2), false);
});
