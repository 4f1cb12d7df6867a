// comfy_extras/nodes_latent.py's reshape_latent_to: bring a second latent to the first one's shape (bilinear,
// centre crop) and, optionally, to its batch size.
import { commonUpscale } from '../../imaging/resize.ts';
import type { Tensor } from '../../inference/tensor.ts';
import { repeatToBatchSize } from '../utils/tensor-ops.ts';

export function reshapeLatentTo(target: readonly number[], latent: Tensor, repeatBatch = true): Tensor {
  let out = latent;
  const sameInner = latent.rank === target.length && latent.shape.every((s, i) => i === 0 || s === target[i]);
  if (!sameInner) {
    if (latent.rank !== target.length) {
      throw new Error(`cannot combine latents of shapes [${target.join(', ')}] and [${latent.shape.join(', ')}]`);
    }
    const channelsDiffer = latent.shape.slice(1, -2).some((s, i) => s !== target[i + 1]);
    if (channelsDiffer) {
      throw new Error(`cannot combine latents of shapes [${target.join(', ')}] and [${latent.shape.join(', ')}]: channel counts differ`);
    }
    out = commonUpscale(latent, target[target.length - 1]!, target[target.length - 2]!, 'bilinear', 'center');
  }
  return repeatBatch ? repeatToBatchSize(out, target[0]!) : out;
}
