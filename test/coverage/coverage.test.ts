// The coverage report's catalogue parser (445 nodes in ComfyUI 0.8.0) and the promise that every model-free node
// of the mask, latent and utility groups is registered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinNodes } from '../../src/nodes/builtin.ts';
import { coverage } from '../../scripts/coverage-nodes.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SPEC_DIR, isModelFree, loadCatalogue, topCategory } from '../../scripts/node-catalogue.ts';

/** The spec lives in shared/ beside the repository; without it there is nothing to compare against. */
const skip = existsSync(join(DEFAULT_SPEC_DIR, 'nodes.md')) ? false : `${DEFAULT_SPEC_DIR} is not present`;

/** Model-free in the spec's terms but built on nested audio-video latents, which nothing else here supports yet. */
const DEFERRED = new Set(['LTXVConcatAVLatent', 'LTXVSeparateAVLatent']);

const MY_GROUPS = new Set(['mask', 'latent', 'utils', 'logic']);
const MY_MODULES = new Set(['comfy_extras.nodes_mask', 'comfy_extras.nodes_latent', 'comfy_extras.nodes_compositing', 'comfy_extras.nodes_string', 'comfy_extras.nodes_primitive', 'comfy_extras.nodes_logic', 'comfy_extras.nodes_rebatch']);

test('the catalogue has the 445 classes of ComfyUI 0.8.0, without removed ones', { skip }, () => {
  const catalogue = loadCatalogue();
  assert.equal(catalogue.length, 445);
  const names = new Set(catalogue.map((n) => n.name));
  assert.equal(names.size, 445);
  for (const removed of ['SaveLoRANode', 'LoadImageSetFromFolderNode', 'LoadImageTextSetFromFolderNode', 'Load3DAnimation', 'Preview3DAnimation']) {
    assert.equal(names.has(removed), false, removed);
  }
  for (const added of ['SaveLoRA', 'ComfySwitchNode', 'BatchMasksNode', 'LatentCutToBatch', 'EmptyFlux2LatentImage']) assert.ok(names.has(added), added);
  assert.equal(catalogue.filter((n) => n.module === 'nodes').length, 64);
  assert.equal(catalogue.find((n) => n.name === 'wanBlockSwap')?.category, '');
  assert.equal(isModelFree(catalogue.find((n) => n.name === 'KSampler')!), false);
  assert.equal(isModelFree(catalogue.find((n) => n.name === 'CheckpointLoaderSimple')!), false);
  assert.equal(isModelFree(catalogue.find((n) => n.name === 'GrowMask')!), true);
});

test('every model-free mask, latent and utility node is registered', { skip }, () => {
  const registered = new Set(builtinNodes().map((n) => n.name));
  const mine = loadCatalogue().filter((n) => isModelFree(n) && !DEFERRED.has(n.name) && (MY_GROUPS.has(topCategory(n.category)) || MY_MODULES.has(n.module)));
  assert.ok(mine.length >= 70, `expected the mask/latent/utils groups, found ${mine.length}`);
  const missing = mine.filter((n) => !registered.has(n.name)).map((n) => n.name);
  assert.deepEqual(missing, []);
});

test('the coverage report counts by category', { skip }, () => {
  const report = coverage(undefined, ['EmptyLatentImage', 'GrowMask', 'NotAComfyNode']);
  assert.equal(report.total, 445);
  assert.equal(report.present, 2);
  assert.equal(report.byCategory.latent!.present, 1);
  assert.equal(report.byCategory.mask!.present, 1);
  assert.deepEqual(report.extra, ['NotAComfyNode']);
  assert.ok(report.missingModelFree.some((n) => n.name === 'InvertMask'));
  assert.ok(!report.missingModelFree.some((n) => n.name === 'KSampler'));
});
