// comfy_extras/nodes_train.py's LossGraphNode, then nodes_dataset.py's model-free dataset nodes (MakeTrainingDataset
// needs a VAE and a CLIP).
import type { NodeDefinition } from '../node-definition.ts';
import {
  loadImageDataSetFromFolder, loadImageTextDataSetFromFolder, saveImageDataSetToFolder, saveImageTextDataSetToFolder,
} from './dataset-folders.ts';
import {
  adjustBrightness, adjustContrast, centerCropImages, normalizeImages, randomCropImages, resizeImagesByLongerEdge,
  resizeImagesByShorterEdge,
} from './image-transforms.ts';
import { imageDeduplication, imageGrid, mergeImageLists, shuffleDataset, shuffleImageTextDataset } from './list-nodes.ts';
import { lossGraphNode } from './loss-graph.ts';
import { resolutionBucket } from './resolution-bucket.ts';
import { loadTrainingDataset, saveTrainingDataset } from './training-dataset.ts';
import {
  addTextPrefix, addTextSuffix, mergeTextLists, replaceText, stripWhitespace, textToLowercase, textToUppercase, truncateText,
} from './text-transforms.ts';

export const datasetNodes: NodeDefinition[] = [
  lossGraphNode, loadImageDataSetFromFolder, loadImageTextDataSetFromFolder, saveImageDataSetToFolder, saveImageTextDataSetToFolder,
  resizeImagesByShorterEdge, resizeImagesByLongerEdge, centerCropImages, randomCropImages, normalizeImages,
  adjustBrightness, adjustContrast, shuffleDataset, shuffleImageTextDataset,
  textToLowercase, textToUppercase, truncateText, addTextPrefix, addTextSuffix, replaceText, stripWhitespace,
  imageDeduplication, imageGrid, mergeImageLists, mergeTextLists, saveTrainingDataset, loadTrainingDataset, resolutionBucket,
];
