import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Tensor } from '../../src/inference/tensor.ts';
import { nodeInfo } from '../../src/nodes/registry.ts';
import { threeDNodes } from '../../src/nodes/three-d/index.ts';
import { pythonFloatRepr } from '../../src/nodes/three-d/glb.ts';
import type { MeshValue } from '../../src/nodes/three-d/mesh-types.ts';
import { makeContext, makeServices } from '../helpers/node-context.ts';

const node = (name: string) => threeDNodes.find((n) => n.name === name)!;
const run = async (name: string, inputs: Record<string, unknown>, ctx = makeContext()) => (await node(name).execute(inputs, ctx)) as any;

/** A grid [1, n, n, n] with the cube [lo, hi)³ set to 1. */
function cube(n: number, lo: number, hi: number): { data: Tensor } {
  const data = new Tensor([1, n, n, n]);
  for (let z = lo; z < hi; z++) for (let y = lo; y < hi; y++) for (let x = lo; x < hi; x++) data.data[(z * n + y) * n + x] = 1;
  return { data };
}

/** Every directed edge of a closed, consistently oriented surface appears exactly once, and its reverse once. */
function assertClosedOriented(mesh: MeshValue, byPosition: boolean) {
  const v = mesh.vertices.data;
  const id = (i: number) => (byPosition ? `${v[i * 3]},${v[i * 3 + 1]},${v[i * 3 + 2]}` : String(i));
  const edges = new Map<string, number>();
  const f = mesh.faces.data;
  for (let t = 0; t < f.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const e = `${id(f[t + k]!)}>${id(f[t + ((k + 1) % 3)]!)}`;
      edges.set(e, (edges.get(e) ?? 0) + 1);
    }
  }
  for (const [e, count] of edges) {
    assert.equal(count, 1, `directed edge ${e} used ${count} times`);
    const [a, b] = e.split('>');
    assert.ok(edges.has(`${b}>${a}`), `edge ${e} has no twin`);
  }
}

test('schemas follow ComfyUI 0.8.0 (V3)', () => {
  const load = nodeInfo(node('Load3D')) as any;
  assert.equal(load.display_name, 'Load 3D & Animation');
  assert.deepEqual(load.output, ['IMAGE', 'MASK', 'STRING', 'IMAGE', 'LOAD3D_CAMERA', 'VIDEO']);
  assert.deepEqual(load.output_name, ['image', 'mask', 'mesh_path', 'normal', 'camera_info', 'recording_video']);
  assert.deepEqual(load.input.required.width, ['INT', { default: 1024, min: 1, max: 4096, step: 1 }]);
  const services = makeServices();
  mkdirSync(join(services.paths.inputDir, '3d', 'sub'), { recursive: true });
  for (const f of ['3d/b.GLB', '3d/sub/a.obj', '3d/c.png', 'd.glb']) writeFileSync(join(services.paths.inputDir, f), '');
  assert.deepEqual((nodeInfo(node('Load3D'), services).input as any).required.model_file, ['COMBO', { multiselect: false, options: ['3d/b.GLB', '3d/sub/a.obj'], file_upload: true }]);
  const preview = nodeInfo(node('Preview3D')) as any;
  assert.equal(preview.display_name, 'Preview 3D & Animation');
  assert.deepEqual(Object.keys(preview.input.optional), ['camera_info', 'bg_image']);
  assert.deepEqual(preview.input.hidden, { prompt: ['PROMPT'], extra_pnginfo: ['EXTRA_PNGINFO'] });
  assert.deepEqual((nodeInfo(node('VoxelToMesh')).input as any).required.algorithm, ['COMBO', { multiselect: false, options: ['surface net', 'basic'] }]);
  assert.deepEqual((nodeInfo(node('VoxelToMeshBasic')).input as any).required.threshold, ['FLOAT', { default: 0.6, min: -1.0, max: 1.0, step: 0.01 }]);
  assert.equal((nodeInfo(node('SaveGLB')) as any).input.required.filename_prefix[1].default, 'mesh/ComfyUI');
});

test('basic meshing: a lone voxel is a ±1 cube of 6 quads; an empty grid gives ComfyUI placeholder', async () => {
  const [mesh] = await run('VoxelToMeshBasic', { voxel: cube(1, 0, 1), threshold: 0.6 });
  assert.deepEqual(mesh.vertices.shape, [1, 24, 3]);
  assert.deepEqual(mesh.faces.shape, [1, 12, 3]);
  assert.ok([...mesh.vertices.data].every((x: number) => x === 1 || x === -1));
  // Per direction: all first triangles of its quads, then all second ones.
  assert.deepEqual([...mesh.faces.data.subarray(0, 9)], [0, 1, 2, 0, 2, 3, 4, 5, 6]);
  assertClosedOriented(mesh, true);
  const [block] = await run('VoxelToMesh', { voxel: cube(5, 1, 4), algorithm: 'basic', threshold: 0.5 });
  assert.deepEqual(block.faces.shape, [1, 6 * 9 * 2, 3]);
  assertClosedOriented(block, true);
  const [empty] = await run('VoxelToMeshBasic', { voxel: cube(4, 0, 0), threshold: 0.6 });
  assert.deepEqual([...empty.vertices.data], [-1, -1, -1]);
  assert.deepEqual([...empty.faces.data], [0, 0, 0]);
});

test('surface net: vertices at edge crossings, a closed consistently oriented surface', async () => {
  const [single] = await run('VoxelToMesh', { voxel: cube(1, 0, 1), algorithm: 'surface net', threshold: 0.6 });
  assert.deepEqual(single.vertices.shape, [1, 1, 3]);
  assert.deepEqual(single.faces.shape, [1, 0, 3]);
  // Mean of the crossings (1,1,0.6), (1,0.6,1), (0.6,1,1) → 0.8667, centred and scaled: (0.8667 − 0.5) / 0.5.
  for (const x of single.vertices.data) assert.ok(Math.abs(x - 0.73333) < 1e-4);
  const [block] = await run('VoxelToMesh', { voxel: cube(6, 2, 4), algorithm: 'surface net', threshold: 0.5 });
  assert.ok(block.faces.shape[1] > 0);
  assertClosedOriented(block, false);
  for (const x of block.vertices.data) assert.ok(x > -1 && x < 1);
});

test('SaveGLB writes a valid GLB per batch item with metadata in asset.extras', async () => {
  const services = makeServices();
  const ctx = makeContext(services);
  const voxel = cube(3, 1, 2);
  const two = { data: Tensor.concatBatch([voxel.data, voxel.data]) };
  const [mesh] = await run('VoxelToMeshBasic', { voxel: two, threshold: 0.5 });
  const result = await run('SaveGLB', { mesh, filename_prefix: 'mesh/ComfyUI', prompt: { a: 'é' }, extra_pnginfo: { workflow: { n: 1.5 } } }, ctx);
  assert.deepEqual(result.ui['3d'], [
    { filename: 'ComfyUI_00001_.glb', subfolder: 'mesh', type: 'output' },
    { filename: 'ComfyUI_00002_.glb', subfolder: 'mesh', type: 'output' },
  ]);
  assert.deepEqual(readdirSync(join(services.paths.outputDir, 'mesh')).sort(), ['ComfyUI_00001_.glb', 'ComfyUI_00002_.glb']);
  const glb = readFileSync(join(services.paths.outputDir, 'mesh', 'ComfyUI_00001_.glb'));
  assert.equal(glb.toString('latin1', 0, 4), 'glTF');
  assert.equal(glb.readUInt32LE(8), glb.length);
  const jsonLength = glb.readUInt32LE(12);
  assert.equal(jsonLength % 4, 0);
  const text = glb.toString('utf8', 20, 20 + jsonLength);
  assert.match(text, /^\{"asset": \{"version": "2.0", "generator": "ComfyUI", "extras": \{"prompt": "\{\\"a\\": \\"\\\\u00e9\\"\}", "workflow": "\{\\"n\\": 1.5\}"\}\}/);
  assert.match(text, /"max": \[0\.3333333432674408, 0\.3333333432674408, 0\.3333333432674408\], "min": \[-0\.3333333432674408/);
  const gltf = JSON.parse(text);
  assert.equal(gltf.accessors[0].count, 24);
  assert.equal(gltf.accessors[1].count, 36);
  const binLength = glb.readUInt32LE(20 + jsonLength);
  assert.equal(binLength, 24 * 12 + 36 * 4);
  assert.equal(glb.readUInt32LE(24 + jsonLength), 0x004e4942);
});

test('Python float repr', () => {
  assert.deepEqual([1, -1, 0.5, 1e-5, 0.0001, 1e16, 123.25, -0].map(pythonFloatRepr), ['1.0', '-1.0', '0.5', '1e-05', '0.0001', '1e+16', '123.25', '-0.0']);
});

test('Load3D loads the viewer renders; Preview3D saves its background image', async () => {
  const services = makeServices();
  const ctx = makeContext(services);
  mkdirSync(join(services.paths.tempDir, 'threed'), { recursive: true });
  const rgba = await sharp({ create: { width: 8, height: 4, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer();
  writeFileSync(join(services.paths.tempDir, 'threed', 'render.png'), rgba);
  const renders = { image: 'threed/render.png [temp]', mask: 'threed/render.png [temp]', normal: 'threed/render.png [temp]', camera_info: { zoom: 1 }, recording: '' };
  const out = await run('Load3D', { model_file: '3d/a.glb', image: renders, width: 8, height: 4 }, ctx);
  assert.deepEqual(out[0].shape, [1, 4, 8, 3]);
  assert.deepEqual(out[1].shape, [1, 4, 8]);
  assert.ok(Math.abs(out[1].data[0] - (1 - 128 / 255)) < 1e-6);
  assert.equal(out[2], '3d/a.glb');
  assert.deepEqual(out[4], { zoom: 1 });
  assert.equal(out[5], null);
  await assert.rejects(run('Load3D', { model_file: 'x', image: 'nope', width: 8, height: 4 }, ctx), /LOAD_3D value/);
  await assert.rejects(run('Load3D', { model_file: 'x', image: { ...renders, image: 'missing.png' }, width: 8, height: 4 }, ctx), /No such file or directory: '.*missing\.png'/);

  const preview = await run('Preview3D', { model_file: 'mesh/a.glb', camera_info: { zoom: 2 }, bg_image: Tensor.full([2, 4, 4, 3], 0.5) }, ctx);
  const [file, camera, bg] = preview.ui.result;
  assert.equal(file, 'mesh/a.glb');
  assert.deepEqual(camera, { zoom: 2 });
  assert.match(bg, /^temp\/bg_[0-9a-f]{32}\.png$/);
  const meta = await sharp(join(services.paths.tempDir, bg.slice(5))).metadata();
  assert.equal(meta.width, 4);
  assert.deepEqual((await run('Preview3D', { model_file: 'm.obj' }, ctx)).ui, { result: ['m.obj', null, null] });
});

test('bad inputs give clear errors', async () => {
  await assert.rejects(run('VoxelToMesh', { voxel: { data: new Tensor([2, 2]) }, algorithm: 'basic', threshold: 0.5 }), /must be a VOXEL value/);
  await assert.rejects(run('VoxelToMesh', { voxel: cube(2, 0, 1), algorithm: 'marching', threshold: 0.5 }), /algorithm must be one of/);
  const two = { data: Tensor.concatBatch([cube(3, 1, 2).data, cube(3, 0, 3).data]) };
  await assert.rejects(run('VoxelToMeshBasic', { voxel: two, threshold: 0.5 }), /stack expects each tensor to be equal size/);
  await assert.rejects(run('SaveGLB', { mesh: { vertices: new Tensor([1, 3, 3]) }, filename_prefix: 'x' }), /must be a MESH value/);
  const [empty] = await run('VoxelToMesh', { voxel: cube(3, 0, 0), algorithm: 'surface net', threshold: 0.5 });
  await assert.rejects(run('SaveGLB', { mesh: empty, filename_prefix: 'x' }), /zero-size array/);
});
