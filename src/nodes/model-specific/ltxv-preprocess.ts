// LTXVPreprocess (nodes_lt.py): LTX-Video was trained on video frames, so conditioning images get the same
// compression artefacts: each image (cropped to even sides) goes through a one-frame H.264 encode at the given
// CRF (libx264, preset veryfast) and is decoded back. CRF 0 leaves the images untouched.
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { requireImage, requireInt } from '../utils/node-args.ts';
import { v3Int, v3Socket } from '../utils/v3-io.ts';
import { runFfmpeg } from '../video/ffmpeg.ts';
import { rgb24Frames } from '../video/video-encode.ts';

async function compressFrame(rgb: Buffer, width: number, height: number, crf: number, signal: AbortSignal): Promise<Buffer> {
  const h264 = await runFfmpeg('ffmpeg', [
    '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-video_size', `${width}x${height}`, '-framerate', '1', '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(crf), '-pix_fmt', 'yuv420p', '-f', 'h264', 'pipe:1',
  ], { inputs: [rgb], signal });
  return runFfmpeg('ffmpeg', ['-v', 'error', '-f', 'h264', '-i', 'pipe:0', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { inputs: [h264], signal });
}

/** The top-left window of even height and width of every image. */
function cropEven(images: Tensor): Tensor {
  const [b, h, w, c] = images.shape as [number, number, number, number];
  const h2 = h - (h % 2);
  const w2 = w - (w % 2);
  if (h2 === h && w2 === w) return images;
  const out = new Tensor([b, h2, w2, c]);
  for (let i = 0; i < b; i++) {
    for (let y = 0; y < h2; y++) out.data.set(images.data.subarray(((i * h + y) * w) * c, ((i * h + y) * w + w2) * c), ((i * h2 + y) * w2) * c);
  }
  return out;
}

export const ltxvPreprocess: NodeDefinition = {
  name: 'LTXVPreprocess',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_lt',
  category: 'image',
  inputs: {
    required: {
      image: v3Socket('IMAGE'),
      img_compression: v3Int({ tooltip: 'Amount of compression to apply on image.', default: 35, min: 0, max: 100 }),
    },
  },
  outputs: [{ type: 'IMAGE', name: 'output_image' }],
  async execute(inputs, ctx) {
    const image = requireImage('image', inputs.image);
    const crf = requireInt('img_compression', inputs.img_compression ?? 35, 0, 100);
    if (crf === 0) return [image];
    if (image.shape[3] !== 3) throw new Error(`image must have 3 channels (RGB), got ${image.shape[3]}`);
    const cropped = cropEven(image);
    const [b, h, w] = cropped.shape as [number, number, number, number];
    if (h === 0 || w === 0) throw new Error(`image is too small to compress: ${image.shape[2]}x${image.shape[1]}`);
    const out = new Tensor([b, h, w, 3]);
    const frameValues = h * w * 3;
    for (let i = 0; i < b; i++) {
      ctx.checkInterrupted();
      const rgb = rgb24Frames(new Tensor([1, h, w, 3], cropped.data.subarray(i * frameValues, (i + 1) * frameValues)));
      const decoded = await compressFrame(rgb, w, h, crf, ctx.signal);
      if (decoded.length !== frameValues) throw new Error(`ffmpeg returned ${decoded.length} bytes for a ${w}x${h} frame`);
      for (let k = 0; k < frameValues; k++) out.data[i * frameValues + k] = decoded[k]! / 255;
    }
    return [out];
  },
};
