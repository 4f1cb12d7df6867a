// SIGMAS values: a 1-D float32 tensor of noise levels. The sampling code works on Float64Array holding
// float32 values; these convert between the two and check inputs.
import { Tensor } from '../../../inference/tensor.ts';
import { isTensor } from '../../utils/node-args.ts';

/** torch.FloatTensor(values): a float32 [n] tensor. */
export function sigmasTensor(values: ArrayLike<number>): Tensor {
  return new Tensor([values.length], Float32Array.from(values));
}

/** Checks a SIGMAS input (a 1-D tensor) and returns its values. */
export function requireSigmas(name: string, value: unknown): Float64Array {
  if (!isTensor(value) || value.rank !== 1) throw new Error(`${name} must be a SIGMAS tensor (1-D)`);
  return Float64Array.from(value.data);
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Python's `seq[-n:]` for n ≥ 1: the last n values (all of them when there are fewer). */
export function lastN(values: Float64Array, n: number): Float64Array {
  return values.slice(Math.max(0, values.length - n));
}
