// The CLIP text encoder as a callable. `encodeSequences` runs token sequences (with optional textual-inversion
// vectors) and returns the chosen layer; `encode` does ComfyUI's whole chunked, weighted encoding (models.md §5.3):
// every chunk (plus an "empty" sequence when any weight ≠ 1) in one batch, z = (z − z_empty)·w + z_empty per
// weighted token, chunks concatenated along the tokens, pooled output from the first chunk.
import ort from 'onnxruntime-node';
import type { ClipConfig } from '../../files/detect-clip.ts';
import { openNetworkGraph, type NetworkRuntime } from '../../onnx/network-graph.ts';
import { fromOrt, int64Tensor, type ProviderName } from '../../onnx/session.ts';
import { Tensor } from '../../tensor.ts';
import { buildClip } from './clip-graph.ts';

/** One token sequence; `embeddings` replace the token embedding at their positions (vectors of the encoder width). */
export interface TokenSequence {
  tokens: readonly number[];
  embeddings?: readonly { position: number; vector: ArrayLike<number> }[];
}

/** A 77-token chunk as the tokenizer produces it: per-token weights travel with the tokens. */
export interface TokenChunk extends TokenSequence {
  weights: readonly number[];
}

export interface ClipOutput {
  /** [B, T, width]: the selected layer, with the final layer norm when the encoder's setting asks for it. */
  hidden: Tensor;
  /** [B, width]: final-normed last layer at the first end token. */
  pooled: Tensor;
  /** [B, proj]: `pooled` through the text projection, when the file has one. */
  pooledProjected?: Tensor;
}

export interface ClipModel {
  readonly config: ClipConfig;
  readonly provider: ProviderName;
  readonly graph: { path: string; reused: boolean };
  /**
   * `layer`: −1 last, −2 penultimate… (CLIPSetLastLayer; beyond the layer count means the last layer);
   * default the encoder's own (config.defaultLayer). `finalNorm` defaults to config.finalNorm.
   */
  encodeSequences(sequences: readonly TokenSequence[], options?: { layer?: number; finalNorm?: boolean }): Promise<ClipOutput>;
  /** ComfyUI's encode_token_weights: cond [1, 77·chunks, width] and the first chunk's pooled output. */
  encode(chunks: readonly TokenChunk[], options?: { layer?: number; finalNorm?: boolean }): Promise<{ cond: Tensor; pooled: Tensor; pooledProjected?: Tensor }>;
  release(): Promise<void>;
}

/** Loads the encoder of `config` (its `tensors` are HF-named, scoped to the encoder) from `weightFile`. */
export async function loadClip(weightFile: string, config: ClipConfig, runtime: NetworkRuntime): Promise<ClipModel> {
  const shape = {
    width: config.width, layers: config.layers, heads: config.heads, activation: config.activation,
    layerNormEps: config.layerNormEps, positions: config.positions, endToken: config.endToken,
  };
  const { path, reused, session } = await openNetworkGraph({ path: weightFile, tensors: config.tensors }, {
    network: `clip-${config.type}`, arch: { ...shape, format: config.format }, prefix: '',
    ignoreUnused: [/position_ids$/, /logit_scale$/],
    build: (g, w) => buildClip(g, w, shape),
  }, runtime);

  const encodeSequences: ClipModel['encodeSequences'] = async (sequences, options = {}) => {
    const batch = sequences.length;
    const length = sequences[0]!.tokens.length;
    if (sequences.some((s) => s.tokens.length !== length)) throw new Error('token sequences in one batch must have the same length');
    if (length > config.positions) throw new Error(`a token sequence has ${length} tokens; the encoder takes at most ${config.positions}`);
    const embeds = new Float32Array(batch * length * config.width);
    const mask = new Float32Array(batch * length);
    sequences.forEach((s, b) => {
      for (const e of s.embeddings ?? []) {
        if (e.vector.length !== config.width) continue; // wrong-width vectors are ignored, as ComfyUI does
        embeds.set(Array.from(e.vector), (b * length + e.position) * config.width);
        mask[b * length + e.position] = 1;
      }
    });
    const layer = options.layer ?? config.defaultLayer;
    const index = layer < 0 && -layer <= config.layers ? config.layers + layer : config.layers - 1;
    const out = await session.run({
      input_ids: int64Tensor(sequences.flatMap((s) => [...s.tokens]), [batch, length]),
      input_embeds: new ort.Tensor('float32', embeds, [batch, length, config.width]),
      embeds_mask: new ort.Tensor('float32', mask, [batch, length, 1]),
      layer_index: int64Tensor([index], [1]),
    });
    const finalNorm = options.finalNorm ?? config.finalNorm;
    return {
      hidden: fromOrt(finalNorm ? out.selected_normed! : out.selected!),
      pooled: fromOrt(out.pooled!),
      ...(out.pooled_projected ? { pooledProjected: fromOrt(out.pooled_projected) } : {}),
    };
  };

  return {
    config, provider: session.provider, graph: { path, reused }, encodeSequences,
    async encode(chunks, options) {
      if (chunks.length === 0) throw new Error('nothing to encode: no token chunks');
      const weighted = chunks.some((c) => c.weights.some((w) => w !== 1));
      const length = chunks[0]!.tokens.length;
      const empty = [config.startToken, config.endToken, ...Array<number>(Math.max(0, length - 2)).fill(config.padToken)];
      const sequences: TokenSequence[] = weighted ? [...chunks, { tokens: empty }] : [...chunks];
      const { hidden, pooled, pooledProjected } = await encodeSequences(sequences, options);
      const width = config.width;
      const perChunk = length * width;
      const cond = new Tensor([1, chunks.length * length, width], hidden.data.slice(0, chunks.length * perChunk));
      if (weighted) {
        const zEmpty = hidden.data.subarray(chunks.length * perChunk);
        chunks.forEach((chunk, k) => {
          chunk.weights.forEach((weight, j) => {
            if (weight === 1) return;
            const at = k * perChunk + j * width;
            for (let d = 0; d < width; d++) cond.data[at + d] = (cond.data[at + d]! - zEmpty[j * width + d]!) * weight + zEmpty[j * width + d]!;
          });
        });
      }
      return {
        cond,
        pooled: pooled.sliceBatch(0, 1),
        ...(pooledProjected ? { pooledProjected: pooledProjected.sliceBatch(0, 1) } : {}),
      };
    },
    release: () => session.release(),
  };
}
