// Prompt → CLIP input chunks, as ComfyUI's `SDTokenizer.tokenize_with_weights` (models.md §5.2): weighted
// segments, `embedding:name` references, token groups, 77-token chunks with start/end/pad, per-token weights.
import type { ClipConfig } from '../files/detect-clip.ts';
import { END_TOKEN, START_TOKEN, type ClipTokenizer } from './clip-tokenizer.ts';
import type { EmbeddingSource } from './embeddings.ts';
import { parsePromptWeights } from './prompt-weights.ts';

/** One CLIP input sequence. */
export interface TokenChunk {
  /** 77 token ids. At an embedding's position the id is EMBEDDING_TOKEN, a placeholder to be overridden. */
  tokens: number[];
  /** Per-position prompt weights (1.0 for start/end/pad). */
  weights: number[];
  /** Textual-inversion vectors to use instead of the token embedding at `position` (width = encoder width). */
  embeddings?: { position: number; vector: Float32Array }[];
}

/** Placeholder id at embedding positions: an ordinary token, never the end token (pooled output looks for it). */
export const EMBEDDING_TOKEN = 0;
export const EMBEDDING_IDENTIFIER = 'embedding:';

export interface TokenizeOptions {
  tokenizer: ClipTokenizer;
  /** 49407 (end token) for CLIP-L, 0 for the OpenCLIP encoders. */
  padToken: number;
  /** Encoder width; embedding vectors of another width are dropped (as ComfyUI does, after chunking). */
  embeddingWidth: number;
  embeddings?: EmbeddingSource;
  maxLength?: number;
  /** Groups at least this long may be split across chunks. */
  maxWordLength?: number;
  /** Pad the last chunk to at least this many tokens (T5-style); CLIP leaves it unset. */
  minLength?: number;
  disableWeights?: boolean;
  warn?: (message: string) => void;
}

/** Tokenizer settings for a detected text encoder (SD1 CLIP-L pads with the end token, OpenCLIP with 0). */
export function tokenizeOptionsFor(clip: Pick<ClipConfig, 'padToken' | 'width'>, tokenizer: ClipTokenizer, embeddings?: EmbeddingSource): TokenizeOptions {
  return { tokenizer, padToken: clip.padToken, embeddingWidth: clip.width, embeddings };
}

/** The embedding key (`clip_l`, `clip_h`, `clip_g`) of a text-encoder type. */
export function embeddingKeyFor(type: ClipConfig['type']): string {
  return type.replace('-', '_');
}

type Item = number | Float32Array;
interface Group { items: Item[]; weight: number }

/** Tokenizes a prompt into 77-token chunks (an empty prompt gives one chunk: start, end, padding). */
export async function tokenizeWithWeights(text: string, options: TokenizeOptions): Promise<TokenChunk[]> {
  const groups: Group[] = [];
  for (const { text: segment, weight } of parsePromptWeights(text, options.disableWeights)) {
    for (let word of splitEmbeddingWords(segment)) {
      if (word.startsWith(EMBEDDING_IDENTIFIER) && options.embeddings) {
        const { vectors, leftover } = await findEmbedding(word.slice(EMBEDDING_IDENTIFIER.length).replace(/^\n+|\n+$/g, ''), options.embeddings);
        if (vectors === null) {
          (options.warn ?? console.warn)(`warning, ${word.trim()} does not exist, ignoring`);
        } else groups.push({ items: vectors, weight });
        if (leftover === '') continue;
        word = leftover;
      }
      groups.push({ items: options.tokenizer.encode(word), weight });
    }
  }
  return chunkGroups(groups, options);
}

/** `re.split(' embedding:|\nembedding:')`, each later piece given its `embedding:` back; empty pieces dropped. */
function splitEmbeddingWords(segment: string): string[] {
  const parts = segment.split(/ embedding:|\nembedding:/);
  return [parts[0]!, ...parts.slice(1).map((p) => EMBEDDING_IDENTIFIER + p)].filter((p) => p !== '');
}

/** `_try_get_embedding`: the first word is the name; trailing commas are tried off when the name is not found. */
async function findEmbedding(reference: string, source: EmbeddingSource): Promise<{ vectors: Float32Array[] | null; leftover: string }> {
  const words = reference.split(/\s+/).filter(Boolean);
  const name = words[0] ?? '';
  const leftover = words.slice(1).join(' ');
  const vectors = name ? await source(name) : null;
  if (vectors === null) {
    const stripped = name.replace(/^,+|,+$/g, '');
    if (stripped.length < name.length) {
      return { vectors: stripped ? await source(stripped) : null, leftover: `${name.slice(stripped.length)} ${leftover}` };
    }
  }
  return { vectors, leftover };
}

function chunkGroups(groups: Group[], options: TokenizeOptions): TokenChunk[] {
  const maxLength = options.maxLength ?? 77;
  const maxWordLength = options.maxWordLength ?? 8;
  const pad = options.padToken;
  const chunks: [Item, number][][] = [];
  let batch: [Item, number][] = [[START_TOKEN, 1]];
  chunks.push(batch);
  for (const group of groups) {
    const isLarge = group.items.length >= maxWordLength;
    let items = group.items;
    while (items.length > 0) {
      if (items.length + batch.length > maxLength - 1) {
        const remaining = maxLength - batch.length - 1;
        if (isLarge) {
          batch.push(...items.slice(0, remaining).map((t): [Item, number] => [t, group.weight]));
          batch.push([END_TOKEN, 1]);
          items = items.slice(remaining);
        } else {
          batch.push([END_TOKEN, 1]);
          for (let i = 0; i < remaining; i++) batch.push([pad, 1]);
        }
        batch = [[START_TOKEN, 1]];
        chunks.push(batch);
      } else {
        batch.push(...items.map((t): [Item, number] => [t, group.weight]));
        items = [];
      }
    }
  }
  batch.push([END_TOKEN, 1]);
  while (batch.length < maxLength) batch.push([pad, 1]);
  if (options.minLength !== undefined) while (batch.length < options.minLength) batch.push([pad, 1]);
  return chunks.map((c) => toChunk(c, options));
}

/**
 * Token ids and vectors of a chunk. Vectors of the wrong width are dropped and the ids after them move left,
 * padded at the end, while the weights keep their positions: what ComfyUI's encoder does.
 */
function toChunk(items: [Item, number][], options: TokenizeOptions): TokenChunk {
  const tokens: number[] = [];
  const embeddings: { position: number; vector: Float32Array }[] = [];
  for (const [item] of items) {
    if (typeof item === 'number') tokens.push(item);
    else if (item.length === options.embeddingWidth) {
      embeddings.push({ position: tokens.length, vector: item });
      tokens.push(EMBEDDING_TOKEN);
    } else {
      (options.warn ?? console.warn)(`WARNING: shape mismatch when trying to apply embedding, embedding will be ignored ${item.length} != ${options.embeddingWidth}`);
    }
  }
  while (tokens.length < items.length) tokens.push(options.padToken);
  const chunk: TokenChunk = { tokens, weights: items.map(([, w]) => w) };
  if (embeddings.length) chunk.embeddings = embeddings;
  return chunk;
}
