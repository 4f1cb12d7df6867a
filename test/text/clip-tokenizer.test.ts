import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSafetensors } from '../../src/inference/files/safetensors.ts';
import { ClipTokenizer, loadClipTokenizer, TokenizerFilesMissingError } from '../../src/inference/text/clip-tokenizer.ts';
import { createPromptTokenizer, emptyChunk } from '../../src/inference/text/index.ts';
import { writeSafetensors } from '../../src/inference/files/safetensors-writer.ts';
import { fromFloat32 } from '../../src/inference/files/dtype.ts';
import { tokenizeWithWeights } from '../../src/inference/text/tokenize.ts';
import { CLIP_TOKENIZER_DIR, FIDELITY, REPO_ROOT, skipUnless, tempDir } from '../files/helpers.ts';

const skip = skipUnless(join(CLIP_TOKENIZER_DIR, 'vocab.json'));
const tokenizer = () => ClipTokenizer.fromDirectory(CLIP_TOKENIZER_DIR);

async function traceTokens(file: string, name: string): Promise<number[]> {
  const f = await openSafetensors(join(FIDELITY, file));
  return Array.from(await f.readFloat32(f.tensors.get(name)!));
}

describe('CLIP BPE tokenizer', { skip }, () => {
  it('matches the fidelity traces (SD1.5 pads with the end token)', { skip: skipUnless(join(FIDELITY, 'txt2img_64_seed42_trace.safetensors')) }, async () => {
    const tok = tokenizer();
    for (const [prompt, name] of [['a photo of a cat', 'pos_tokens'], ['blurry, low quality', 'neg_tokens']]) {
      const [chunk] = await tokenizeWithWeights(prompt!, { tokenizer: tok, padToken: 49407, embeddingWidth: 768 });
      assert.deepEqual(chunk!.tokens, await traceTokens('txt2img_64_seed42_trace.safetensors', name!));
      assert.deepEqual(chunk!.weights, new Array(77).fill(1));
    }
  });

  it('matches the SDXL traces: CLIP-L pads with 49407, OpenCLIP with 0', { skip: skipUnless(join(FIDELITY, 'sdxl_txt2img_64_seed42_encode_sdxl_trace.safetensors')) }, async () => {
    const tok = tokenizer();
    const file = 'sdxl_txt2img_64_seed42_encode_sdxl_trace.safetensors';
    const [l] = await tokenizeWithWeights('a cat, photo', { tokenizer: tok, padToken: 49407, embeddingWidth: 768 });
    assert.deepEqual(l!.tokens, await traceTokens(file, 'pos_tokens_l'));
    const [g] = await tokenizeWithWeights('a photo of a cat', { tokenizer: tok, padToken: 0, embeddingWidth: 1280 });
    assert.deepEqual(g!.tokens, await traceTokens(file, 'pos_tokens_g'));
  });

  it('matches an independent reference implementation on tricky text', () => {
    const tok = tokenizer();
    const cases = JSON.parse(readFileSync(join(REPO_ROOT, 'test/text/fixtures/bpe-expectations.json'), 'utf8')) as [string, number[]][];
    assert.ok(cases.length > 20);
    for (const [text, ids] of cases) assert.deepEqual(tok.encode(text), ids, JSON.stringify(text));
  });

  it('knows the special tokens and word-end merges', () => {
    const tok = tokenizer();
    assert.equal(tok.vocabSize, 49408);
    assert.deepEqual(tok.encodeWithSpecial('cat'), [49406, 2368, 49407]);
    assert.deepEqual(tok.encode('<|endoftext|>cat<|startoftext|>'), [49407, 2368, 49406]);
    assert.deepEqual(tok.encode('  A   PHOTO\tof\na CAT '), [320, 1125, 539, 320, 2368]);
    assert.deepEqual(tok.encode('cats'), [3989]);
  });
});

describe('tokenizer files', () => {
  it('are looked up in models/tokenizers/clip and a missing folder is a clear error', { skip }, () => {
    const base = tempDir('tok');
    const paths = { baseDir: base, modelFolderPaths: () => [] };
    assert.throws(() => loadClipTokenizer(paths), (e: unknown) =>
      e instanceof TokenizerFilesMissingError && e.message.includes(join(base, 'models', 'tokenizers', 'clip')) &&
      /vocab\.json and merges\.txt/.test(e.message));
    const dir = join(base, 'models', 'tokenizers', 'clip');
    mkdirSync(dir, { recursive: true });
    for (const f of ['vocab.json', 'merges.txt']) copyFileSync(join(CLIP_TOKENIZER_DIR, f), join(dir, f));
    const tok = loadClipTokenizer(paths);
    assert.deepEqual(tok.encode('a photo of a cat'), [320, 1125, 539, 320, 2368]);
    assert.equal(loadClipTokenizer(paths), tok, 'cached');
  });

  it('createPromptTokenizer wires the tokenizer folder and the embeddings folders for an encoder', { skip }, async () => {
    const base = tempDir('tok');
    const tokDir = join(base, 'models', 'tokenizers', 'clip');
    const embDir = join(base, 'models', 'embeddings');
    mkdirSync(tokDir, { recursive: true });
    mkdirSync(embDir, { recursive: true });
    for (const f of ['vocab.json', 'merges.txt']) copyFileSync(join(CLIP_TOKENIZER_DIR, f), join(tokDir, f));
    await writeSafetensors(join(embDir, 'e.safetensors'), [
      { name: 'clip_h', dtype: 'F32', shape: [1, 1024], data: fromFloat32(new Array(1024).fill(2), 'F32') },
    ]);
    const paths = { baseDir: base, modelFolderPaths: (f: string) => (f === 'embeddings' ? [embDir] : []) };
    const tokenize = createPromptTokenizer(paths, { type: 'clip-h', width: 1024, padToken: 0 }, () => {});
    const [chunk] = await tokenize('a embedding:e');
    assert.deepEqual(chunk!.tokens.slice(0, 5), [49406, 320, 0, 49407, 0]);
    assert.equal(chunk!.embeddings![0]!.vector[0], 2);
    assert.deepEqual(emptyChunk(0).tokens.slice(0, 3), [49406, 49407, 0]);
    assert.equal(emptyChunk(49407).tokens.length, 77);
  });
});
