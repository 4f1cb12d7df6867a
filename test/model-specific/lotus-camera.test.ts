import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/inference/tensor.ts';
import { nodeInfo } from '../../src/nodes/registry.ts';
import { modelSpecificNodes } from '../../src/nodes/model-specific/index.ts';
import { makeContext } from '../helpers/node-context.ts';

const node = (name: string) => modelSpecificNodes.find((n) => n.name === name)!;
const run = async (name: string, inputs: Record<string, unknown>) => (await node(name).execute(inputs, makeContext())) as any;

test('LotusConditioning: schema and the stored null-prompt embedding [1, 2, 1024]', async () => {
  const info = nodeInfo(node('LotusConditioning'));
  assert.equal(info.category, 'conditioning/lotus');
  assert.deepEqual(info.output, ['CONDITIONING']);
  assert.deepEqual(info.output_name, ['conditioning']);
  const [cond] = await run('LotusConditioning', {});
  const [embeds, options] = cond[0];
  assert.ok(embeds instanceof Tensor);
  assert.deepEqual(embeds.shape, [1, 2, 1024]);
  assert.deepEqual(options, {});
  // First values and notable outliers of ComfyUI's inlined tensor.
  assert.deepEqual([...embeds.data.subarray(0, 3)], [-0.3134765625, -0.447509765625, -0.00823974609375]);
  assert.ok(embeds.data.includes(13.0234375) && embeds.data.includes(-5.7578125));
  embeds.data[0] = 99;
  const [again] = await run('LotusConditioning', {});
  assert.equal(again[0][0].data[0], -0.3134765625, 'each run gets its own copy');
});

test('WanCameraEmbedding: schema as in nodes.md', () => {
  const info = nodeInfo(node('WanCameraEmbedding'));
  assert.equal(info.category, 'camera');
  const req = (info.input as any).required;
  assert.equal(req.camera_pose[0], 'COMBO');
  assert.equal(req.camera_pose[1].options.length, 9);
  assert.equal(req.camera_pose[1].default, 'Static');
  assert.deepEqual(req.length, ['INT', { default: 81, min: 1, max: 16384, step: 4 }]);
  assert.deepEqual((info.input as any).optional.fx, ['FLOAT', { default: 0.5, min: 0, max: 1, step: 0.000000001 }]);
  assert.deepEqual(info.output, ['WAN_CAMERA_EMBEDDING', 'INT', 'INT', 'INT']);
  assert.deepEqual(info.output_name, ['camera_embedding', 'width', 'height', 'length']);
});

// Golden values from ComfyUI 0.8.0's functions run under PyTorch: [args, shape, [[index], value]…, sum, |sum|].
const GOLDEN: [Record<string, unknown>, number[], [number[], number][], number, number][] = [
  [{ camera_pose: 'ClockWise (CW)', width: 16, height: 32, length: 5, speed: 1.5, fx: 0.4, fy: 0.6, cx: 0.3, cy: 0.7 }, [1, 24, 2, 32, 16],
    [[[0, 13, 1, 8, 8], 0.4473745822906494], [[0, 22, 1, 1, 14], 0.6500323414802551], [[0, 7, 1, 15, 2], 0]], 3600.170584837906, 5874.691178152338],
  [{ camera_pose: 'Zoom In', width: 32, height: 16, length: 9 }, [1, 24, 3, 16, 32],
    [[[0, 7, 1, 15, 2], -0.7252243757247925], [[0, 13, 1, 8, 8], -0.4238978922367096], [[0, 22, 1, 1, 14], 0.8083480000495911], [[0, 2, 1, 4, 5], 0.30919769406318665]],
    4966.888561248779, 13910.027517259121],
  [{ camera_pose: 'Pan Left', width: 16, height: 16, length: 5, speed: 2.0 }, [1, 24, 2, 16, 16],
    [[[0, 7, 1, 15, 2], 1.685110092163086], [[0, 13, 1, 8, 8], 0.035066209733486176], [[0, 22, 1, 1, 14], 0.7314614057540894], [[0, 11, 1, 0, 15], 1.5319963693618774]],
    3040.0283534526825, 4955.244732260704],
];

test('WanCameraEmbedding: Plücker embeddings match ComfyUI', async () => {
  for (const [args, shape, values, sum, absSum] of GOLDEN) {
    const [emb, w, h, len] = await run('WanCameraEmbedding', args);
    assert.deepEqual([w, h, len], [args.width, args.height, args.length]);
    assert.deepEqual(emb.shape, shape);
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
    for (const [index, expected] of values) {
      const got = emb.data[index.reduce((o, v, i) => o + v * strides[i]!, 0)];
      assert.ok(Math.abs(got - expected) < 1e-5, `${args.camera_pose} ${index}: ${got} vs ${expected}`);
    }
    let s = 0, a = 0;
    for (const v of emb.data) { s += v; a += Math.abs(v); }
    assert.ok(Math.abs(s - sum) < 1e-3 && Math.abs(a - absSum) < 1e-3, `${args.camera_pose}: sums ${s}, ${a}`);
  }
});

test('WanCameraEmbedding: bad inputs give clear errors', async () => {
  await assert.rejects(run('WanCameraEmbedding', { camera_pose: 'Static', width: 16, height: 16, length: 3 }), /length must be 1 more than a multiple of 4/);
  await assert.rejects(run('WanCameraEmbedding', { camera_pose: 'Dolly', width: 16, height: 16, length: 1 }), /camera_pose/);
  await assert.rejects(run('WanCameraEmbedding', { camera_pose: 'Static', width: 8, height: 16, length: 1 }), /width/);
});
