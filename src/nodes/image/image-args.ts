// Checks shared by the image nodes, on top of utils/node-args.ts.
import { Tensor } from '../../inference/tensor.ts';
import { MAX_TENSOR_VALUES } from '../utils/node-args.ts';

/** Refuses a resize target that is empty or would allocate more than MAX_TENSOR_VALUES floats. */
export function checkImageSize(node: string, image: Tensor, width: number, height: number): void {
  const [b, , , c] = image.shape as [number, number, number, number];
  if (width < 1 || height < 1) throw new Error(`${node}: the result would be ${width}x${height} pixels; both sides must be at least 1`);
  if (b * c * width * height > MAX_TENSOR_VALUES) {
    throw new Error(`${node}: a ${b}x${height}x${width}x${c} result is too large (limit ${MAX_TENSOR_VALUES} values)`);
  }
}

/**
 * node_helpers.image_alpha_fix(destination, source): a source with more channels loses the extra ones; a
 * destination with more channels gets one more channel of 1.0 (ComfyUI pads the destination, not the source,
 * so RGBA over RGB then fails on the channel mismatch, as it does there).
 */
export function imageAlphaFix(destination: Tensor, source: Tensor): [Tensor, Tensor] {
  const [b, h, w, dc] = destination.shape as [number, number, number, number];
  const sc = source.shape[3]!;
  if (dc < sc) {
    const [sb, sh, sw] = source.shape as [number, number, number, number];
    const out = new Tensor([sb, sh, sw, dc]);
    for (let p = 0, n = sb * sh * sw; p < n; p++) for (let k = 0; k < dc; k++) out.data[p * dc + k] = source.data[p * sc + k]!;
    return [destination, out];
  }
  if (dc > sc) {
    const out = new Tensor([b, h, w, dc + 1]);
    for (let p = 0, n = b * h * w; p < n; p++) {
      for (let k = 0; k < dc; k++) out.data[p * (dc + 1) + k] = destination.data[p * dc + k]!;
      out.data[p * (dc + 1) + dc] = 1;
    }
    return [out, source];
  }
  return [destination, source];
}
