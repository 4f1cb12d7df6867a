// Shard files of SaveTrainingDataset/LoadTrainingDataset in ComfyUI's own format: `torch.save` of
// {"latents": [latent dicts], "conditioning": [conditionings]}, so either program reads the other's datasets.
// Tensors are written as float32 torch tensors; reading goes through the restricted torch unpickler (what
// `torch.load(weights_only=True)` accepts), tensors of any float dtype coming back as float32.
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Tensor } from '../../inference/tensor.ts';
import { openTorchFile } from '../../inference/files/torch-pickle.ts';
import { writeTorchFile, type TorchValue } from '../../inference/files/torch-writer.ts';
import type { TensorRef } from '../../inference/files/weight-file.ts';

export interface ShardData {
  latents: unknown[];
  conditioning: unknown[];
}

/** `value` as the pickle writer takes it; rejects what torch.load(weights_only=True) could not read back. */
function toTorchValue(value: unknown, where: string): TorchValue {
  if (value instanceof Tensor) {
    return { dtype: 'F32', shape: value.shape, data: new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength) };
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${where}: the non-finite number ${value} cannot be saved`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => toTorchValue(v, `${where}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toTorchValue(v, `${where}.${k}`)]));
  }
  throw new Error(`${where}: a value of type ${value?.constructor?.name ?? typeof value} cannot be saved in a training dataset`);
}

export async function writeShard(file: string, shard: ShardData): Promise<void> {
  const root = { latents: toTorchValue(shard.latents, 'latents'), conditioning: toTorchValue(shard.conditioning, 'conditioning') };
  // Written beside the target and renamed into place, so a failed save never leaves a half-written shard.
  const partial = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`);
  try {
    await writeTorchFile(partial, root);
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}

const isTensorRef = (v: unknown): v is TensorRef => typeof v === 'object' && v !== null && 'dtype' in v && 'byteLength' in v && 'offset' in v;

export async function readShard(file: string): Promise<ShardData> {
  const torchFile = await openTorchFile(file);
  // Dicts come back as Maps (keys in order), tuples as arrays; tensors as float32 Tensors.
  const decode = async (value: unknown): Promise<unknown> => {
    if (isTensorRef(value)) return new Tensor(value.shape, await torchFile.readFloat32(value));
    if (Array.isArray(value)) return Promise.all(value.map(decode));
    if (value instanceof Map) {
      const entries = await Promise.all([...value].map(async ([k, v]) => [String(k), await decode(v)] as const));
      return Object.fromEntries(entries);
    }
    return value;
  };
  const decoded = (await decode(torchFile.root)) as Partial<ShardData> | null;
  if (!decoded || typeof decoded !== 'object' || !Array.isArray(decoded.latents) || !Array.isArray(decoded.conditioning)) {
    throw new Error(`${file}: the shard must hold "latents" and "conditioning" lists`);
  }
  return { latents: decoded.latents, conditioning: decoded.conditioning };
}
