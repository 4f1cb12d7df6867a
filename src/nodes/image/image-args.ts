// Checks shared by the image nodes, on top of utils/node-args.ts.
import type { Tensor } from '../../inference/tensor.ts';
import { MAX_TENSOR_VALUES } from '../utils/node-args.ts';

/** Refuses a resize target that is empty or would allocate more than MAX_TENSOR_VALUES floats. */
export function checkImageSize(node: string, image: Tensor, width: number, height: number): void {
  const [b, , , c] = image.shape as [number, number, number, number];
  if (width < 1 || height < 1) throw new Error(`${node}: the result would be ${width}x${height} pixels; both sides must be at least 1`);
  if (b * c * width * height > MAX_TENSOR_VALUES) {
    throw new Error(`${node}: a ${b}x${height}x${width}x${c} result is too large (limit ${MAX_TENSOR_VALUES} values)`);
  }
}

/** Batch item `i` of an IMAGE, with ComfyUI's broadcasting rule for a batch of 1. */
export function itemOffset(t: Tensor, i: number): number {
  const b = t.shape[0]!;
  return (b === 1 ? 0 : i) * (t.size / b);
}
