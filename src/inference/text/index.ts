// Prompt → CLIP token chunks for a detected text encoder: the tokenizer from the models folders, textual
// inversions from the `embeddings` folders, ComfyUI's weighting syntax and 77-token chunking.
import type { FolderPaths } from '../../storage/folder-paths.ts';
import type { ClipConfig } from '../files/detect-clip.ts';
import { END_TOKEN, loadClipTokenizer, START_TOKEN } from './clip-tokenizer.ts';
import { folderEmbeddings } from './embeddings.ts';
import { embeddingKeyFor, tokenizeWithWeights, type TokenChunk } from './tokenize.ts';

export { ClipTokenizer, loadClipTokenizer, TokenizerFilesMissingError, START_TOKEN, END_TOKEN } from './clip-tokenizer.ts';
export { folderEmbeddings, loadEmbeddingFile, type EmbeddingSource } from './embeddings.ts';
export { parsePromptWeights, type WeightedSegment } from './prompt-weights.ts';
export { EMBEDDING_TOKEN, tokenizeWithWeights, type TokenChunk, type TokenizeOptions } from './tokenize.ts';

export type PromptTokenizer = (text: string) => Promise<TokenChunk[]>;

/**
 * A tokenizer for one text encoder. Throws TokenizerFilesMissingError (naming the folder) when vocab.json /
 * merges.txt are absent; missing embeddings only warn.
 */
export function createPromptTokenizer(
  paths: Pick<FolderPaths, 'baseDir' | 'modelFolderPaths'>,
  clip: Pick<ClipConfig, 'type' | 'width' | 'padToken'>,
  warn: (message: string) => void = console.warn,
): PromptTokenizer {
  const tokenizer = loadClipTokenizer(paths);
  const embeddings = folderEmbeddings(paths.modelFolderPaths('embeddings'), { width: clip.width, key: embeddingKeyFor(clip.type), warn });
  return (text) => tokenizeWithWeights(text, { tokenizer, padToken: clip.padToken, embeddingWidth: clip.width, embeddings, warn });
}

/** The "empty" sequence ComfyUI encodes for weight interpolation: start, end, then padding (models.md §5.3). */
export function emptyChunk(padToken: number, length = 77): TokenChunk {
  const tokens = [START_TOKEN, END_TOKEN, ...new Array<number>(length - 2).fill(padToken)];
  return { tokens, weights: new Array<number>(length).fill(1) };
}
