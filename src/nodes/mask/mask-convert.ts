// Conversions between IMAGE and MASK (comfy_extras/nodes_mask.py): MaskToImage, ImageToMask, ImageColorToMask.
import { Tensor } from '../../inference/tensor.ts';
import type { NodeDefinition } from '../node-definition.ts';
import { requireChoice, requireImage, requireInt, requireMask } from '../utils/node-args.ts';
import { roundHalfEven } from '../utils/tensor-ops.ts';
import { v3Combo, v3Int, v3Socket } from '../utils/v3-io.ts';

const MASK_NODE = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_mask', category: 'mask' } as const;

const CHANNELS = ['red', 'green', 'blue', 'alpha'] as const;

/** Mask [B, H, W] → greyscale image [B, H, W, 3]. */
export function maskToImage(mask: Tensor): Tensor {
  const m = requireMask('mask', mask);
  const [b, h, w] = m.shape as [number, number, number];
  const out = new Tensor([b, h, w, 3]);
  const src = m.data;
  const dst = out.data;
  for (let i = 0, j = 0; i < src.length; i++, j += 3) {
    const v = src[i]!;
    dst[j] = v;
    dst[j + 1] = v;
    dst[j + 2] = v;
  }
  return out;
}

export const maskToImageNode: NodeDefinition = {
  ...MASK_NODE,
  name: 'MaskToImage',
  displayName: 'Convert Mask to Image',
  inputs: { required: { mask: v3Socket('MASK') } },
  outputs: [{ type: 'IMAGE' }],
  execute: ({ mask }) => [maskToImage(mask)],
};

export const imageToMaskNode: NodeDefinition = {
  ...MASK_NODE,
  name: 'ImageToMask',
  displayName: 'Convert Image to Mask',
  inputs: { required: { image: v3Socket('IMAGE'), channel: v3Combo(CHANNELS) } },
  outputs: [{ type: 'MASK' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const channel = CHANNELS.indexOf(requireChoice('channel', inputs.channel, CHANNELS));
    const [b, h, w, c] = image.shape as [number, number, number, number];
    if (channel >= c) throw new Error(`ImageToMask: the image has ${c} channels, so it has no ${inputs.channel} channel`);
    const out = new Tensor([b, h, w]);
    for (let i = 0, j = channel; i < out.size; i++, j += c) out.data[i] = image.data[j]!;
    return [out];
  },
};

export const imageColorToMaskNode: NodeDefinition = {
  ...MASK_NODE,
  name: 'ImageColorToMask',
  inputs: {
    required: { image: v3Socket('IMAGE'), color: v3Int({ default: 0, min: 0, max: 0xffffff, step: 1, display: 'number' }) },
  },
  outputs: [{ type: 'MASK' }],
  execute(inputs) {
    const image = requireImage('image', inputs.image);
    const color = requireInt('color', inputs.color, 0, 0xffffff);
    const [b, h, w, c] = image.shape as [number, number, number, number];
    if (c < 3) throw new Error(`ImageColorToMask: the image needs 3 colour channels, it has ${c}`);
    const out = new Tensor([b, h, w]);
    const src = image.data;
    // 8-bit value as ComfyUI computes it: round(clamp(x, 0, 1) * 255) in float32, half to even.
    const byte = (v: number) => roundHalfEven(Math.fround(Math.min(Math.max(v, 0), 1) * 255));
    for (let i = 0, j = 0; i < out.size; i++, j += c) {
      const rgb = byte(src[j]!) * 65536 + byte(src[j + 1]!) * 256 + byte(src[j + 2]!);
      out.data[i] = rgb === color ? 1 : 0;
    }
    return [out];
  },
};
