// Shard files of SaveTrainingDataset/LoadTrainingDataset. ComfyUI torch-pickles each shard; we store the same
// {latents, conditioning} structure as `.safetensors`: every tensor becomes an F32 entry `t<n>`, and the structure
// around them (latent dicts, [tensor, options] pairs, plain JSON values) is JSON in the `dataset` metadata key,
// with each tensor written as {"__tensor__": "t<n>"}.
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Tensor } from '../../inference/tensor.ts';
import { openSafetensors } from '../../inference/files/safetensors.ts';
import { writeSafetensors, type TensorToWrite } from '../../inference/files/safetensors-writer.ts';

export interface ShardData {
  latents: unknown[];
  conditioning: unknown[];
}

const STRUCTURE_KEY = 'dataset';
const TENSOR_MARK = '__tensor__';

/** The JSON structure of `value` with its tensors pulled out into `tensors`; rejects what cannot round-trip. */
function encode(value: unknown, tensors: TensorToWrite[], where: string): unknown {
  if (value instanceof Tensor) {
    const name = `t${tensors.length}`;
    const bytes = new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength);
    tensors.push({ name, dtype: 'F32', shape: value.shape, data: bytes });
    return { [TENSOR_MARK]: name };
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${where}: the non-finite number ${value} cannot be saved`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => encode(v, tensors, `${where}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v, tensors, `${where}.${k}`)]));
  }
  throw new Error(`${where}: a value of type ${value?.constructor?.name ?? typeof value} cannot be saved in a training dataset`);
}

export async function writeShard(file: string, shard: ShardData): Promise<void> {
  const tensors: TensorToWrite[] = [];
  const structure = { latents: encode(shard.latents, tensors, 'latents'), conditioning: encode(shard.conditioning, tensors, 'conditioning') };
  // Written beside the target and renamed into place, so a failed save never leaves a half-written shard.
  const partial = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`);
  try {
    await writeSafetensors(partial, tensors, { [STRUCTURE_KEY]: JSON.stringify(structure) });
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}

export async function readShard(file: string): Promise<ShardData> {
  const weights = await openSafetensors(file);
  const text = weights.metadata[STRUCTURE_KEY];
  if (text === undefined) throw new Error(`${file}: not a training dataset shard (no "${STRUCTURE_KEY}" metadata)`);
  let structure: unknown;
  try {
    structure = JSON.parse(text);
  } catch {
    throw new Error(`${file}: the "${STRUCTURE_KEY}" metadata is not valid JSON`);
  }
  const decode = async (value: unknown): Promise<unknown> => {
    if (Array.isArray(value)) return Promise.all(value.map(decode));
    if (value === null || typeof value !== 'object') return value;
    const mark = (value as Record<string, unknown>)[TENSOR_MARK];
    if (typeof mark === 'string') {
      const ref = weights.tensors.get(mark);
      if (!ref) throw new Error(`${file}: tensor "${mark}" is missing`);
      return new Tensor(ref.shape, await weights.readFloat32(ref));
    }
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await decode(v)] as const));
    return Object.fromEntries(entries);
  };
  const decoded = (await decode(structure)) as Partial<ShardData> | null;
  if (!decoded || !Array.isArray(decoded.latents) || !Array.isArray(decoded.conditioning)) {
    throw new Error(`${file}: the shard must hold "latents" and "conditioning" lists`);
  }
  return { latents: decoded.latents, conditioning: decoded.conditioning };
}
