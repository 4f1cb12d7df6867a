// End to end through the engine with the real image nodes: LoadImage → ImageInvert → SaveImage, LoadImage's file
// validation, and its IS_CHANGED (the file hash) invalidating the cache when the file changes.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { createEngine } from '../../src/engine/engine.ts';
import type { EngineMessage, HistoryEntry } from '../../src/engine/engine-api.ts';
import { imageInvert } from '../../src/nodes/image/basic.ts';
import { loadImage } from '../../src/nodes/image/load-image.ts';
import { saveImage } from '../../src/nodes/image/save-image.ts';
import { NodeRegistry } from '../../src/nodes/registry.ts';
import { makeServices } from '../helpers/node-context.ts';

const services = makeServices();
const registry = new NodeRegistry(services);
registry.registerAll([loadImage, imageInvert, saveImage]);
const engine = createEngine({ registry, services, cache: { mode: 'classic' }, log: () => {} });
const messages: EngineMessage[] = [];
engine.subscribe({ message: (m) => messages.push(m), binary: () => {} });
after(() => engine.close());

/** A 2×1 RGB PNG: one red pixel, one (10, 20, 30) pixel. */
async function writeInput(name: string, second = [10, 20, 30]): Promise<void> {
  const raw = Buffer.from([255, 0, 0, ...second]);
  await sharp(raw, { raw: { width: 2, height: 1, channels: 3 } }).png().toFile(join(services.paths.inputDir, name));
}

const workflow = (image: string) => ({
  '1': { class_type: 'LoadImage', inputs: { image } },
  '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'e2e/inverted' } },
});

async function run(prompt: Record<string, unknown>): Promise<HistoryEntry> {
  const outcome = await engine.submit({ prompt, client_id: 'e2e' });
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return engine.waitFor(outcome.ok ? outcome.prompt_id : '');
}

test('LoadImage → ImageInvert → SaveImage writes the inverted image', async () => {
  await writeInput('in.png');
  const entry = await run(workflow('in.png'));
  assert.equal(entry.status.status_str, 'success', JSON.stringify(entry.status));
  assert.deepEqual(entry.outputs, { '3': { images: [{ filename: 'inverted_00001_.png', subfolder: 'e2e', type: 'output' }] } });
  const { data, info } = await sharp(join(services.paths.outputDir, 'e2e', 'inverted_00001_.png')).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [2, 1]);
  assert.deepEqual([...data.subarray(0, 3)], [0, 255, 255]);
  assert.deepEqual([...data.subarray(info.channels, info.channels + 3)], [245, 235, 225]);
});

test('a missing input file fails LoadImage validation', async () => {
  const outcome = await engine.submit({ prompt: workflow('nope.png') });
  assert.equal(outcome.ok, false);
  if (outcome.ok) return;
  assert.deepEqual(outcome.node_errors['1']!.errors, [
    { type: 'custom_validation_failed', message: 'Custom validation failed for node', details: 'image - Invalid image file: nope.png', extra_info: { input_name: 'image' } },
  ]);
  assert.deepEqual(outcome.node_errors['1']!.dependent_outputs, ['3']);
});

test('the cache holds until the input file changes', async () => {
  await writeInput('change.png');
  await run(workflow('change.png'));
  let from = messages.length;
  await run(workflow('change.png'));
  const cached = () => messages.slice(from).find((m) => m.type === 'execution_cached')!.data.nodes;
  assert.deepEqual(cached(), ['1', '2', '3']);
  await writeInput('change.png', [0, 0, 0]);
  from = messages.length;
  const entry = await run(workflow('change.png'));
  assert.deepEqual(cached(), []);
  assert.equal(entry.status.status_str, 'success');
});
