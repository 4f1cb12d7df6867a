// Renaming views over a tensor map: prefix scoping and the text-encoder key conversions of models.md §2.2.
// No bytes move: a converted tensor is the same file range (q/k/v are row blocks of the fused in_proj).
import type { TensorRef } from './weight-file.ts';

export type TensorMap = ReadonlyMap<string, TensorRef>;

/** The tensors under `prefix`, renamed without it. */
export function scopeTensors(tensors: TensorMap, prefix: string): Map<string, TensorRef> {
  const out = new Map<string, TensorRef>();
  for (const [name, ref] of tensors) if (name.startsWith(prefix)) out.set(name.slice(prefix.length), ref);
  return out;
}

export function countWithPrefix(tensors: TensorMap, prefix: string): number {
  let n = 0;
  for (const name of tensors.keys()) if (name.startsWith(prefix)) n++;
  return n;
}

/** Highest `<n>` + 1 over names `${prefix}<n>.…` (0 when none). */
export function countIndexed(tensors: TensorMap, prefix: string): number {
  let max = -1;
  for (const name of tensors.keys()) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\./.exec(name.slice(prefix.length));
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

/** Rows [start, start + rows) of a row-major tensor, as a ref into the same bytes. */
export function rowBlock(ref: TensorRef, start: number, rows: number): TensorRef {
  const rowBytes = ref.byteLength / ref.shape[0]!;
  return {
    name: `${ref.name}[rows ${start}:${start + rows}]`, dtype: ref.dtype, shape: [rows, ...ref.shape.slice(1)], file: ref.file,
    offset: ref.offset + start * rowBytes, byteLength: rows * rowBytes,
  };
}

const OPEN_CLIP_LAYER: [string, string][] = [
  ['ln_1.', 'layer_norm1.'],
  ['ln_2.', 'layer_norm2.'],
  ['mlp.c_fc.', 'mlp.fc1.'],
  ['mlp.c_proj.', 'mlp.fc2.'],
  ['attn.out_proj.', 'self_attn.out_proj.'],
];

/**
 * Each view keeps `ref.name` as the tensor's name in the file (row blocks get a `[rows a:b]` suffix), so errors
 * and external-data references still point at what is on disk.
 *
 * OpenCLIP text keys (scoped: `token_embedding.weight`, `transformer.resblocks.i.…`) → HF CLIP keys
 * (`text_model.embeddings.…`, `text_model.encoder.layers.i.…`), models.md §2.2.
 * One deliberate difference: OpenCLIP's `text_projection` [width, proj] is applied as x·P, the transpose of HF's
 * Linear weight; it is exposed unchanged under the name `text_projection` (no `.weight`) rather than as a
 * transposed copy. Names it does not know (`logit_scale`, `attn_mask`) are dropped.
 */
export function openClipToHf(tensors: TensorMap): Map<string, TensorRef> {
  const out = new Map<string, TensorRef>();
  const put = (name: string, ref: TensorRef) => out.set(name, ref);
  for (const [name, ref] of tensors) {
    if (name === 'positional_embedding') put('text_model.embeddings.position_embedding.weight', ref);
    else if (name === 'token_embedding.weight') put('text_model.embeddings.token_embedding.weight', ref);
    else if (name.startsWith('ln_final.')) put(`text_model.final_layer_norm.${name.slice(9)}`, ref);
    else if (name === 'text_projection') put('text_projection', ref);
    else {
      const m = /^transformer\.resblocks\.(\d+)\.(.+)$/.exec(name);
      if (!m) continue;
      const layer = `text_model.encoder.layers.${m[1]}.`;
      const rest = m[2]!;
      const fused = /^attn\.in_proj_(weight|bias)$/.exec(rest);
      if (fused) {
        const rows = ref.shape[0]! / 3;
        ['q_proj', 'k_proj', 'v_proj'].forEach((p, i) => {
          out.set(`${layer}self_attn.${p}.${fused[1]}`, rowBlock(ref, i * rows, rows));
        });
        continue;
      }
      const pair = OPEN_CLIP_LAYER.find(([from]) => rest.startsWith(from));
      if (pair) put(layer + pair[1] + rest.slice(pair[0].length), ref);
    }
  }
  return out;
}

/** SD1 files from before `text_model.` was a level: `embeddings.…`/`encoder.…`/`final_layer_norm.…` gain it. */
export function hfClipWithTextModel(tensors: TensorMap): Map<string, TensorRef> {
  const out = new Map<string, TensorRef>();
  for (const [name, ref] of tensors) {
    const legacy = /^(embeddings|encoder|final_layer_norm)\./.test(name);
    out.set(legacy ? `text_model.${name}` : name, ref);
  }
  return out;
}
