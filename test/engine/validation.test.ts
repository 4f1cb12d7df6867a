// Validation (execution.md §2, changes-0.8.0.md §3) through `engine.submit`: every error type with its exact
// message, details and extra_info, the 400 body, partially valid prompts and hostile input.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorBody, SubmitOutcome } from '../../src/engine/engine-api.ts';
import { chain, harness } from './fixtures.ts';

const h = harness();
after(() => h.engine.close());

const submit = (prompt: unknown, extra: Record<string, unknown> = {}) => h.engine.submit({ prompt, ...extra });

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));

function failed(o: SubmitOutcome): Extract<SubmitOutcome, { ok: false }> {
  assert.equal(o.ok, false, json(o));
  return o as Extract<SubmitOutcome, { ok: false }>;
}

/** The single error of node `id` in a rejected prompt. */
function nodeError(o: SubmitOutcome, id: string): ErrorBody {
  const errors = failed(o).node_errors[id]?.errors;
  assert.ok(errors, `no node_errors for ${id}: ${json(o)}`);
  assert.equal(errors.length, 1, json(errors));
  return errors[0]!;
}

const show = (value: unknown) => ({ class_type: 'Show', inputs: { value } });

describe('whole-prompt checks', () => {
  test('no prompt', async () => {
    const o = failed(await h.engine.submit({}));
    assert.deepEqual(o, {
      ok: false,
      error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} },
      node_errors: {},
    });
  });

  test('missing class_type and unknown class', async () => {
    const a = failed(await submit({ '1': { inputs: {} } }));
    assert.deepEqual(a.error, {
      type: 'invalid_prompt',
      message: 'Cannot execute because a node is missing the class_type property.',
      details: "Node ID '#1'",
      extra_info: {},
    });
    const b = failed(await submit({ '1': show(1), '2': { class_type: 'Nope', inputs: {} } }));
    assert.deepEqual(b.error, {
      type: 'invalid_prompt',
      message: 'Cannot execute because node Nope does not exist.',
      details: "Node ID '#2'",
      extra_info: {},
    });
    assert.deepEqual(b.node_errors, {});
  });

  test('no outputs', async () => {
    const o = failed(await submit({ '1': { class_type: 'Const', inputs: { value: 1 } } }));
    assert.deepEqual(o.error, { type: 'prompt_no_outputs', message: 'Prompt has no outputs', details: '', extra_info: {} });
  });
});

describe('input errors', () => {
  test('required_input_missing, with the 400 body', async () => {
    const o = failed(await submit({ '9': { class_type: 'Show', inputs: {} } }));
    assert.deepEqual(o, {
      ok: false,
      error: {
        type: 'prompt_outputs_failed_validation',
        message: 'Prompt outputs failed validation',
        details: 'Required input is missing: value',
        extra_info: {},
      },
      node_errors: {
        '9': {
          errors: [{ type: 'required_input_missing', message: 'Required input is missing', details: 'value', extra_info: { input_name: 'value' } }],
          dependent_outputs: ['9'],
          class_type: 'Show',
        },
      },
    });
  });

  test('bad_linked_input', async () => {
    const e = nodeError(await submit({ '1': show(['2', 0, 1]) }), '1');
    assert.deepEqual(e, {
      type: 'bad_linked_input',
      message: 'Bad linked input, must be a length-2 list of [node_id, slot_index]',
      details: 'value',
      extra_info: { input_name: 'value', input_config: ['*', {}], received_value: ['2', 0, 1] },
    });
  });

  test('return_type_mismatch, unions and ANY', async () => {
    const prompt = {
      t: { class_type: 'Text', inputs: { text: 'x' } },
      a: { class_type: 'Adder', inputs: { a: ['t', 0], b: 1 } },
      o: show(['a', 0]),
    };
    const e = nodeError(await submit(prompt), 'a');
    assert.deepEqual(e, {
      type: 'return_type_mismatch',
      message: 'Return type mismatch between linked nodes',
      details: 'a, received_type(STRING) mismatch input_type(INT)',
      extra_info: { input_name: 'a', input_config: ['INT', {}], received_type: 'STRING', linked_node: ['t', 0] },
    });
    const union = await submit({ c: { class_type: 'Const', inputs: { value: 1 } }, n: { class_type: 'Num', inputs: { n: ['c', 0] } } });
    assert.equal(union.ok, true);
    const anyType = await submit({ t: { class_type: 'Text', inputs: { text: 'x' } }, o: show(['t', 0]) });
    assert.equal(anyType.ok, true);
  });

  test('invalid_input_type for INT and FLOAT', async () => {
    const e = nodeError(await submit({ c: { class_type: 'Const', inputs: { value: 'abc' } }, o: show(['c', 0]) }), 'c');
    assert.deepEqual(e, {
      type: 'invalid_input_type',
      message: 'Failed to convert an input value to a INT value',
      details: "value, abc, invalid literal for int() with base 10: 'abc'",
      extra_info: {
        input_name: 'value',
        input_config: ['INT', { default: 0, min: -1000, max: 1000 }],
        received_value: 'abc',
        exception_message: "invalid literal for int() with base 10: 'abc'",
      },
    });
    const f = nodeError(await submit({ f: { class_type: 'FloatIn', inputs: { x: 'x' } } }), 'f');
    assert.equal(f.details, "x, x, could not convert string to float: 'x'");
    const n = nodeError(await submit({ c: { class_type: 'Const', inputs: { value: null } }, o: show(['c', 0]) }), 'c');
    assert.equal(n.details, "value, None, int() argument must be a string, a bytes-like object or a real number, not 'NoneType'");
  });

  test('value_smaller_than_min / value_bigger_than_max with Python number formatting', async () => {
    const low = nodeError(await submit({ f: { class_type: 'FloatIn', inputs: { x: 0.25 } } }), 'f');
    assert.equal(low.type, 'value_smaller_than_min');
    assert.equal(low.message, 'Value 0.25 smaller than min of 0.5');
    assert.deepEqual(low.extra_info, { input_name: 'x', input_config: ['FLOAT', { default: 1, min: 0.5, max: 10 }], received_value: 0.25 });
    const high = nodeError(await submit({ f: { class_type: 'FloatIn', inputs: { x: 20 } } }), 'f');
    assert.equal(high.type, 'value_bigger_than_max');
    assert.equal(high.message, 'Value 20.0 bigger than max of 10.0');
    const int = nodeError(await submit({ c: { class_type: 'Const', inputs: { value: -5000 } }, o: show(['c', 0]) }), 'c');
    assert.equal(int.message, 'Value -5000 smaller than min of -1000');
  });

  test('INT limits compare exactly for bigint values', async () => {
    const max = 18446744073709551615n;
    assert.equal((await submit({ f: { class_type: 'FloatIn', inputs: { x: 1, seed: max } } })).ok, true);
    const e = nodeError(await submit({ f: { class_type: 'FloatIn', inputs: { x: 1, seed: max + 1n } } }), 'f');
    assert.equal(e.message, 'Value 18446744073709551616 bigger than max of 18446744073709551615');
    assert.equal(e.extra_info.received_value, max + 1n);
    assert.equal((await submit({ f: { class_type: 'FloatIn', inputs: { x: 1, seed: '18446744073709551615' } } })).ok, true);
  });

  test('value_not_in_list for V1 and V3 combos, long lists summarised', async () => {
    const v1 = nodeError(await submit({ p: { class_type: 'Pick', inputs: { choice: 'z' } } }), 'p');
    assert.deepEqual(v1, {
      type: 'value_not_in_list',
      message: 'Value not in list',
      details: "choice: 'z' not in ['a', 'b', 'c']",
      extra_info: { input_name: 'choice', input_config: [['a', 'b', 'c'], {}], received_value: 'z' },
    });
    const v3 = nodeError(await submit({ p: { class_type: 'Pick', inputs: { choice: 'a', v3: 'z' } } }), 'p');
    assert.equal(v3.details, "v3: 'z' not in ['x', 'y']");
    assert.deepEqual(v3.extra_info.input_config, ['COMBO', { options: ['x', 'y'] }]);
    const long = nodeError(await submit({ p: { class_type: 'Pick', inputs: { choice: 'a', many: 'nope' } } }), 'p');
    assert.equal(long.details, "many: 'nope' not in (list of length 25)");
    assert.equal(long.extra_info.input_config, null);
  });

  test('custom validation: messages, false, and skipped built-in checks', async () => {
    const msg = nodeError(await submit({ k: { class_type: 'Checked', inputs: { value: 13, other: 1 } } }), 'k');
    assert.deepEqual(msg, {
      type: 'custom_validation_failed',
      message: 'Custom validation failed for node',
      details: 'value - unlucky',
      extra_info: { input_name: 'value' },
    });
    assert.equal(nodeError(await submit({ k: { class_type: 'Checked', inputs: { value: 66, other: 1 } } }), 'k').details, 'value');
    // `value` is the validator's parameter, so its max is not checked; `other` still is.
    const o = await submit({ k: { class_type: 'Checked', inputs: { value: 50, other: 50 } } });
    assert.equal(nodeError(o, 'k').type, 'value_bigger_than_max');
    assert.equal(nodeError(o, 'k').details, 'other');
  });

  test('input_types: a validator taking it replaces the link type check', async () => {
    const ok = await submit({ c: { class_type: 'Const', inputs: { value: 1 } }, v: { class_type: 'TypeAware', inputs: { value: ['c', 0] } } });
    assert.equal(ok.ok, true);
    const bad = await submit({ t: { class_type: 'Text', inputs: { text: 'a' } }, v: { class_type: 'TypeAware', inputs: { value: ['t', 0] } } });
    const errors = failed(bad).node_errors.v!.errors;
    assert.deepEqual(errors.map((e) => e.details), ['input_types - got STRING']);
  });
});

describe('exceptions during validation', () => {
  test('a link to a missing node in the output itself', async () => {
    const o = failed(await submit({ o: show(['missing', 0]) }));
    const e = o.node_errors.o!.errors[0]!;
    assert.equal(e.type, 'exception_during_validation');
    assert.equal(e.message, 'Exception when validating node');
    assert.equal(e.details, "'missing'");
    assert.equal(e.extra_info.exception_type, 'KeyError');
    // As Python's format_tb: from the function that caught it (validatePrompt) down to where it was raised.
    const tb = e.extra_info.traceback as string[];
    assert.match(tb[0]!, /, in validatePrompt\n {4}\S.*\n$/, 'with its source line, as Python prints it');
    assert.ok(tb.length > 1 && tb.every((l) => /^ {2}File ".*\.ts", line \d+, in /.test(l)), tb.join(''));
    assert.ok(!tb.some((l) => /submitPrompt|node_modules/.test(l)), 'nothing above the catcher');
    assert.equal(o.error.details, "Exception when validating node: 'missing'");
  });

  test('an exception in a linked node is recorded for that node', async () => {
    const o = failed(await submit({ a: { class_type: 'Adder', inputs: { a: ['missing', 0], b: 1 } }, o: show(['a', 0]) }));
    assert.deepEqual(Object.keys(o.node_errors), ['a']);
    const e = o.node_errors.a!.errors[0]!;
    assert.equal(e.type, 'exception_during_inner_validation');
    assert.equal(e.message, 'Exception when validating inner node');
    assert.equal(e.details, "'missing'");
    assert.deepEqual(
      { ...e.extra_info, traceback: undefined },
      { input_name: 'value', input_config: ['*', {}], exception_message: "'missing'", exception_type: 'KeyError', traceback: undefined, linked_node: ['a', 0] },
    );
    assert.match((e.extra_info.traceback as string[])[0]!, /, in PromptValidator\.validate\n/);
    // The output's own errors are empty, so the summary has no lines.
    assert.equal(o.error.details, '');
  });

  test('an output index out of range', async () => {
    const e = failed(await submit({ c: { class_type: 'Const', inputs: { value: 1 } }, o: show(['c', 3]) })).node_errors.o!.errors[0]!;
    assert.equal(e.details, 'tuple index out of range');
    assert.equal(e.extra_info.exception_type, 'IndexError');
  });

  test('a dependency cycle is reported, not overflowed', async () => {
    const o = failed(
      await submit({
        '1': { class_type: 'Adder', inputs: { a: ['2', 0], b: 1 } },
        '2': { class_type: 'Adder', inputs: { a: ['1', 0], b: 1 } },
        o: show(['2', 0]),
      }),
    );
    const all = Object.values(o.node_errors).flatMap((n) => n.errors);
    assert.ok(all.some((e) => e.type === 'exception_during_inner_validation' && e.extra_info.exception_type === 'RecursionError'), json(o));
  });
});

describe('result assembly', () => {
  test('a partially valid prompt runs its valid outputs and reports the others', async () => {
    const o = await submit({ good: show(1), bad: { class_type: 'Show', inputs: {} } });
    assert.equal(o.ok, true);
    if (!o.ok) return;
    assert.deepEqual(Object.keys(o.node_errors), ['bad']);
    const queued = h.engine.queue();
    const item = [...queued.queue_running, ...queued.queue_pending].find((i) => i[1] === o.prompt_id);
    assert.deepEqual(item?.[4], ['good']);
    await h.engine.waitFor(o.prompt_id);
  });

  test('dependent_outputs: every failing node so far gets each later failing output', async () => {
    const o = failed(
      await submit({
        x: { class_type: 'Const', inputs: { value: 'bad' } },
        A: show(['x', 0]),
        y: { class_type: 'Const', inputs: { value: 'worse' } },
        B: show(['y', 0]),
      }),
    );
    assert.deepEqual(o.node_errors.x!.dependent_outputs, ['A', 'B']);
    assert.deepEqual(o.node_errors.y!.dependent_outputs, ['B']);
    assert.equal(o.node_errors.x!.class_type, 'Const');
  });

  test('partial_execution_targets: only the listed outputs are validated and run', async () => {
    const o = await submit({ good: show(1), bad: { class_type: 'Show', inputs: {} } }, { partial_execution_targets: ['good'] });
    assert.equal(o.ok, true);
    if (o.ok) assert.deepEqual(o.node_errors, {});
    const none = failed(await submit({ good: show(1) }, { partial_execution_targets: ['other'] }));
    assert.equal(none.error.type, 'prompt_no_outputs');
  });

  test('coerced constants and __value__ are written back into the queued prompt', async () => {
    const prompt = {
      c: { class_type: 'Const', inputs: { value: ' 12 ' } },
      f: { class_type: 'FloatIn', inputs: { x: '2.5', s: 7, flag: 'false' } },
      o: show({ __value__: [1, 2] }),
      n: show(['c', 0]),
    };
    const o = await submit(prompt);
    assert.equal(o.ok, true);
    assert.equal(prompt.c.inputs.value, 12);
    assert.deepEqual(prompt.f.inputs, { x: 2.5, s: '7', flag: true });
    assert.deepEqual(prompt.o.inputs.value, [1, 2]);
    if (o.ok) await h.engine.waitFor(o.prompt_id);
  });
});

describe('the request around the prompt', () => {
  test('the counter increments for every request without a number, valid or not', async () => {
    const a = await submit({ o: show(1) });
    await submit({ o: { class_type: 'Show', inputs: {} } });
    await h.engine.submit({});
    const b = await submit({ o: show(1) });
    assert.ok(a.ok && b.ok);
    if (a.ok && b.ok) assert.equal(b.number, a.number + 3);
    const front = await submit({ o: show(1) }, { front: true });
    assert.ok(front.ok && b.ok && front.number === -(b.number + 1));
    const explicit = await submit({ o: show(1) }, { number: '5' });
    assert.ok(explicit.ok && explicit.number === 5 && explicit.numberIsFloat === true);
    if (front.ok) assert.equal(front.numberIsFloat, false);
  });

  test('prompt_id is kept as a string; extra_data gets client_id and create_time, auth keys are held apart', async () => {
    const extra = { extra_pnginfo: { workflow: {} }, auth_token_comfy_org: 'secret', api_key_comfy_org: 'k' };
    const o = await submit({ h: { class_type: 'Hidden', inputs: {} } }, { prompt_id: 42, client_id: 'me', extra_data: extra });
    assert.ok(o.ok);
    if (!o.ok) return;
    assert.equal(o.prompt_id, '42');
    const entry = await h.engine.waitFor('42');
    const stored = entry.prompt[3];
    assert.deepEqual(Object.keys(stored), ['extra_pnginfo', 'client_id', 'create_time']);
    assert.equal(typeof stored.create_time, 'number');
    const seen = (entry.outputs.h!.seen as Record<string, unknown>[])[0]!;
    assert.equal(seen.token, 'secret');
    assert.equal(seen.id, 'h');
  });

  test('nothing a client sends throws out of submit', async () => {
    const bodies: unknown[] = [
      null,
      [],
      'text',
      { prompt: [] },
      { prompt: null },
      { prompt: { '1': null } },
      { prompt: { '1': 'Show' } },
      { prompt: { '1': { class_type: 'Show' } } },
      { prompt: { '1': { class_type: ['Show'], inputs: {} } } },
      { prompt: { '1': { class_type: 'Show', inputs: [] } } },
      { prompt: { '1': show(1) }, client_id: { x: 1 }, extra_data: 'x' },
      { prompt: { '1': show(1) }, partial_execution_targets: 'abc' },
      { prompt: { '1': show(1) }, number: 'soon' },
      { prompt: { '1': show(['1', 0]) } },
      { prompt: { '1': show([1, 0]) } },
      { prompt: { '1': show(['1', 'x']) } },
      { prompt: { __proto__: show(1) } },
    ];
    for (const body of bodies) {
      const o = await h.engine.submit(body as never);
      assert.equal(typeof o.ok, 'boolean');
      if (o.ok) await h.engine.waitFor(o.prompt_id);
      else assert.equal(typeof o.error.type, 'string');
    }
  });

  test('a 1,000-node chain validates without recursion', async () => {
    const o = await submit(chain(1000));
    assert.equal(o.ok, true);
    if (o.ok) await h.engine.waitFor(o.prompt_id);
    const deep = chain(1000) as Record<string, { inputs: Record<string, unknown> }>;
    deep['0']!.inputs.value = 'x';
    const bad = failed(await submit(deep));
    assert.deepEqual(Object.keys(bad.node_errors), ['0']);
  });
});
