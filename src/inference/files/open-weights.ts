// Opens any weight file by its content, not its extension: safetensors (8-byte length + JSON object), or a torch
// zip checkpoint (.ckpt/.pt/.pth/.bin). Legacy (pre-zip) torch pickles are named as such.
import { open } from 'node:fs/promises';
import { openSafetensors } from './safetensors.ts';
import { openTorchFile } from './torch-pickle.ts';
import type { WeightFile } from './weight-file.ts';

export type WeightFormat = 'safetensors' | 'torch-zip' | 'torch-legacy' | 'unknown';

export async function sniffWeightFormat(path: string): Promise<WeightFormat> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'torch-zip';
    // Safetensors first: its little-endian header length may itself begin with the pickle marker 0x80.
    if (bytesRead >= 9) {
      // The JSON header may start with spaces in hand-written files.
      let i = 8;
      while (i < bytesRead && head[i] === 0x20) i++;
      if (head[i] === 0x7b && head.readBigUInt64LE(0) > 0n) return 'safetensors';
    }
    if (bytesRead >= 2 && head[0] === 0x80 && head[1]! >= 2) return 'torch-legacy';
    return 'unknown';
  } finally {
    await handle.close();
  }
}

export async function openWeights(path: string): Promise<WeightFile> {
  const format = await sniffWeightFormat(path);
  switch (format) {
    case 'safetensors':
      return openSafetensors(path);
    case 'torch-zip':
      return openTorchFile(path);
    case 'torch-legacy':
      throw new Error(`${path}: legacy (pre-zip, PyTorch < 1.6) torch files are not supported; re-save it as .safetensors`);
    default:
      throw new Error(`${path}: not a weights file this program can read (expected .safetensors or a torch zip checkpoint)`);
  }
}
