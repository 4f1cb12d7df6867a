// Custom node packages: good ones register (python_module `custom_nodes.<folder>`) and run; broken ones are logged
// and skipped without stopping the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCustomNodes } from '../../src/nodes/custom-nodes.ts';
import { NodeRegistry } from '../../src/nodes/registry.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { makeServices } from '../helpers/node-context.ts';

const tsNode = `
export default [
  {
    name: 'Shout',
    schemaFormat: 'v1',
    pythonModule: 'ignored',
    category: 'custom',
    outputNode: true,
    inputs: { required: { text: ['STRING', { default: 'hi' }] } },
    outputs: [{ type: 'STRING' }],
    execute: ({ text }: { text: string }) => ({ ui: { text: [text.toUpperCase()] }, result: [text.toUpperCase()] }),
  },
];
`;

const jsNodes = `
export const nodes = [
  { name: 'Twice', schemaFormat: 'v1', pythonModule: 'x', category: 'custom', inputs: { required: { n: ['INT', {}] } },
    outputs: [{ type: 'INT' }], execute: ({ n }) => [n * 2] },
  { name: 'Broken' },
];
`;

function packages(): string {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-ts-custom-'));
  const add = (folder: string, file: string, text: string) => {
    mkdirSync(join(dir, folder), { recursive: true });
    writeFileSync(join(dir, folder, file), text);
  };
  add('shout', 'index.ts', tsNode);
  add('twice', 'index.mjs', jsNodes);
  add('throws', 'index.ts', "throw new Error('this package is broken');\n");
  add('no-list', 'index.ts', 'export default 42;\n');
  add('not-a-package', 'README.md', 'nothing to load\n');
  add('off.disabled', 'index.ts', tsNode);
  return dir;
}

test('good packages load, broken ones are skipped and logged', async () => {
  const registry = new NodeRegistry();
  const lines: string[] = [];
  const result = await loadCustomNodes(packages(), registry, (line) => lines.push(line));
  assert.deepEqual(result, { loaded: ['shout', 'twice'], failed: ['no-list', 'throws'] });
  assert.deepEqual(registry.names().sort(), ['Shout', 'Twice']);
  assert.equal(registry.get('Shout')!.pythonModule, 'custom_nodes.shout');
  assert.equal(registry.objectInfo().Twice!.python_module, 'custom_nodes.twice');
  assert.ok(lines.some((l) => l.includes('this package is broken')));
  assert.ok(lines.some((l) => l.includes('Broken')));
});

test('a whitelist loads only the folders it names and logs the others as skipped', async () => {
  const registry = new NodeRegistry();
  const lines: string[] = [];
  const result = await loadCustomNodes(packages(), registry, (line) => lines.push(line), ['twice']);
  assert.deepEqual(result, { loaded: ['twice'], failed: [] });
  assert.deepEqual(registry.names(), ['Twice']);
  assert.ok(lines.includes('Skipping shout due to disable_all_custom_nodes and whitelist_custom_nodes'));
});

test('a missing folder loads nothing', async () => {
  assert.deepEqual(await loadCustomNodes(join(tmpdir(), 'does-not-exist-comfy-ts'), new NodeRegistry()), { loaded: [], failed: [] });
});

test('custom nodes run in the engine', async () => {
  const registry = new NodeRegistry();
  await loadCustomNodes(packages(), registry, () => {});
  const engine = createEngine({ registry, services: makeServices(), cache: { mode: 'classic' }, log: () => {} });
  try {
    const outcome = await engine.submit({ prompt: { '1': { class_type: 'Shout', inputs: { text: 'hey' } } } });
    assert.ok(outcome.ok);
    if (!outcome.ok) return;
    const entry = await engine.waitFor(outcome.prompt_id);
    assert.deepEqual(entry.outputs, { '1': { text: ['HEY'] } });
  } finally {
    await engine.close();
  }
});
