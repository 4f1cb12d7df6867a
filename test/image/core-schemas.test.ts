// The /object_info entries of the nodes.py image nodes, written from nodes.md §2 (V1 format) and
// changes-0.8.0.md §8.4 (ImageBatch deprecated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { info, UPSCALE } from './helpers.ts';

const V1 = (name: string, display: string, category: string, input: any, inputOrder: any, output: string[], extra: any = {}) => ({
  input,
  input_order: inputOrder,
  output,
  output_is_list: output.map(() => false),
  output_name: output,
  name,
  display_name: display,
  python_module: 'nodes',
  category,
  output_node: false,
  ...extra,
});

test('SaveImage and PreviewImage schemas', () => {
  assert.deepEqual(info('SaveImage'), V1('SaveImage', 'Save Image', 'image', {
    required: { images: ['IMAGE', {}], filename_prefix: ['STRING', { default: 'ComfyUI' }] },
    hidden: { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' },
  }, { required: ['images', 'filename_prefix'], hidden: ['prompt', 'extra_pnginfo'] }, [], { output_node: true }));
  assert.deepEqual(info('PreviewImage'), V1('PreviewImage', 'Preview Image', 'image', {
    required: { images: ['IMAGE'] },
    hidden: { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' },
  }, { required: ['images'], hidden: ['prompt', 'extra_pnginfo'] }, [], { output_node: true }));
});

test('LoadImage and LoadImageMask schemas (empty input folder: no registry services)', () => {
  assert.deepEqual(info('LoadImage'), V1('LoadImage', 'Load Image', 'image',
    { required: { image: [[], { image_upload: true }] } }, { required: ['image'] }, ['IMAGE', 'MASK']));
  assert.deepEqual(info('LoadImageMask'), V1('LoadImageMask', 'Load Image (as Mask)', 'mask',
    { required: { image: [[], { image_upload: true }], channel: [['alpha', 'red', 'green', 'blue']] } },
    { required: ['image', 'channel'] }, ['MASK']));
});

test('ImageScale, ImageScaleBy schemas', () => {
  assert.deepEqual(info('ImageScale'), V1('ImageScale', 'Upscale Image', 'image/upscaling', {
    required: {
      image: ['IMAGE'],
      upscale_method: [UPSCALE],
      width: ['INT', { default: 512, min: 0, max: 16384, step: 1 }],
      height: ['INT', { default: 512, min: 0, max: 16384, step: 1 }],
      crop: [['disabled', 'center']],
    },
  }, { required: ['image', 'upscale_method', 'width', 'height', 'crop'] }, ['IMAGE']));
  assert.deepEqual(info('ImageScaleBy'), V1('ImageScaleBy', 'Upscale Image By', 'image/upscaling', {
    required: { image: ['IMAGE'], upscale_method: [UPSCALE], scale_by: ['FLOAT', { default: 1.0, min: 0.01, max: 8.0, step: 0.01 }] },
  }, { required: ['image', 'upscale_method', 'scale_by'] }, ['IMAGE']));
});

test('ImageInvert, ImageBatch, ImagePadForOutpaint, EmptyImage schemas', () => {
  assert.deepEqual(info('ImageInvert'), V1('ImageInvert', 'Invert Image', 'image', { required: { image: ['IMAGE'] } }, { required: ['image'] }, ['IMAGE']));
  assert.deepEqual(info('ImageBatch'), V1('ImageBatch', 'Batch Images', 'image',
    { required: { image1: ['IMAGE'], image2: ['IMAGE'] } }, { required: ['image1', 'image2'] }, ['IMAGE'], { deprecated: true }));
  const pad = { default: 0, min: 0, max: 16384, step: 8 };
  assert.deepEqual(info('ImagePadForOutpaint'), V1('ImagePadForOutpaint', 'Pad Image for Outpainting', 'image', {
    required: {
      image: ['IMAGE'], left: ['INT', pad], top: ['INT', pad], right: ['INT', pad], bottom: ['INT', pad],
      feathering: ['INT', { default: 40, min: 0, max: 16384, step: 1 }],
    },
  }, { required: ['image', 'left', 'top', 'right', 'bottom', 'feathering'] }, ['IMAGE', 'MASK']));
  assert.deepEqual(info('EmptyImage'), V1('EmptyImage', 'EmptyImage', 'image', {
    required: {
      width: ['INT', { default: 512, min: 1, max: 16384, step: 1 }],
      height: ['INT', { default: 512, min: 1, max: 16384, step: 1 }],
      batch_size: ['INT', { default: 1, min: 1, max: 4096 }],
      color: ['INT', { default: 0, min: 0, max: 16777215, step: 1, display: 'color' }],
    },
  }, { required: ['width', 'height', 'batch_size', 'color'] }, ['IMAGE']));
});
