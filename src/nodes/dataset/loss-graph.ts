// LossGraphNode (comfy_extras/nodes_train.py): plots the training loss curve as an 840×520 preview image (an
// 800×480 plot area with a 40 px margin: blue curve min–max scaled, black axes, "Loss"/"Steps" labels and the
// max/min values), drawn as SVG and rasterised by sharp, then saved to temp/ like PreviewImage.
// `filename_prefix` is accepted but, as in ComfyUI, the preview keeps its own temp name.
import sharp from 'sharp';
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { metadataChunks, previewSuffix, saveImageBatch } from '../image/save-image.ts';
import { V3_OUTPUT_HIDDEN, v3Socket, v3String } from '../utils/v3-io.ts';

const PLOT_WIDTH = 800;
const PLOT_HEIGHT = 480;
const MARGIN = 40;

function lossValues(loss: unknown): number[] {
  const values = loss && typeof loss === 'object' ? (loss as Record<string, unknown>).loss : undefined;
  if (!Array.isArray(values) || values.length === 0) throw new Error('loss: expected a loss map with a non-empty "loss" list');
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`loss: value ${i} is not a finite number`);
  });
  return values as number[];
}

function lossGraphSvg(values: readonly number[]): string {
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (max === min) throw new Error(`loss: all ${values.length} values equal ${min}; the curve has no range to plot`);
  // Points are truncated to whole pixels as in the reference; x advances by i/steps of the width.
  const points = values.map((v, i) => `${MARGIN + Math.trunc((i / values.length) * PLOT_WIDTH)},${PLOT_HEIGHT - Math.trunc(((v - min) / (max - min)) * PLOT_HEIGHT)}`);
  const text = (x: number, y: number, s: string) => `<text x="${x}" y="${y}" dominant-baseline="hanging" font-family="sans-serif" font-size="12" fill="black">${s}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PLOT_WIDTH + MARGIN}" height="${PLOT_HEIGHT + MARGIN}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<polyline points="${points.join(' ')}" fill="none" stroke="blue" stroke-width="2"/>`,
    `<line x1="${MARGIN}" y1="0" x2="${MARGIN}" y2="${PLOT_HEIGHT}" stroke="black" stroke-width="2"/>`,
    `<line x1="${MARGIN}" y1="${PLOT_HEIGHT}" x2="${PLOT_WIDTH + MARGIN}" y2="${PLOT_HEIGHT}" stroke="black" stroke-width="2"/>`,
    text(5, PLOT_HEIGHT / 2, 'Loss'),
    text(PLOT_WIDTH / 2, PLOT_HEIGHT + 10, 'Steps'),
    text(MARGIN - 30, 0, max.toFixed(2)),
    text(MARGIN - 30, PLOT_HEIGHT - 10, min.toFixed(2)),
    '</svg>',
  ].join('');
}

/** The rendered graph as an IMAGE batch of one, [1, 520, 840, 3] in 0..1. */
export async function renderLossGraph(values: readonly number[]): Promise<Tensor> {
  const { data, info } = await sharp(Buffer.from(lossGraphSvg(values))).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = new Tensor([1, info.height, info.width, 3]);
  for (let i = 0; i < image.size; i++) image.data[i] = data[i]! / 255;
  return image;
}

export const lossGraphNode: NodeDefinition = {
  name: 'LossGraphNode',
  schemaFormat: 'v3',
  displayName: 'Plot Loss Graph',
  pythonModule: 'comfy_extras.nodes_train',
  category: 'training',
  experimental: true,
  outputNode: true,
  inputs: {
    required: {
      loss: v3Socket('LOSS_MAP', { tooltip: 'Loss map from training node.' }),
      filename_prefix: v3String({ default: 'loss_graph', tooltip: 'Prefix for the saved loss graph image.' }),
    },
    hidden: { ...V3_OUTPUT_HIDDEN },
  },
  outputs: [],
  async execute(inputs, ctx) {
    const image = await renderLossGraph(lossValues(inputs.loss));
    const text = metadataChunks(ctx, inputs.prompt, inputs.extra_pnginfo);
    const images = await saveImageBatch(image, 'ComfyUI' + previewSuffix(ctx), ctx, { type: 'temp', compressionLevel: 1, text });
    return { ui: { images } };
  },
};
