import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseParentheses, parsePromptWeights, parsePythonFloat } from '../../src/inference/text/prompt-weights.ts';

const w = (prompt: string) => parsePromptWeights(prompt).map(({ text, weight }) => [text, weight]);

describe('prompt weighting syntax', () => {
  it('leaves plain text at weight 1', () => {
    assert.deepEqual(w('a photo of a cat'), [['a photo of a cat', 1]]);
    assert.deepEqual(w(''), []);
  });

  it('multiplies by 1.1 per group and nests', () => {
    assert.deepEqual(w('a (cat) b'), [['a ', 1], ['cat', 1.1], [' b', 1]]);
    assert.deepEqual(w('((cat))'), [['cat', 1.1 * 1.1]]);
    assert.deepEqual(w('(((cat)))'), [['cat', 1.1 * 1.1 * 1.1]]);
    assert.deepEqual(w('(a (b) c)'), [['a ', 1.1], ['b', 1.1 * 1.1], [' c', 1.1]]);
  });

  it('sets an explicit weight after the last colon', () => {
    assert.deepEqual(w('(cat:1.3)'), [['cat', 1.3]]);
    assert.deepEqual(w('(cat: 0.5 )'), [['cat', 0.5]]);
    assert.deepEqual(w('((cat):1.5)'), [['cat', 1.5 * 1.1]]);
    assert.deepEqual(w('((cat:1.2))'), [['cat', 1.2]]);
    assert.deepEqual(w('(a:b:2)'), [['a:b', 2]]);
    assert.deepEqual(w('(time: 12:30)'), [['time: 12', 30]]);
    assert.deepEqual(w('(cat:-1)'), [['cat', -1]]);
    assert.deepEqual(w('(cat:1e1)'), [['cat', 10]]);
  });

  it('keeps the colon when the suffix is not a number, or when it starts the group', () => {
    assert.deepEqual(w('(cat:big)'), [['cat:big', 1.1]]);
    assert.deepEqual(w('(:2)'), [[':2', 1.1]]);
    assert.deepEqual(w('(cat:)'), [['cat:', 1.1]]);
  });

  it('treats escaped parentheses as text', () => {
    assert.deepEqual(w('\\(cat\\)'), [['(cat)', 1]]);
    assert.deepEqual(w('(a \\(b\\):1.2)'), [['a (b)', 1.2]]);
    assert.deepEqual(w('\\(cat:1.5\\)'), [['(cat:1.5)', 1]]);
  });

  it('keeps unbalanced parentheses as text, as ComfyUI does', () => {
    assert.deepEqual(w('a (b'), [['a ', 1], ['(b', 1]]);
    assert.deepEqual(w('a) b'), [['a) b', 1]]);
    assert.deepEqual(w('a) (b) c'), [['a) (b) c', 1]]);
    assert.deepEqual(w('((a)'), [['(a', 1.1]]);
    assert.deepEqual(w('(a))b('), [['a', 1.1], [')b(', 1]]);
    assert.deepEqual(w(')('), [[')(', 1]]);
    assert.deepEqual(w('[a] {b}'), [['[a] {b}', 1]]);
    assert.deepEqual(w('()'), []);
  });

  it('splits top-level groups like parse_parentheses', () => {
    assert.deepEqual(parseParentheses('x(a(b)c)y(d)'), ['x', '(a(b)c)', 'y', '(d)']);
  });

  it('can be switched off', () => {
    assert.deepEqual(parsePromptWeights('(cat:1.5) \\(x\\)', true), [{ text: '(cat:1.5) (x)', weight: 1 }]);
  });

  it('parses floats as Python does', () => {
    assert.equal(parsePythonFloat(' 1.5 '), 1.5);
    assert.equal(parsePythonFloat('1_000.5'), 1000.5);
    assert.equal(parsePythonFloat('.5'), 0.5);
    assert.equal(parsePythonFloat('5.'), 5);
    assert.equal(parsePythonFloat('-inf'), -Infinity);
    assert.ok(Number.isNaN(parsePythonFloat('NaN')));
    for (const bad of ['', '1__0', '_1', '0x10', '1.2.3', '1e', 'one']) assert.equal(parsePythonFloat(bad), null, bad);
  });
});
