// Workflow → API prompt conversion (web/src/graph/workflow-to-prompt.ts), run in Node: widget values by name in
// widget order, links, titles, muted/bypassed nodes, Reroute, PrimitiveNode, notes, dynamic prompts; and the
// default workflow against the real node registry.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { builtinNodes } from '../../src/nodes/builtin.ts';
import { NodeRegistry } from '../../src/nodes/registry.ts';
import type { ObjectInfo, Workflow, WorkflowNode } from '../../web/src/api/types.ts';
import { defaultWorkflow } from '../../web/src/graph/default-workflow.ts';
import { expandDynamicPrompt } from '../../web/src/graph/dynamic-prompts.ts';
import { widgetSlots } from '../../web/src/graph/node-defs.ts';
import { workflowToPrompt } from '../../web/src/graph/workflow-to-prompt.ts';

const def = (name: string, required: Record<string, unknown>, output: string[] = [], extra: Record<string, unknown> = {}) =>
  ({ input: { required }, output, output_is_list: output.map(() => false), output_name: output, name, display_name: `${name} title`, description: '', category: 'test', output_node: false, ...extra }) as ObjectInfo[string];

const objectInfo: ObjectInfo = {
  Source: def('Source', { pick: [['a.png', 'b.png'], { image_upload: true }] }, ['IMAGE', 'MASK']),
  Sampler: def('Sampler', {
    image: ['IMAGE'],
    seed: ['INT', { default: 0, min: 0, max: 100, control_after_generate: true }],
    steps: ['INT', { default: 20 }],
    text: ['STRING', { multiline: true, dynamicPrompts: true }],
    scale: ['FLOAT', { forceInput: true }],
  }, ['IMAGE']),
  Sink: def('Sink', { images: ['IMAGE'], prefix: ['STRING', {}] }, [], { output_node: true }),
};

const node = (id: number, type: string, extra: Partial<WorkflowNode> = {}): WorkflowNode => ({ id, type, mode: 0, ...extra });
const input = (name: string, type: string, link: number | null) => ({ name, type, link });

/** Source(1) → Sampler(2) → Sink(3). */
function chain(): Workflow {
  return {
    nodes: [
      node(1, 'Source', { order: 0, outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1] }], widgets_values: ['b.png', 'image'] }),
      node(2, 'Sampler', { order: 1, title: 'My sampler', inputs: [input('image', 'IMAGE', 1), input('scale', 'FLOAT', null)], widgets_values: [7, 'fixed', 30, 'hello', 1.5] }),
      node(3, 'Sink', { order: 2, inputs: [input('images', 'IMAGE', 2)], widgets_values: ['out'] }),
    ],
    links: [
      [1, 1, 0, 2, 0, 'IMAGE'],
      [2, 2, 0, 3, 0, 'IMAGE'],
    ],
  };
}

test('the widget order skips control and upload values; forceInput inputs are sockets', () => {
  assert.deepEqual(widgetSlots(objectInfo.Sampler!).map((s) => `${s.kind}:${s.name}`), ['value:seed', 'control:seed', 'value:steps', 'value:text']);
  assert.deepEqual(widgetSlots(objectInfo.Source!).map((s) => `${s.kind}:${s.name}`), ['value:pick', 'upload:pick']);
});

test('widget values by name, links as [id string, slot], titles in _meta', () => {
  assert.deepEqual(workflowToPrompt(chain(), objectInfo), {
    '1': { inputs: { pick: 'b.png' }, class_type: 'Source', _meta: { title: 'Source title' } },
    '2': { inputs: { seed: 7, steps: 30, text: 'hello', image: ['1', 0] }, class_type: 'Sampler', _meta: { title: 'My sampler' } },
    '3': { inputs: { prefix: 'out', images: ['2', 0] }, class_type: 'Sink', _meta: { title: 'Sink title' } },
  });
});

test('version-1 link objects and keyed widget values read the same', () => {
  const workflow = chain();
  workflow.links = workflow.links.map((l) => {
    const [id, origin_id, origin_slot, target_id, target_slot, type] = l as number[];
    return { id: id!, origin_id: origin_id!, origin_slot: origin_slot!, target_id: target_id!, target_slot: target_slot!, type: String(type) };
  });
  workflow.nodes[2]!.widgets_values = { prefix: 'keyed' };
  const prompt = workflowToPrompt(workflow, objectInfo);
  assert.deepEqual(prompt['3']!.inputs, { prefix: 'keyed', images: ['2', 0] });
});

test('a muted node is not sent and links to it are dropped; a bypassed node passes its input through', () => {
  const muted = chain();
  muted.nodes[1]!.mode = 2;
  const prompt = workflowToPrompt(muted, objectInfo);
  assert.deepEqual(Object.keys(prompt).sort(), ['1', '3']);
  assert.deepEqual(prompt['3']!.inputs, { prefix: 'out' });

  const bypassed = chain();
  bypassed.nodes[1]!.mode = 4;
  bypassed.nodes[1]!.outputs = [{ name: 'IMAGE', type: 'IMAGE', links: [2] }];
  assert.deepEqual(workflowToPrompt(bypassed, objectInfo)['3']!.inputs, { prefix: 'out', images: ['1', 0] });
});

test('Reroute is followed, PrimitiveNode inlines its value, notes are skipped, list values are wrapped', () => {
  const workflow = chain();
  workflow.nodes.push(
    node(4, 'Reroute', { inputs: [input('', '*', 1)], outputs: [{ name: '', type: 'IMAGE', links: [3] }] }),
    node(5, 'PrimitiveNode', { outputs: [{ name: 'INT', type: 'INT', links: [4] }], widgets_values: [99, 'fixed'] }),
    node(6, 'Note', { widgets_values: ['remember'] }),
    node(7, 'MarkdownNote', { widgets_values: ['# notes'] }),
  );
  workflow.links = [[2, 2, 0, 3, 0, 'IMAGE'], [1, 1, 0, 4, 0, 'IMAGE'], [3, 4, 0, 2, 0, 'IMAGE'], [4, 5, 0, 2, 5, 'INT']];
  const sampler = workflow.nodes[1]!;
  sampler.inputs = [input('image', 'IMAGE', 3), input('scale', 'FLOAT', null), { name: 'seed', type: 'INT', link: 4, widget: { name: 'seed' } }];
  sampler.widgets_values = [7, 'fixed', 30, ['x', 'y'], 0];
  const prompt = workflowToPrompt(workflow, objectInfo);
  assert.deepEqual(Object.keys(prompt).sort(), ['1', '2', '3']);
  assert.deepEqual(prompt['2']!.inputs, { seed: 99, steps: 30, text: { __value__: ['x', 'y'] }, image: ['1', 0] });
});

test('dynamic prompts pick one option per {…|…} group, innermost first', () => {
  const picks = [0.9, 0.9];
  const random = () => picks.shift() ?? 0;
  assert.equal(expandDynamicPrompt('a {red|{pale|deep} blue} sky', random), 'a deep blue sky');
  assert.equal(expandDynamicPrompt('no groups', random), 'no groups');
  const workflow = chain();
  workflow.nodes[1]!.widgets_values = [7, 'fixed', 30, '{cat|dog}', 0];
  assert.equal(workflowToPrompt(workflow, objectInfo, { random: () => 0.75 })['2']!.inputs.text, 'dog');
});

test('nodes unknown to the server are still sent, by class_type, with their links', () => {
  const workflow = chain();
  workflow.nodes[1]!.type = 'NotInstalled';
  const prompt = workflowToPrompt(workflow, objectInfo);
  assert.deepEqual(prompt['2'], { inputs: { image: ['1', 0] }, class_type: 'NotInstalled', _meta: { title: 'My sampler' } });
});

test('the default workflow becomes the standard txt2img prompt', () => {
  const registry = new NodeRegistry();
  registry.registerAll(builtinNodes());
  const prompt = workflowToPrompt(defaultWorkflow(), registry.objectInfo() as unknown as ObjectInfo);
  // Integer-like keys: JavaScript orders them numerically, as in ComfyUI's frontend.
  assert.deepEqual(Object.keys(prompt), ['3', '4', '5', '6', '7', '8', '9']);
  assert.deepEqual(prompt['3']!.inputs, {
    seed: 42, steps: 20, cfg: 8, sampler_name: 'euler', scheduler: 'normal', denoise: 1,
    model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0],
  });
  assert.deepEqual(prompt['8']!.inputs, { samples: ['3', 0], vae: ['4', 2] });
  assert.deepEqual(prompt['9']!.inputs, { filename_prefix: 'ComfyUI', images: ['8', 0] });
  assert.equal(prompt['6']!._meta.title, 'CLIP Text Encode (Prompt)');
});

test('a subgraph (as the editor saves it) is flattened: its nodes sent as "instance:inner", links through its IO', () => {
  const registry = new NodeRegistry();
  registry.registerAll(builtinNodes());
  // ImageInvert and SaveImage converted to a subgraph in the editor (litegraph 0.17), saved as JSON.
  const saved = JSON.parse(readFileSync(new URL('./fixtures/subgraph-workflow.json', import.meta.url), 'utf8')) as Workflow;
  const prompt = workflowToPrompt(saved, registry.objectInfo() as unknown as ObjectInfo);
  assert.deepEqual(Object.keys(prompt).sort(), ['1', '4:2', '4:3']);
  assert.deepEqual(prompt['4:2']!.inputs, { image: ['1', 0] });
  assert.deepEqual(prompt['4:3']!.inputs, { filename_prefix: 'sub', images: ['4:2', 0] });
});

test('subgraph instances: promoted widget values, outputs used outside, nesting, muted and bypassed instances', () => {
  // Inner graph "inner": its input 0 (an IMAGE) → Sampler(1).image; input 1 (a promoted widget) → Sampler(1).steps;
  // Sampler(1) → output 0. Graph "outer" wraps an "inner" instance (5). The root feeds Source(1) into an "outer"
  // instance (7) whose output goes to Sink(3), and has a muted and a bypassed "inner" instance too.
  const innerDef = {
    id: 'inner',
    nodes: [node(1, 'Sampler', { inputs: [input('image', 'IMAGE', 1), { name: 'steps', type: 'INT', link: 2, widget: { name: 'steps' } }], widgets_values: [7, 'fixed', 30, 'hi', 1.5] })],
    links: [
      { id: 1, origin_id: -10, origin_slot: 0, target_id: 1, target_slot: 0, type: 'IMAGE' },
      { id: 2, origin_id: -10, origin_slot: 1, target_id: 1, target_slot: 1, type: 'INT' },
      { id: 3, origin_id: 1, origin_slot: 0, target_id: -20, target_slot: 0, type: 'IMAGE' },
    ],
  };
  const innerInputs = (link: number | null) => [input('image', 'IMAGE', link), { name: 'steps', type: 'INT', link: null, widget: { name: 'steps' } }];
  const outerDef = {
    id: 'outer',
    nodes: [node(5, 'inner', { inputs: innerInputs(1), outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [2] }], widgets_values: [12] })],
    links: [
      { id: 1, origin_id: -10, origin_slot: 0, target_id: 5, target_slot: 0, type: 'IMAGE' },
      { id: 2, origin_id: 5, origin_slot: 0, target_id: -20, target_slot: 0, type: 'IMAGE' },
    ],
  };
  const workflow: Workflow = {
    nodes: [
      node(1, 'Source', { outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1, 3, 4] }], widgets_values: ['a.png', 'image'] }),
      node(7, 'outer', { inputs: [input('image', 'IMAGE', 1)], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [2] }] }),
      node(3, 'Sink', { inputs: [input('images', 'IMAGE', 2)], widgets_values: ['out'] }),
      node(8, 'inner', { mode: 2, inputs: innerInputs(3), widgets_values: [1] }),
      node(9, 'inner', { mode: 4, inputs: innerInputs(4), outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [5] }], widgets_values: [1] }),
      node(10, 'Sink', { inputs: [input('images', 'IMAGE', 5)], widgets_values: ['through'] }),
    ],
    links: [[1, 1, 0, 7, 0, 'IMAGE'], [2, 7, 0, 3, 0, 'IMAGE'], [3, 1, 0, 8, 0, 'IMAGE'], [4, 1, 0, 9, 0, 'IMAGE'], [5, 9, 0, 10, 0, 'IMAGE']],
    definitions: { subgraphs: [innerDef, outerDef] },
  };
  const prompt = workflowToPrompt(workflow, objectInfo, { random: () => 0 });
  assert.deepEqual(Object.keys(prompt).sort(), ['1', '10', '3', '7:5:1']);
  assert.deepEqual(prompt['7:5:1']!.inputs, { seed: 7, steps: 12, text: 'hi', image: ['1', 0] });
  assert.deepEqual(prompt['3']!.inputs, { prefix: 'out', images: ['7:5:1', 0] });
  assert.deepEqual(prompt['10']!.inputs, { prefix: 'through', images: ['1', 0] }, 'the bypassed instance passes its IMAGE input through');
});
