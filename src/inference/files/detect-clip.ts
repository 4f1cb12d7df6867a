// Text encoder detection (models.md §2.1, §3.5, §4.2): where the encoder sits in a checkpoint, its layout
// (HF CLIP or OpenCLIP, the latter converted to HF names by a key view) and its size from the shapes.
import { countIndexed, hfClipWithTextModel, openClipToHf, scopeTensors, type TensorMap } from './key-views.ts';
import type { TensorRef } from './weight-file.ts';

export type ClipType = 'clip-l' | 'clip-h' | 'clip-g';

export interface ClipConfig {
  /** clip-l: OpenAI CLIP ViT-L/14 text (SD1); clip-h: OpenCLIP ViT-H/14 text (SD2); clip-g: OpenCLIP bigG. */
  type: ClipType;
  /** The layout in the file; `tensors` is always in HF names. */
  format: 'hf' | 'open_clip';
  /** Prefix of the encoder in the file. */
  prefix: string;
  /**
   * The encoder's weights under HF CLIP names: `text_model.embeddings.token_embedding.weight`,
   * `text_model.encoder.layers.i.self_attn.q_proj.weight`, `text_model.final_layer_norm.weight`…
   * Projection: HF files may have `text_projection.weight` (Linear, x·Wᵀ); OpenCLIP files have
   * `text_projection` [width, proj] (x·P).
   */
  tensors: Map<string, TensorRef>;
  width: number;
  layers: number;
  heads: number;
  /** MLP hidden width. */
  intermediate: number;
  vocab: number;
  positions: number;
  activation: 'quick_gelu' | 'gelu';
  layerNormEps: number;
  startToken: number;
  endToken: number;
  /** 49407 for CLIP-L, 0 for the OpenCLIP encoders (models.md §5.2). */
  padToken: number;
  /** Layer used by default (−1 last, −2 penultimate), before CLIPSetLastLayer (models.md §5.3). */
  defaultLayer: number;
  /** Whether the final layer norm is applied to the selected layer's output. */
  finalNorm: boolean;
}

/** Both real CLIP text families use 64-wide heads (768/12, 1024/16, 1280/20). */
const HEAD_WIDTH = 64;

const HF_PREFIXES = ['cond_stage_model.transformer.'];
const OPEN_CLIP_PREFIXES = ['cond_stage_model.model.', 'conditioner.embedders.0.model.'];

/** The checkpoint's SD1/SD2 text encoder, or null when there is none. */
export function detectClip(t: TensorMap): ClipConfig | null {
  for (const prefix of HF_PREFIXES) {
    const scoped = scopeTensors(t, prefix);
    if (scoped.size === 0) continue;
    return hfClipConfig(hfClipWithTextModel(scoped), prefix, 'hf');
  }
  for (const prefix of OPEN_CLIP_PREFIXES) {
    const scoped = scopeTensors(t, prefix);
    if (!scoped.has('token_embedding.weight')) continue;
    return hfClipConfig(openClipToHf(scoped), prefix, 'open_clip');
  }
  return null;
}

/** A standalone text-encoder file (CLIPLoader), HF or OpenCLIP layout, with or without `text_model.`. */
export function detectClipFile(t: TensorMap): ClipConfig {
  if (t.has('token_embedding.weight')) return hfClipConfig(openClipToHf(t), '', 'open_clip');
  const found = detectClip(t);
  if (found) return found;
  return hfClipConfig(hfClipWithTextModel(t), '', 'hf');
}

function hfClipConfig(tensors: Map<string, TensorRef>, prefix: string, format: ClipConfig['format']): ClipConfig {
  const shape = (name: string) => {
    const ref = tensors.get(`text_model.${name}`);
    if (!ref) throw new Error(`text encoder at "${prefix}" has no tensor ${name}`);
    return ref.shape;
  };
  const [vocab, width] = shape('embeddings.token_embedding.weight') as [number, number];
  const layers = countIndexed(tensors, 'text_model.encoder.layers.');
  if (layers === 0) throw new Error(`text encoder at "${prefix}" has no encoder layers`);
  const type: ClipType = format === 'hf' ? 'clip-l' : width === 1280 ? 'clip-g' : 'clip-h';
  const open = format === 'open_clip';
  return {
    type, format, prefix, tensors,
    width,
    layers,
    heads: Math.max(1, Math.floor(width / HEAD_WIDTH)),
    intermediate: shape('encoder.layers.0.mlp.fc1.weight')[0]!,
    vocab,
    positions: shape('embeddings.position_embedding.weight')[0]!,
    activation: open ? 'gelu' : 'quick_gelu',
    layerNormEps: 1e-5,
    startToken: 49406,
    endToken: 49407,
    padToken: open ? 0 : 49407,
    defaultLayer: open ? -2 : -1,
    finalNorm: true,
  };
}
