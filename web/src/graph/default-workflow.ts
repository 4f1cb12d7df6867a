// The graph a first visit opens: the standard txt2img pipeline (checkpoint → two prompts → empty latent →
// KSampler → VAE decode → save), with ComfyUI's customary node ids 3–9.
import type { Workflow, WorkflowLinkArray } from '../api/types.ts';

const links: WorkflowLinkArray[] = [
  [1, 4, 0, 3, 0, 'MODEL'],
  [2, 4, 1, 6, 0, 'CLIP'],
  [3, 4, 1, 7, 0, 'CLIP'],
  [4, 6, 0, 3, 1, 'CONDITIONING'],
  [5, 7, 0, 3, 2, 'CONDITIONING'],
  [6, 5, 0, 3, 3, 'LATENT'],
  [7, 3, 0, 8, 0, 'LATENT'],
  [8, 4, 2, 8, 1, 'VAE'],
  [9, 8, 0, 9, 0, 'IMAGE'],
];

const input = (name: string, type: string, link: number) => ({ name, type, link });
const output = (name: string, type: string, ...linkIds: number[]) => ({ name, type, links: linkIds });

export function defaultWorkflow(): Workflow {
  return {
    last_node_id: 9,
    last_link_id: 9,
    nodes: [
      {
        id: 4, type: 'CheckpointLoaderSimple', pos: [30, 470], size: [315, 98], flags: {}, order: 0, mode: 0,
        inputs: [], outputs: [output('MODEL', 'MODEL', 1), output('CLIP', 'CLIP', 2, 3), output('VAE', 'VAE', 8)],
        widgets_values: ['v1-5-pruned-emaonly.safetensors'],
      },
      {
        id: 5, type: 'EmptyLatentImage', pos: [470, 610], size: [315, 106], flags: {}, order: 1, mode: 0,
        inputs: [], outputs: [output('LATENT', 'LATENT', 6)], widgets_values: [512, 512, 1],
      },
      {
        id: 6, type: 'CLIPTextEncode', pos: [410, 180], size: [420, 160], flags: {}, order: 2, mode: 0,
        inputs: [input('clip', 'CLIP', 2)], outputs: [output('CONDITIONING', 'CONDITIONING', 4)],
        widgets_values: ['a lighthouse on a rocky coast at sunset, dramatic clouds, warm light, detailed oil painting'],
      },
      {
        id: 7, type: 'CLIPTextEncode', pos: [410, 390], size: [420, 160], flags: {}, order: 3, mode: 0,
        inputs: [input('clip', 'CLIP', 3)], outputs: [output('CONDITIONING', 'CONDITIONING', 5)],
        widgets_values: ['blurry, low quality, watermark, text'],
      },
      {
        id: 3, type: 'KSampler', pos: [880, 180], size: [315, 262], flags: {}, order: 4, mode: 0,
        inputs: [input('model', 'MODEL', 1), input('positive', 'CONDITIONING', 4), input('negative', 'CONDITIONING', 5), input('latent_image', 'LATENT', 6)],
        outputs: [output('LATENT', 'LATENT', 7)],
        widgets_values: [42, 'randomize', 20, 8, 'euler', 'normal', 1],
      },
      {
        id: 8, type: 'VAEDecode', pos: [1240, 180], size: [210, 46], flags: {}, order: 5, mode: 0,
        inputs: [input('samples', 'LATENT', 7), input('vae', 'VAE', 8)], outputs: [output('IMAGE', 'IMAGE', 9)],
      },
      {
        id: 9, type: 'SaveImage', pos: [1490, 180], size: [320, 360], flags: {}, order: 6, mode: 0,
        inputs: [input('images', 'IMAGE', 9)], outputs: [], widgets_values: ['ComfyUI'],
      },
    ],
    links,
    groups: [],
    config: {},
    extra: {},
    version: 0.4,
  } as unknown as Workflow;
}
