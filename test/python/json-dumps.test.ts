// The one json.dumps of the project (PNG/video/mesh metadata, users.json, comfy.settings.json, PreviewAny) against
// the texts Python's json module writes for the same values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotJsonSerializable, pythonJsonDumps } from '../../src/python/json-dumps.ts';
import { pyRepr } from '../../src/python/values.ts';

test('separators, ensure_ascii (DEL included), floats by repr and NaN/Infinity as Python writes them', () => {
  assert.equal(
    pythonJsonDumps({ a: 'é\x7f\n', b: [1, 2.5, null, true], c: 1e-7, d: NaN, e: -Infinity, f: 1e16, g: -0, h: 12345678901234567890n }),
    '{"a": "\\u00e9\\u007f\\n", "b": [1, 2.5, null, true], "c": 1e-07, "d": NaN, "e": -Infinity, "f": 1e+16, "g": -0.0, "h": 12345678901234567890}',
  );
  assert.equal(pythonJsonDumps('😀'), '"\\ud83d\\ude00"', 'astral characters as surrogate pairs');
  assert.equal(pythonJsonDumps(9007199254740991), '9007199254740991');
});

test('indent puts each item on its own line; empty containers stay short', () => {
  assert.equal(pythonJsonDumps({ x: [1, { y: [] }], z: {} }, { indent: 2 }), '{\n  "x": [\n    1,\n    {\n      "y": []\n    }\n  ],\n  "z": {}\n}');
});

test('toJSON is honoured, undefined and functions are left out; strict refuses what json cannot serialise', () => {
  assert.equal(pythonJsonDumps({ a: undefined, b: () => 1, c: { toJSON: () => 'raw' } }), '{"c": "raw"}');
  assert.equal(pythonJsonDumps(new Float32Array([1])), '{"0": 1}');
  assert.throws(() => pythonJsonDumps({ t: new Float32Array([1]) }, { strict: true }), NotJsonSerializable);
  assert.throws(() => pythonJsonDumps(new Map(), { strict: true }), NotJsonSerializable);
  assert.equal(pythonJsonDumps({ a: [1] }, { strict: true }), '{"a": [1]}');
});

test('repr() and json.dumps agree on numbers: ints up to 2^53, floats beyond (a larger JSON int is a bigint)', () => {
  for (const [n, text] of [[7, '7'], [9007199254740991, '9007199254740991'], [1e16, '1e+16'], [1e20, '1e+20'], [0.5, '0.5'], [1e-7, '1e-07']] as const) {
    assert.equal(pyRepr(n), text);
    assert.equal(pythonJsonDumps(n), text);
  }
  assert.equal(pyRepr(-0), '-0.0');
});
