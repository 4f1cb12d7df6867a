import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fromFloat32 } from '../../src/inference/files/dtype.ts';
import { writeSafetensors } from '../../src/inference/files/safetensors-writer.ts';
import { RawPickle, writeTorchFile } from '../../src/inference/files/torch-writer.ts';
import { ClipTokenizer, END_TOKEN as E, START_TOKEN as S } from '../../src/inference/text/clip-tokenizer.ts';
import { folderEmbeddings, resolveEmbeddingFile } from '../../src/inference/text/embeddings.ts';
import { EMBEDDING_TOKEN, tokenizeWithWeights, type TokenizeOptions } from '../../src/inference/text/tokenize.ts';
import { CLIP_TOKENIZER_DIR, FIXTURES, skipUnless, tempDir } from '../files/helpers.ts';

const WORD = 2653; // "word"
const CAT = 2368;
const DOG = 1929;
const COMMA = 267;

describe('prompt tokenization', { skip: skipUnless(join(CLIP_TOKENIZER_DIR, 'vocab.json')) }, () => {
  let tokenizer: ClipTokenizer;
  let embDir: string;
  let warnings: string[];
  const options = (extra: Partial<TokenizeOptions> = {}): TokenizeOptions => ({
    tokenizer, padToken: E, embeddingWidth: 64,
    embeddings: folderEmbeddings([embDir], { width: 64, key: 'clip_l', warn: (m) => warnings.push(m) }),
    warn: (m) => warnings.push(m), ...extra,
  });
  const vec = (n: number, width: number, base: number) => fromFloat32(Array.from({ length: n * width }, (_, i) => base + i), 'F32');

  before(async () => {
    tokenizer = ClipTokenizer.fromDirectory(CLIP_TOKENIZER_DIR);
    embDir = tempDir('emb');
    mkdirSync(join(embDir, 'sub'));
    await writeSafetensors(join(embDir, 'two.safetensors'), [{ name: 'emb_params', dtype: 'F32', shape: [2, 64], data: vec(2, 64, 0) }]);
    await writeSafetensors(join(embDir, 'sub', 'one.safetensors'), [{ name: 'emb_params', dtype: 'F16', shape: [64], data: fromFloat32(new Array(64).fill(0.5), 'F16') }]);
    await writeSafetensors(join(embDir, 'xl.safetensors'), [
      { name: 'clip_g', dtype: 'F32', shape: [1, 1280], data: vec(1, 1280, 7) },
      { name: 'clip_l', dtype: 'F32', shape: [1, 64], data: vec(1, 64, 100) },
    ]);
    await writeSafetensors(join(embDir, 'wide.safetensors'), [{ name: 'emb_params', dtype: 'F32', shape: [1, 32], data: vec(1, 32, 0) }]);
    copyFileSync(join(FIXTURES, 'embedding-a1111.pt'), join(embDir, 'a1111.pt'));
    await writeTorchFile(join(embDir, 'list.pt'), [{ a: { dtype: 'F32', shape: [3, 64], data: vec(3, 64, 1) }, b: { dtype: 'F32', shape: [1, 10], data: vec(1, 10, 0) } }] as never);
    // An old pickle the safe loader refuses: its raw storage is scanned instead (768 floats → one 768-wide vector).
    await writeTorchFile(join(embDir, 'legacy.pt'), { x: new RawPickle(Buffer.from('cfoo\nBar\n', 'latin1')), w: { dtype: 'F32', shape: [768], data: vec(1, 768, 0) } });
  });

  it('gives one padded chunk for a short or empty prompt', async () => {
    warnings = [];
    const [chunk, ...rest] = await tokenizeWithWeights('', options());
    assert.equal(rest.length, 0);
    assert.deepEqual(chunk!.tokens, [S, E, ...new Array(75).fill(E)]);
    const [sd2] = await tokenizeWithWeights('cat', options({ padToken: 0 }));
    assert.deepEqual(sd2!.tokens, [S, CAT, E, ...new Array(74).fill(0)]);
    assert.equal(sd2!.embeddings, undefined);
  });

  it('attaches weights per token; start, end and padding stay 1', async () => {
    const [chunk] = await tokenizeWithWeights('cat, (dog:1.5) ((cat))', options());
    assert.deepEqual(chunk!.tokens.slice(0, 6), [S, CAT, COMMA, DOG, CAT, E]);
    assert.deepEqual(chunk!.weights.slice(0, 7), [1, 1, 1, 1.5, 1.1 * 1.1, 1, 1]);
  });

  it('splits a long group across chunks of 75 tokens', async () => {
    const chunks = await tokenizeWithWeights('word '.repeat(80), options());
    assert.equal(chunks.length, 2);
    assert.deepEqual(chunks[0]!.tokens, [S, ...new Array(75).fill(WORD), E]);
    assert.deepEqual(chunks[1]!.tokens, [S, ...new Array(5).fill(WORD), E, ...new Array(70).fill(E)]);
    const exact = await tokenizeWithWeights('word '.repeat(75), options());
    assert.equal(exact.length, 1);
    assert.equal(exact[0]!.tokens[76], E);
    assert.equal((await tokenizeWithWeights('word '.repeat(76), options())).length, 2);
  });

  it('moves a short group that does not fit to the next chunk whole', async () => {
    const chunks = await tokenizeWithWeights(`${'word '.repeat(70)}(cat dog cat dog cat dog cat:1.2)`, options());
    assert.equal(chunks.length, 2);
    assert.deepEqual(chunks[0]!.tokens, [S, ...new Array(70).fill(WORD), E, ...new Array(5).fill(E)]);
    assert.deepEqual(chunks[1]!.tokens.slice(0, 9), [S, CAT, DOG, CAT, DOG, CAT, DOG, CAT, E]);
    assert.deepEqual(chunks[1]!.weights.slice(0, 9), [1, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1]);
    // Eight tokens or more count as large: they are split instead.
    const large = await tokenizeWithWeights(`${'word '.repeat(70)}(cat dog cat dog cat dog cat dog:1.2)`, options());
    assert.deepEqual(large[0]!.tokens.slice(70, 77), [WORD, CAT, DOG, CAT, DOG, CAT, E]);
    assert.deepEqual(large[1]!.tokens.slice(0, 5), [S, DOG, CAT, DOG, E]);
  });

  it('substitutes embedding vectors at their positions, with the segment weight', async () => {
    warnings = [];
    const [chunk] = await tokenizeWithWeights('cat embedding:two (embedding:sub/one:1.3) dog', options());
    assert.deepEqual(chunk!.tokens.slice(0, 7), [S, CAT, EMBEDDING_TOKEN, EMBEDDING_TOKEN, EMBEDDING_TOKEN, DOG, E]);
    assert.deepEqual(chunk!.weights.slice(0, 6), [1, 1, 1, 1, 1.3, 1]);
    assert.deepEqual(chunk!.embeddings!.map((e) => [e.position, e.vector[0], e.vector.length]), [[2, 0, 64], [3, 64, 64], [4, 0.5, 64]]);
    assert.deepEqual(warnings, []);
  });

  it('reads A1111 .pt, list-of-dicts .pt and multi-encoder files', async () => {
    const [a] = await tokenizeWithWeights('embedding:a1111', options());
    assert.deepEqual(a!.embeddings!.map((e) => e.position), [1, 2]);
    assert.ok(Math.abs(a!.embeddings![1]!.vector[0]! - 64 * 7 % 13 / 13) < 1e-6);
    const [l] = await tokenizeWithWeights('embedding:list', options());
    assert.deepEqual(l!.embeddings!.map((e) => e.vector[0]), [1, 65, 129]);
    const [xl] = await tokenizeWithWeights('embedding:xl', options());
    assert.equal(xl!.embeddings![0]!.vector[0], 100);
    const xlG = folderEmbeddings([embDir], { width: 1280, key: 'clip_g' });
    const [g] = await tokenizeWithWeights('embedding:xl', options({ embeddingWidth: 1280, embeddings: xlG }));
    assert.equal(g!.embeddings![0]!.vector[0], 7);
    const legacy = folderEmbeddings([embDir], { width: 768, key: 'clip_l' });
    const [old] = await tokenizeWithWeights('embedding:legacy', options({ embeddingWidth: 768, embeddings: legacy }));
    assert.equal(old!.embeddings![0]!.vector.length, 768);
  });

  it('ignores missing embeddings with a warning and keeps the text after them', async () => {
    warnings = [];
    const [chunk] = await tokenizeWithWeights('embedding:missing cat', options());
    assert.deepEqual(chunk!.tokens.slice(0, 3), [S, CAT, E]);
    assert.match(warnings[0]!, /embedding:missing.*does not exist/);
    const [alone] = await tokenizeWithWeights('dog embedding:missing', options());
    assert.deepEqual(alone!.tokens.slice(0, 3), [S, DOG, E]);
  });

  it('strips trailing commas from a name it cannot find', async () => {
    warnings = [];
    const [chunk] = await tokenizeWithWeights('embedding:two, cat', options());
    assert.deepEqual(chunk!.tokens.slice(0, 6), [S, EMBEDDING_TOKEN, EMBEDDING_TOKEN, COMMA, CAT, E]);
    const [nl] = await tokenizeWithWeights('dog\nembedding:two', options());
    assert.deepEqual(nl!.tokens.slice(0, 5), [S, DOG, EMBEDDING_TOKEN, EMBEDDING_TOKEN, E]);
  });

  it('drops vectors of the wrong width the way ComfyUI does (ids move left, weights stay)', async () => {
    warnings = [];
    const [chunk] = await tokenizeWithWeights('(embedding:wide:1.5) cat', options());
    assert.deepEqual(chunk!.tokens.slice(0, 4), [S, CAT, E, E]);
    assert.deepEqual(chunk!.weights.slice(0, 3), [1, 1.5, 1]);
    assert.match(warnings.join('\n'), /shape mismatch.*32 != 64/);
  });

  it('never resolves a name outside the embeddings folders', () => {
    assert.equal(resolveEmbeddingFile([join(embDir, 'sub')], '../two'), null);
    assert.equal(resolveEmbeddingFile([join(embDir, 'sub')], '/etc/passwd'), null);
    assert.equal(resolveEmbeddingFile([embDir], 'sub/one'), join(embDir, 'sub', 'one.safetensors'));
  });
});
