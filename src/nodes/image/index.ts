// The image nodes, in ComfyUI's registration order (nodes.py, then the comfy_extras files in load order).
import type { NodeDefinition } from '../node-definition.ts';
import { loadImage, loadImageMask, loadImageOutput, webcamCapture } from './load-image.ts';
import { previewImage, saveImage } from './save-image.ts';
import { imageScale, imageScaleBy, imageScaleToMaxDimension, imageScaleToTotalPixels } from './scale.ts';
import { emptyImage, imageBatch, imageInvert, imagePadForOutpaint } from './basic.ts';
import { imageBlend, imageBlur, imageQuantize, imageSharpen } from './filters.ts';
import { batchImagesNode, imageFromBatch, rebatchImages, repeatImageBatch } from './batch.ts';
import { getImageSize, imageAddNoise, imageCompositeMasked } from './misc.ts';
import { imageCrop, imageFlip, imageRotate, imageStitch, resizeAndPadImage } from './transform.ts';
import { saveAnimatedPng, saveAnimatedWebp } from './animated.ts';
import { resizeImageMaskNode } from './resize-image-mask.ts';
import { saveSvgNode } from './save-svg.ts';
import { canny, imageRgbToYuv, imageYuvToRgb, morphologyNode } from './morphology.ts';

export const imageNodes: NodeDefinition[] = [
  // nodes.py
  saveImage,
  previewImage,
  loadImage,
  loadImageMask,
  loadImageOutput,
  imageScale,
  imageScaleBy,
  imageInvert,
  imageBatch,
  imagePadForOutpaint,
  emptyImage,
  // comfy_extras/nodes_post_processing.py
  imageBlend,
  imageBlur,
  imageQuantize,
  imageSharpen,
  imageScaleToTotalPixels,
  resizeImageMaskNode,
  batchImagesNode,
  // comfy_extras/nodes_mask.py
  imageCompositeMasked,
  // comfy_extras/nodes_rebatch.py
  rebatchImages,
  // comfy_extras/nodes_canny.py
  canny,
  // comfy_extras/nodes_images.py
  imageCrop,
  repeatImageBatch,
  imageFromBatch,
  imageAddNoise,
  saveAnimatedWebp,
  saveAnimatedPng,
  saveSvgNode,
  imageStitch,
  resizeAndPadImage,
  getImageSize,
  imageRotate,
  imageFlip,
  imageScaleToMaxDimension,
  // comfy_extras/nodes_morphology.py
  morphologyNode,
  imageRgbToYuv,
  imageYuvToRgb,
  // comfy_extras/nodes_webcam.py
  webcamCapture,
];
