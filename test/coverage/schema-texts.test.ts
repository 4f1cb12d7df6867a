// /object_info details the other schema tests leave out, checked against ComfyUI 0.8.0's own definitions:
// tooltips and descriptions the frontend shows, `output_is_list` left at None, Load3D's schema creating input/3d,
// and the order of the list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { builtinNodes } from '../../src/nodes/builtin.ts';
import { COMFYUI_NODE_ORDER } from '../../src/nodes/comfyui-node-order.ts';
import { NodeRegistry, nodeInfo } from '../../src/nodes/registry.ts';
import { makeServices } from '../helpers/node-context.ts';

const byName = new Map(builtinNodes().map((def) => [def.name, def]));
const info = (name: string) => nodeInfo(byName.get(name)!) as Record<string, any>;
const tooltipOf = (name: string, section: string, input: string) => info(name).input[section][input][1].tooltip;

test('SamplerSEEDS2 and ReplaceVideoLatentFrames carry ComfyUI tooltips and description', () => {
  assert.equal(tooltipOf('SamplerSEEDS2', 'required', 'eta'), 'Stochastic strength');
  assert.equal(tooltipOf('SamplerSEEDS2', 'required', 's_noise'), 'SDE noise multiplier');
  assert.equal(tooltipOf('SamplerSEEDS2', 'required', 'r'), 'Relative step size for the intermediate stage (c2 node)');
  assert.match(info('SamplerSEEDS2').description, /^This sampler node can represent multiple samplers:\n\nseeds_2\n/);
  assert.match(tooltipOf('ReplaceVideoLatentFrames', 'required', 'destination'), /^The destination latent/);
  assert.match(tooltipOf('ReplaceVideoLatentFrames', 'required', 'index'), /Negative values count from the end\.$/);
  assert.match(tooltipOf('ReplaceVideoLatentFrames', 'optional', 'source'), /returned unchanged\.$/);
  assert.equal(info('MaskPreview').description, 'Saves the input images to your ComfyUI output directory.');
});

test('text processing nodes report output_is_list as null (is_output_list=None), image ones by their mode', () => {
  for (const name of ['TextToLowercase', 'TruncateText', 'ReplaceText', 'MergeTextLists']) {
    assert.deepEqual(info(name).output_is_list, [null], name);
  }
  assert.deepEqual(info('ImageGrid').output_is_list, [false]);
});

test("Load3D's schema creates input/3d, as ComfyUI's define_schema does", () => {
  const services = makeServices();
  const folder = join(services.paths.inputDir, '3d');
  assert.equal(existsSync(folder), false);
  nodeInfo(byName.get('Load3D')!, services);
  assert.equal(existsSync(folder), true);
});

test("/object_info lists the built-in nodes in ComfyUI's order, custom nodes after them", () => {
  const registry = new NodeRegistry();
  registry.registerAll(builtinNodes());
  registry.registerAll([{ ...byName.get('EmptyImage')!, name: 'ZCustomFirst', pythonModule: 'custom_nodes.z' }]);
  const names = Object.keys(registry.objectInfo());
  assert.deepEqual(names.slice(0, 3), ['KSampler', 'CheckpointLoaderSimple', 'CLIPTextEncode']);
  assert.equal(names.at(-1), 'ZCustomFirst');
  const ranks = names.slice(0, -1).map((name) => COMFYUI_NODE_ORDER.indexOf(name));
  assert.ok(ranks.every((rank, i) => rank >= 0 && (i === 0 || ranks[i - 1]! < rank)));
});
