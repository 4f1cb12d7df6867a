// SaveVideo and SaveWEBM (nodes_video.py): one file per call, named by the SaveImage prefix/counter scheme
// (`<prefix>_<counter:05>_.mp4|.webm`), shown in the UI as an animated preview.
import path from 'node:path';
import type { NodeContext, NodeDefinition } from '../node-definition.ts';
import { planSave, rememberSaved, type SavePlan } from '../../imaging/save-path.ts';
import { pythonJsonDumps } from '../../python/json-dumps.ts';
import type { SavedFile } from '../image/save-image.ts';
import { requireChoice, requireImage, requireNumber, requireString } from '../utils/node-args.ts';
import { V3_OUTPUT_HIDDEN, v3Combo, v3Float, v3Socket, v3String } from '../utils/v3-io.ts';
import { decodeVideoFile, probeVideo } from './video-decode.ts';
import { encodeMp4, encodeWebm, remuxToMp4, type WebmCodec } from './video-encode.ts';
import { requireVideo, type VideoValue } from './video-value.ts';

const PREFIX_TOOLTIP = 'The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.';
const CONTAINERS = ['auto', 'mp4'] as const;
const CODECS = ['auto', 'h264'] as const;

function outputTarget(prefix: string, ctx: NodeContext, width: number, height: number, ext: string): { file: string; fullPath: string; subfolder: string; plan: SavePlan } {
  const plan = planSave(prefix, ctx.services.paths.outputDir, 1, ext, {
    width, height, resolveInside: (root, rel) => ctx.services.paths.resolveInside(root, rel),
  });
  const file = plan.names[0]!;
  return { file, fullPath: path.join(plan.target.fullOutputFolder, file), subfolder: plan.target.subfolder, plan };
}

function previewVideo(file: string, subfolder: string): { images: SavedFile[]; animated: boolean[] } {
  return { images: [{ filename: file, subfolder, type: 'output' }], animated: [true] };
}

/** `VideoInput.save_to`: a file whose streams fit the requested container and codec is copied, else re-encoded. */
async function saveVideoTo(video: VideoValue, target: string, format: string, codec: string, metadata: Record<string, unknown> | null, signal: AbortSignal): Promise<void> {
  if (video.kind === 'components') return encodeMp4(video.components, target, metadata, signal);
  const probe = await probeVideo(video.path, signal);
  const sourceCodec = probe.video?.codec_name ?? null;
  const formatFits = format === 'auto' || probe.formatName.split(',').includes(format);
  const codecFits = codec === 'auto' || sourceCodec === null || codec === sourceCodec;
  if (formatFits && codecFits) return remuxToMp4(video.path, probe.tags, target, metadata, signal);
  return encodeMp4(await decodeVideoFile(video.path, signal), target, metadata, signal);
}

async function videoSize(video: VideoValue, signal: AbortSignal): Promise<[number, number]> {
  if (video.kind === 'components') return [video.components.images.shape[2] ?? 0, video.components.images.shape[1] ?? 0];
  const probe = await probeVideo(video.path, signal);
  if (!probe.video) throw new Error(`No video stream found in file '${video.path}'`);
  return [probe.video.width ?? 0, probe.video.height ?? 0];
}

export const saveVideo: NodeDefinition = {
  name: 'SaveVideo',
  schemaFormat: 'v3',
  displayName: 'Save Video',
  description: 'Saves the input images to your ComfyUI output directory.',
  pythonModule: 'comfy_extras.nodes_video',
  category: 'image/video',
  inputs: {
    required: {
      video: v3Socket('VIDEO', { tooltip: 'The video to save.' }),
      filename_prefix: v3String({ tooltip: PREFIX_TOOLTIP, default: 'video/ComfyUI' }),
      format: v3Combo(CONTAINERS, { tooltip: 'The format to save the video as.', default: 'auto' }),
      codec: v3Combo(CODECS, { tooltip: 'The codec to use for the video.', default: 'auto' }),
    },
    hidden: V3_OUTPUT_HIDDEN,
  },
  outputs: [],
  outputNode: true,
  async execute(inputs, ctx) {
    const video = requireVideo('video', inputs.video);
    const prefix = requireString('filename_prefix', inputs.filename_prefix ?? 'video/ComfyUI');
    const format = requireChoice('format', inputs.format ?? 'auto', CONTAINERS);
    const codec = requireChoice('codec', inputs.codec ?? 'auto', CODECS);
    const [width, height] = await videoSize(video, ctx.signal);
    const target = outputTarget(prefix, ctx, width, height, 'mp4');
    let metadata: Record<string, unknown> | null = null;
    if (!ctx.services.options.disableMetadata) {
      const collected: Record<string, unknown> = {};
      if (inputs.extra_pnginfo && typeof inputs.extra_pnginfo === 'object') Object.assign(collected, inputs.extra_pnginfo);
      if (inputs.prompt !== undefined && inputs.prompt !== null) collected.prompt = inputs.prompt;
      if (Object.keys(collected).length > 0) metadata = collected;
    }
    await saveVideoTo(video, target.fullPath, format, codec, metadata, ctx.signal);
    rememberSaved(target.plan);
    return { ui: previewVideo(target.file, target.subfolder) };
  },
};

const WEBM_CODECS = ['vp9', 'av1'] as const;

export const saveWEBM: NodeDefinition = {
  name: 'SaveWEBM',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_video',
  category: 'image/video',
  experimental: true,
  inputs: {
    required: {
      images: v3Socket('IMAGE'),
      filename_prefix: v3String({ default: 'ComfyUI' }),
      codec: v3Combo(WEBM_CODECS),
      fps: v3Float({ default: 24.0, min: 0.01, max: 1000.0, step: 0.01 }),
      crf: v3Float({
        tooltip: 'Higher crf means lower quality with a smaller file size, lower crf means higher quality higher filesize.',
        default: 32.0, min: 0, max: 63.0, step: 1,
      }),
    },
    hidden: V3_OUTPUT_HIDDEN,
  },
  outputs: [],
  outputNode: true,
  async execute(inputs, ctx) {
    const images = requireImage('images', inputs.images);
    const [frames, height, width, channels] = images.shape as [number, number, number, number];
    if (frames === 0) throw new Error('images: the batch is empty, nothing to save');
    if (channels < 3) throw new Error(`images must have at least 3 channels (RGB), got ${channels}`);
    const prefix = requireString('filename_prefix', inputs.filename_prefix ?? 'ComfyUI');
    const codec: WebmCodec = requireChoice('codec', inputs.codec, WEBM_CODECS);
    const fps = requireNumber('fps', inputs.fps ?? 24.0, 0.01, 1000.0);
    const crf = requireNumber('crf', inputs.crf ?? 32.0, 0, 63.0);
    const target = outputTarget(prefix, ctx, width, height, 'webm');
    // ComfyUI writes these tags even under --disable-metadata.
    const tags: [string, string][] = [];
    if (inputs.prompt !== undefined && inputs.prompt !== null) tags.push(['prompt', pythonJsonDumps(inputs.prompt)]);
    if (inputs.extra_pnginfo && typeof inputs.extra_pnginfo === 'object') {
      for (const [k, v] of Object.entries(inputs.extra_pnginfo)) tags.push([k, pythonJsonDumps(v)]);
    }
    await encodeWebm(images, fps, codec, crf, target.fullPath, tags, ctx.signal);
    rememberSaved(target.plan);
    return { ui: previewVideo(target.file, target.subfolder) };
  },
};
