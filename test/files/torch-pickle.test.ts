import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fromFloat32 } from '../../src/inference/files/dtype.ts';
import { openWeights, sniffWeightFormat } from '../../src/inference/files/open-weights.ts';
import { ForbiddenGlobalError, PickleError } from '../../src/inference/files/pickle.ts';
import { writeSafetensors } from '../../src/inference/files/safetensors-writer.ts';
import { openTorchFile, unpickleTorch } from '../../src/inference/files/torch-pickle.ts';
import { RawPickle, torchPickle, writeStoredZip, writeTorchFile } from '../../src/inference/files/torch-writer.ts';
import { FIXTURES, tempDir } from './helpers.ts';

const f32 = (values: number[], shape = [values.length]) => ({ dtype: 'F32' as const, shape, data: fromFloat32(values, 'F32') });
const latin1 = (s: string) => new RawPickle(Buffer.from(s, 'latin1'));

describe('torch zip checkpoints', () => {
  it('reads a checkpoint pickled by Python the way torch.save does', async () => {
    const file = await openWeights(join(FIXTURES, 'torch-like.ckpt'));
    // Unwrapped from {"state_dict": ...}; the Lightning ModelCheckpoint stand-in is accepted, as in ComfyUI.
    assert.deepEqual([...file.tensors.keys()], [
      'model.diffusion_model.a.weight', 'model.diffusion_model.b.bias', 'first_stage_model.c.weight',
      'cond_stage_model.transformer.text_model.embeddings.position_ids',
    ]);
    const a = file.tensors.get('model.diffusion_model.a.weight')!;
    const b = file.tensors.get('model.diffusion_model.b.bias')!;
    assert.deepEqual([a.dtype, a.shape], ['F32', [2, 3]]);
    assert.deepEqual(Array.from(await file.readFloat32(a)), [0, 1, 2, 3, 4, 5]);
    // A view at storage offset 6 of the same storage points 24 bytes further into the same zip entry.
    assert.equal(b.offset, a.offset + 24);
    assert.deepEqual(Array.from(await file.readFloat32(b)), [6, 7, 8, 9, 10, 11]);
    const c = file.tensors.get('first_stage_model.c.weight')!;
    assert.deepEqual(Array.from(await file.readFloat32(c)), [0.5, -1, 2, 65504]);
    const ids = await file.readFloat32(file.tensors.get('cond_stage_model.transformer.text_model.embeddings.position_ids')!);
    assert.equal(ids[76], 76);
    // The bytes really are at ref.offset in the file (what ONNX external data will point at).
    const raw = readFileSync(a.file).subarray(a.offset, a.offset + a.byteLength);
    assert.deepEqual(Array.from(new Float32Array(new Uint8Array(raw).buffer)), [0, 1, 2, 3, 4, 5]);
  });

  it('round-trips the test writer, nested dicts flattened with dots', async () => {
    const path = join(tempDir('pt'), 'nested.pt');
    await writeTorchFile(path, { emb: { '*': f32([1, 2, 3, 4], [2, 2]) }, name: 'x', step: 3, lst: [1, 'a'], w: f32([5]) });
    const file = await openTorchFile(path);
    assert.deepEqual([...file.tensors.keys()], ['emb.*', 'w']);
    assert.deepEqual(Array.from(await file.readFloat32(file.tensors.get('emb.*')!)), [1, 2, 3, 4]);
    assert.ok(file.root instanceof Map && file.root.get('name') === 'x');
    assert.equal((await file.tensors.get('w')!).shape.length, 1);
  });

  it('unwraps a single nested dict as ComfyUI does', async () => {
    const path = join(tempDir('pt'), 'wrapped.pt');
    await writeTorchFile(path, { model: { 'x.weight': f32([1, 2]) } });
    assert.deepEqual([...(await openWeights(path)).tensors.keys()], ['x.weight']);
  });

  it('rejects a pickle naming os.system without executing it', async () => {
    const marker = join(tempDir('pt'), 'pwned');
    const path = join(tempDir('pt'), 'evil.ckpt');
    await writeTorchFile(path, { state_dict: { w: f32([1]) }, x: latin1(`cos\nsystem\n(Vtouch ${marker}\ntR`) });
    await assert.rejects(openWeights(path), (e: unknown) => {
      assert.ok(e instanceof ForbiddenGlobalError);
      assert.match((e as Error).message, /"os\.system"/);
      assert.match((e as Error).message, /evil\.ckpt/);
      return true;
    });
    assert.throws(() => statSync(marker), /ENOENT/);
  });

  it('rejects other globals, whatever opcode names them', () => {
    const cases: [string, string][] = [
      ['\x80\x02cbuiltins\neval\n(Vprint(1)\ntR.', 'builtins.eval'],
      ['\x80\x04\x8c\x05posix\x94\x8c\x06system\x94\x93.', 'posix.system'],
      ['\x80\x02ctorch\nload\n.', 'torch.load'],
      ['(i__builtin__\nobject\n.', '__builtin__.object'],
      ['\x80\x02csubprocess\nPopen\n)\x81.', 'subprocess.Popen'],
    ];
    for (const [pickle, name] of cases) {
      assert.throws(() => unpickleTorch(Buffer.from(pickle, 'latin1')), (e: unknown) => e instanceof ForbiddenGlobalError && e.global === name);
    }
  });

  it('reports malformed pickles and archives clearly', async () => {
    assert.throws(() => unpickleTorch(Buffer.from('\x80\x02}q\x00(X\x01\x00\x00', 'latin1')), /truncated/);
    assert.throws(() => unpickleTorch(Buffer.from('\x80\x02h\x05.', 'latin1')), /memo key 5/);
    assert.throws(() => unpickleTorch(Buffer.from('\x80\x02\xff.', 'latin1')), /unknown pickle opcode 0xff/);
    assert.throws(() => unpickleTorch(Buffer.from('\x80\x02cbuiltins\nset\nN\x81.', 'latin1')), PickleError);

    const dir = tempDir('pt');
    const path = join(dir, 'm.ckpt');
    await writeTorchFile(path, { w: f32(Array.from({ length: 64 }, (_, i) => i)) });
    const truncated = join(dir, 'truncated.ckpt');
    copyFileSync(path, truncated);
    truncateSync(truncated, statSync(path).size - 30);
    await assert.rejects(openWeights(truncated), /no end-of-central-directory|truncated/);
  });

  it('refuses non-contiguous tensors and tensors past their storage', async () => {
    const dir = tempDir('pt');
    const tensorPickle = (shape: string, stride: string, offset: number, numel: number) => latin1(
      `ctorch._utils\n_rebuild_tensor_v2\n((Vstorage\nctorch\nFloatStorage\nV0\nVcpu\nJ${int32(numel)}tQJ${int32(offset)}` +
      `(${shape}t(${stride}t\x89ccollections\nOrderedDict\n)RtR`);
    const write = async (name: string, raw: RawPickle) => {
      const { pickle } = torchPickle({ w: raw });
      const path = join(dir, name);
      await writeStoredZip(path, [{ name: 'a/data.pkl', data: pickle }, { name: 'a/data/0', data: new Uint8Array(24) }]);
      return path;
    };
    const transposed = await write('t.ckpt', tensorPickle('K\x02K\x03', 'K\x01K\x02', 0, 6));
    await assert.rejects(openWeights(transposed), /not contiguous \(shape \[2,3\], stride \[1,2\]\)/);
    const past = await write('p.ckpt', tensorPickle('K\x06', 'K\x01', 2, 6));
    await assert.rejects(openWeights(past), /runs past its storage/);
    const ok = await write('ok.ckpt', tensorPickle('K\x02K\x01', 'K\x01K\x07', 4, 6));
    assert.deepEqual((await openWeights(ok)).tensors.get('w')!.shape, [2, 1]);
  });

  it('picks the format by content, not by extension', async () => {
    const dir = tempDir('pt');
    const st = join(dir, 'really-safetensors.ckpt');
    await writeSafetensors(st, [{ name: 'w', ...f32([1]) }]);
    const pt = join(dir, 'really-torch.safetensors');
    await writeTorchFile(pt, { w: f32([2]) });
    assert.equal(await sniffWeightFormat(st), 'safetensors');
    assert.equal(await sniffWeightFormat(pt), 'torch-zip');
    assert.deepEqual(Array.from(await (await openWeights(pt)).readFloat32((await openWeights(pt)).tensors.get('w')!)), [2]);
    const legacy = join(dir, 'legacy.pt');
    writeFileSync(legacy, Buffer.from('\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.', 'latin1'));
    await assert.rejects(openWeights(legacy), /legacy \(pre-zip/);
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, 'hello world, not weights');
    await assert.rejects(openWeights(junk), /not a weights file/);
  });
});

function int32(n: number): string {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b.toString('latin1');
}
