// Model-free nodes that belong to particular model families (SD ×4 upscaler, Hunyuan, LTX-Video, Kandinsky 5,
// Wan camera control, Lotus)
// and the hooks' cond-pair combine: they prepare conditioning and latents without running a network.
import type { NodeDefinition } from '../node-definition.ts';
import { hunyuanRefinerLatent, pairConditioningCombine, sd4xUpscaleConditioning } from './conditioning-latent-prep.ts';
import { ltxvConcatAvLatent, ltxvSeparateAvLatent } from './av-latent.ts';
import { lotusConditioning } from './lotus-conditioning.ts';
import { ltxvPreprocess } from './ltxv-preprocess.ts';
import { ltxvCropGuides, normalizeVideoLatentStart } from './video-latent-nodes.ts';
import { generateTracks, wanMoveConcatTrack, wanMoveTracksFromCoords } from './wanmove-tracks.ts';
import { wanMoveVisualizeTracks } from './wanmove-visualize.ts';
import { wanCameraEmbedding } from './wan-camera-embedding.ts';

export const modelSpecificNodes: NodeDefinition[] = [
  pairConditioningCombine, sd4xUpscaleConditioning, hunyuanRefinerLatent, ltxvPreprocess, ltxvCropGuides, ltxvConcatAvLatent, ltxvSeparateAvLatent,
  normalizeVideoLatentStart, wanMoveTracksFromCoords, wanMoveConcatTrack, wanMoveVisualizeTracks, generateTracks,
  lotusConditioning, wanCameraEmbedding,
];
