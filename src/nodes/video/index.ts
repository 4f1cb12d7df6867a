// comfy_extras/nodes_video.py: saving, building, splitting and loading VIDEO values (encoded by FFmpeg).
import type { NodeDefinition } from '../node-definition.ts';
import { saveVideo, saveWEBM } from './save-video.ts';
import { createVideo, getVideoComponents, loadVideo } from './video-nodes.ts';

export const videoNodes: NodeDefinition[] = [saveWEBM, saveVideo, createVideo, getVideoComponents, loadVideo];
