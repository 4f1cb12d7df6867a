// /object_info entries of the comfy_extras image nodes: nodes.md §3 tables in the V3 format (changes-0.8.0.md §7,
// §8.3–§8.4: combos as COMBO with options, hidden inputs as one-element arrays, display_name null unless set,
// ImageScaleToTotalPixels' new resolution_steps, BatchImagesNode's autogrow input).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combo, float, info, int, UPSCALE, v3Info } from './helpers.ts';

const IMG = ['IMAGE', {}];
const PP = 'comfy_extras.nodes_post_processing';
const IM = 'comfy_extras.nodes_images';
const R = 16384;

test('nodes_post_processing: ImageBlend, ImageBlur, ImageSharpen, ImageScaleToTotalPixels, BatchImagesNode', () => {
  assert.deepEqual(info('ImageBlend'), v3Info('ImageBlend', 'image/postprocessing', PP, {
    required: {
      image1: IMG, image2: IMG,
      blend_factor: float({ default: 0.5, min: 0.0, max: 1.0, step: 0.01 }),
      blend_mode: combo(['normal', 'multiply', 'screen', 'overlay', 'soft_light', 'difference']),
    },
  }, { required: ['image1', 'image2', 'blend_factor', 'blend_mode'] }, ['IMAGE']));
  assert.deepEqual(info('ImageBlur'), v3Info('ImageBlur', 'image/postprocessing', PP, {
    required: { image: IMG, blur_radius: int({ default: 1, min: 1, max: 31, step: 1 }), sigma: float({ default: 1.0, min: 0.1, max: 10.0, step: 0.1 }) },
  }, { required: ['image', 'blur_radius', 'sigma'] }, ['IMAGE']));
  assert.deepEqual(info('ImageSharpen'), v3Info('ImageSharpen', 'image/postprocessing', PP, {
    required: {
      image: IMG,
      sharpen_radius: int({ default: 1, min: 1, max: 31, step: 1 }),
      sigma: float({ default: 1.0, min: 0.1, max: 10.0, step: 0.01 }),
      alpha: float({ default: 1.0, min: 0.0, max: 5.0, step: 0.01 }),
    },
  }, { required: ['image', 'sharpen_radius', 'sigma', 'alpha'] }, ['IMAGE']));
  assert.deepEqual(info('ImageScaleToTotalPixels'), v3Info('ImageScaleToTotalPixels', 'image/upscaling', PP, {
    required: {
      image: IMG,
      upscale_method: combo(UPSCALE),
      megapixels: float({ default: 1.0, min: 0.01, max: 16.0, step: 0.01 }),
      resolution_steps: int({ default: 1, min: 1, max: 256 }),
    },
  }, { required: ['image', 'upscale_method', 'megapixels', 'resolution_steps'] }, ['IMAGE']));
  assert.deepEqual(info('BatchImagesNode'), v3Info('BatchImagesNode', 'image', PP, {
    required: { images: ['COMFY_AUTOGROW_V3', { template: { input: { required: { image: IMG } }, prefix: 'image', min: 2, max: 50 } }] },
  }, { required: ['images'] }, ['IMAGE'], { display_name: 'Batch Images' }));
});

test('nodes_mask and nodes_rebatch: ImageCompositeMasked, RebatchImages', () => {
  assert.deepEqual(info('ImageCompositeMasked'), v3Info('ImageCompositeMasked', 'image', 'comfy_extras.nodes_mask', {
    required: {
      destination: IMG, source: IMG,
      x: int({ default: 0, min: 0, max: R, step: 1 }),
      y: int({ default: 0, min: 0, max: R, step: 1 }),
      resize_source: ['BOOLEAN', { default: false }],
    },
    optional: { mask: ['MASK', {}] },
  }, { required: ['destination', 'source', 'x', 'y', 'resize_source'], optional: ['mask'] }, ['IMAGE']));
  const rebatch = info('RebatchImages');
  assert.deepEqual(rebatch, v3Info('RebatchImages', 'image/batch', 'comfy_extras.nodes_rebatch', {
    required: { images: IMG, batch_size: int({ default: 1, min: 1, max: 4096 }) },
  }, { required: ['images', 'batch_size'] }, ['IMAGE'], { display_name: 'Rebatch Images', output_is_list: [true] }));
});

test('nodes_images: crop, batch, noise, transforms, size, max dimension', () => {
  const req = (input: Record<string, unknown>) => ({ required: input });
  const order = (input: Record<string, unknown>) => ({ required: Object.keys(input) });
  const cases: [string, string, Record<string, unknown>, string[], Record<string, unknown>?][] = [
    ['ImageCrop', 'image/transform', {
      image: IMG, width: int({ default: 512, min: 1, max: R, step: 1 }), height: int({ default: 512, min: 1, max: R, step: 1 }),
      x: int({ default: 0, min: 0, max: R, step: 1 }), y: int({ default: 0, min: 0, max: R, step: 1 }),
    }, ['IMAGE'], { display_name: 'Image Crop' }],
    ['RepeatImageBatch', 'image/batch', { image: IMG, amount: int({ default: 1, min: 1, max: 4096 }) }, ['IMAGE']],
    ['ImageFromBatch', 'image/batch', { image: IMG, batch_index: int({ default: 0, min: 0, max: 4095 }), length: int({ default: 1, min: 1, max: 4096 }) }, ['IMAGE']],
    ['ImageAddNoise', 'image', {
      image: IMG,
      seed: int({ default: 0, min: 0, max: 18446744073709551615n, control_after_generate: true }),
      strength: float({ default: 0.5, min: 0.0, max: 1.0, step: 0.01 }),
    }, ['IMAGE']],
    ['ResizeAndPadImage', 'image/transform', {
      image: IMG, target_width: int({ default: 512, min: 1, max: R, step: 1 }), target_height: int({ default: 512, min: 1, max: R, step: 1 }),
      padding_color: combo(['white', 'black']), interpolation: combo(['area', 'bicubic', 'nearest-exact', 'bilinear', 'lanczos']),
    }, ['IMAGE']],
    ['ImageRotate', 'image/transform', { image: IMG, rotation: combo(['none', '90 degrees', '180 degrees', '270 degrees']) }, ['IMAGE']],
    ['ImageFlip', 'image/transform', { image: IMG, flip_method: combo(['x-axis: vertically', 'y-axis: horizontally']) }, ['IMAGE']],
    ['ImageScaleToMaxDimension', 'image/upscaling', {
      image: IMG, upscale_method: combo(['area', 'lanczos', 'bilinear', 'nearest-exact', 'bilinear', 'bicubic']),
      largest_size: int({ default: 512, min: 0, max: R, step: 1 }),
    }, ['IMAGE']],
  ];
  for (const [name, category, input, outputs, extra] of cases) {
    assert.deepEqual(info(name), v3Info(name, category, IM, req(input), order(input), outputs, extra), name);
  }
  const stitch = {
    required: {
      image1: IMG,
      direction: combo(['right', 'down', 'left', 'up'], { default: 'right' }),
      match_image_size: ['BOOLEAN', { default: true }],
      spacing_width: int({ default: 0, min: 0, max: 1024, step: 2 }),
      spacing_color: combo(['white', 'black', 'red', 'green', 'blue'], { default: 'white' }),
    },
    optional: { image2: IMG },
  };
  assert.deepEqual(info('ImageStitch'), v3Info('ImageStitch', 'image/transform', IM, stitch,
    { required: ['image1', 'direction', 'match_image_size', 'spacing_width', 'spacing_color'], optional: ['image2'] }, ['IMAGE'], { display_name: 'Image Stitch' }));
  assert.deepEqual(info('GetImageSize'), {
    ...v3Info('GetImageSize', 'image', IM, { required: { image: IMG }, hidden: { unique_id: ['UNIQUE_ID'] } },
      { required: ['image'], hidden: ['unique_id'] }, ['INT', 'INT', 'INT'], { display_name: 'Get Image Size' }),
    output_name: ['width', 'height', 'batch_size'],
  });
});

test('nodes_images: animated save nodes are V3 output nodes with hidden prompt/extra_pnginfo', () => {
  const hidden = { prompt: ['PROMPT'], extra_pnginfo: ['EXTRA_PNGINFO'] };
  const base = { images: IMG, filename_prefix: ['STRING', { default: 'ComfyUI', multiline: false }], fps: float({ default: 6.0, min: 0.01, max: 1000.0, step: 0.01 }) };
  const webp = { ...base, lossless: ['BOOLEAN', { default: true }], quality: int({ default: 80, min: 0, max: 100 }), method: combo(['default', 'fastest', 'slowest']) };
  assert.deepEqual(info('SaveAnimatedWEBP'), v3Info('SaveAnimatedWEBP', 'image/animation', IM, { required: webp, hidden },
    { required: Object.keys(webp), hidden: ['prompt', 'extra_pnginfo'] }, [], { output_node: true }));
  const png = { ...base, compress_level: int({ default: 4, min: 0, max: 9 }) };
  assert.deepEqual(info('SaveAnimatedPNG'), v3Info('SaveAnimatedPNG', 'image/animation', IM, { required: png, hidden },
    { required: Object.keys(png), hidden: ['prompt', 'extra_pnginfo'] }, [], { output_node: true }));
});

test('V1 loaders: LoadImageOutput (experimental, remote combo) and WebcamCapture', () => {
  const v1 = (name: string, display: string, module: string, input: any, output: string[], extra: any = {}) => ({
    input, input_order: { required: Object.keys(input.required) }, output, output_is_list: output.map(() => false), output_name: output,
    name, display_name: display, python_module: module, category: 'image', output_node: false, ...extra,
  });
  assert.deepEqual(info('LoadImageOutput'), v1('LoadImageOutput', 'Load Image (from Outputs)', 'nodes', {
    required: { image: ['COMBO', { image_upload: true, image_folder: 'output', remote: { route: '/internal/files/output', refresh_button: true, control_after_refresh: 'first' } }] },
  }, ['IMAGE', 'MASK'], { experimental: true }));
  assert.deepEqual(info('WebcamCapture'), v1('WebcamCapture', 'Webcam Capture', 'comfy_extras.nodes_webcam', {
    required: {
      image: ['WEBCAM', {}],
      width: ['INT', { default: 0, min: 0, max: R, step: 1 }],
      height: ['INT', { default: 0, min: 0, max: R, step: 1 }],
      capture_on_queue: ['BOOLEAN', { default: true }],
    },
  }, ['IMAGE']));
});

test('SaveSVGNode schema', () => {
  assert.deepEqual(info('SaveSVGNode'), v3Info('SaveSVGNode', 'image/save', IM, {
    required: { svg: ['SVG', {}], filename_prefix: ['STRING', { default: 'svg/ComfyUI', multiline: false }] },
    hidden: { prompt: ['PROMPT'], extra_pnginfo: ['EXTRA_PNGINFO'] },
  }, { required: ['svg', 'filename_prefix'], hidden: ['prompt', 'extra_pnginfo'] }, [], { output_node: true }));
});
