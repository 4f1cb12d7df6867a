// SaveTrainingDataset / LoadTrainingDataset (nodes_dataset.py): the encoded dataset (one latent dict and one
// conditioning per sample) is split into `output/<folder>/shard_<NNNN>.pkl` files of `shard_size` samples plus a
// metadata.json {num_samples, num_shards, shard_size}; loading concatenates every shard in name order.
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { writeFileAtomic } from '../../storage/atomic-write.ts';
import path from 'node:path';
import type { NodeDefinition, NodeServices } from '../node-definition.ts';
import { requireInt, requireString } from '../utils/node-args.ts';
import { V3_OUTPUT_HIDDEN, v3Int, v3Socket, v3String } from '../utils/v3-io.ts';
import { DATASET_MODULE } from './dataset-node.ts';
import { readShard, writeShard } from './training-dataset-shards.ts';

const SHARD_EXTENSION = '.pkl';
const MAX_SHARD_SIZE = 100000;

const folderNameInput = (tooltip: string) => v3String({ default: 'training_dataset', tooltip });

/** output/<name>, refusing names that leave output/ or name output/ itself. */
function datasetDir(services: NodeServices, folderName: unknown): string {
  const name = requireString('folder_name', folderName);
  const root = services.paths.outputDir;
  const dir = services.paths.resolveInside(root, name);
  if (!dir || path.resolve(dir) === path.resolve(root)) throw new Error(`Invalid folder name ${JSON.stringify(name)}: resolves outside of ${root}`);
  return dir;
}

/** An INPUT_IS_LIST widget value: its first element. */
const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);

export const saveTrainingDataset: NodeDefinition = {
  name: 'SaveTrainingDataset',
  schemaFormat: 'v3',
  displayName: 'Save Training Dataset',
  pythonModule: DATASET_MODULE,
  category: 'dataset',
  experimental: true,
  outputNode: true,
  inputIsList: true,
  inputs: {
    required: {
      latents: v3Socket('LATENT', { tooltip: 'List of latent dicts from MakeTrainingDataset.' }),
      conditioning: v3Socket('CONDITIONING', { tooltip: 'List of conditioning lists from MakeTrainingDataset.' }),
      folder_name: folderNameInput('Name of folder to save dataset (inside output directory).'),
      shard_size: v3Int({ default: 1000, min: 1, max: MAX_SHARD_SIZE, tooltip: 'Number of samples per shard file.' }),
    },
    hidden: { ...V3_OUTPUT_HIDDEN },
  },
  outputs: [],
  async execute(inputs, ctx) {
    const latents = inputs.latents as unknown[];
    const conditioning = inputs.conditioning as unknown[];
    if (!Array.isArray(latents) || !Array.isArray(conditioning)) throw new Error('latents and conditioning must be lists');
    if (latents.length !== conditioning.length) {
      throw new Error(`Number of latents (${latents.length}) does not match number of conditions (${conditioning.length}). Something went wrong in dataset preparation.`);
    }
    const shardSize = requireInt('shard_size', first(inputs.shard_size), 1, MAX_SHARD_SIZE);
    const dir = datasetDir(ctx.services, first(inputs.folder_name));
    await mkdir(dir, { recursive: true });
    const numShards = Math.ceil(latents.length / shardSize);
    for (let shard = 0; shard < numShards; shard++) {
      ctx.checkInterrupted();
      const start = shard * shardSize;
      const file = path.join(dir, `shard_${String(shard).padStart(4, '0')}${SHARD_EXTENSION}`);
      await writeShard(file, { latents: latents.slice(start, start + shardSize), conditioning: conditioning.slice(start, start + shardSize) });
    }
    const metadata = { num_samples: latents.length, num_shards: numShards, shard_size: shardSize };
    await writeFileAtomic(path.join(dir, 'metadata.json'), JSON.stringify(metadata, null, 2));
    return [];
  },
};

export const loadTrainingDataset: NodeDefinition = {
  name: 'LoadTrainingDataset',
  schemaFormat: 'v3',
  displayName: 'Load Training Dataset',
  pythonModule: DATASET_MODULE,
  category: 'dataset',
  experimental: true,
  inputs: {
    required: { folder_name: folderNameInput('Name of folder containing the saved dataset (inside output directory).') },
  },
  outputs: [
    { type: 'LATENT', name: 'latents', isList: true, tooltip: 'List of latent dicts' },
    { type: 'CONDITIONING', name: 'conditioning', isList: true, tooltip: 'List of conditioning lists' },
  ],
  async execute(inputs, ctx) {
    const dir = datasetDir(ctx.services, inputs.folder_name);
    if (!existsSync(dir)) throw new Error(`Dataset directory not found: ${dir}`);
    const shards = (await readdir(dir)).filter((f) => f.startsWith('shard_') && f.endsWith(SHARD_EXTENSION)).sort();
    if (shards.length === 0) throw new Error(`No shard files found in ${dir}`);
    const latents: unknown[] = [];
    const conditioning: unknown[] = [];
    for (const name of shards) {
      ctx.checkInterrupted();
      const shard = await readShard(path.join(dir, name));
      latents.push(...shard.latents);
      conditioning.push(...shard.conditioning);
    }
    return [latents, conditioning];
  },
};
