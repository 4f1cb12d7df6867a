// Small shape operations on dense row-major tensors, matching the torch calls ComfyUI's model-free nodes make
// (narrow, cat, repeat, flip, permute, repeat_to_batch_size). Each copies contiguous runs with
// `TypedArray.set`/`subarray` where the layout allows, and otherwise walks indices without allocating per element.
import { Tensor } from '../../inference/tensor.ts';
import { allocTensor } from './node-args.ts';

/** float32 rounding of a Python float scalar, as torch applies it before combining it with a float32 tensor. */
export const f32 = Math.fround;

/** torch.round: round half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Resolves a negative dimension index. */
export function normDim(t: Tensor, dim: number): number {
  const d = dim < 0 ? t.rank + dim : dim;
  if (d < 0 || d >= t.rank) throw new Error(`dimension ${dim} out of range for a tensor of rank ${t.rank}`);
  return d;
}

function outerInner(shape: readonly number[], dim: number): [number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < dim; i++) outer *= shape[i]!;
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, inner];
}

/** torch.narrow: `length` entries of `dim` starting at `start` (both already in range). */
export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim(t, dim);
  const n = t.shape[d]!;
  if (start < 0 || length < 0 || start + length > n) throw new Error(`narrow: [${start}, ${start + length}) is outside 0..${n}`);
  const [outer, inner] = outerInner(t.shape, d);
  const shape = [...t.shape];
  shape[d] = length;
  const out = allocTensor(shape);
  const run = length * inner;
  for (let o = 0; o < outer; o++) {
    const src = (o * n + start) * inner;
    out.data.set(t.data.subarray(src, src + run), o * run);
  }
  return out;
}

/** Python slicing `t[..., a:b]` along `dim` with Python's clamping of out-of-range bounds. */
export function slice(t: Tensor, dim: number, start: number, end: number): Tensor {
  const n = t.shape[normDim(t, dim)]!;
  const a = Math.min(Math.max(start < 0 ? n + start : start, 0), n);
  const b = Math.min(Math.max(end < 0 ? n + end : end, 0), n);
  return narrow(t, dim, a, Math.max(0, b - a));
}

/** torch.cat along `dim`; all other dimensions must agree. */
export function cat(parts: readonly Tensor[], dim: number): Tensor {
  if (parts.length === 0) throw new Error('cat: nothing to concatenate');
  const first = parts[0]!;
  const d = normDim(first, dim);
  for (const p of parts) {
    const same = p.rank === first.rank && p.shape.every((s, i) => i === d || s === first.shape[i]);
    if (!same) throw new Error(`cannot concatenate tensors of shapes [${first.shape.join(', ')}] and [${p.shape.join(', ')}] along dimension ${d}`);
  }
  const shape = [...first.shape];
  shape[d] = parts.reduce((s, p) => s + p.shape[d]!, 0);
  const out = allocTensor(shape);
  const [outer, inner] = outerInner(first.shape, d);
  const outRun = shape[d]! * inner;
  let offset = 0;
  for (const p of parts) {
    const run = p.shape[d]! * inner;
    for (let o = 0; o < outer; o++) out.data.set(p.data.subarray(o * run, (o + 1) * run), o * outRun + offset);
    offset += run;
  }
  return out;
}

/** `t.repeat(times, 1, 1, …)`: the whole batch repeated `times` times along dim 0. */
export function repeatBatch(t: Tensor, times: number): Tensor {
  const out = allocTensor([t.shape[0]! * times, ...t.shape.slice(1)]);
  for (let i = 0; i < times; i++) out.data.set(t.data, i * t.size);
  return out;
}

/** comfy.utils.repeat_to_batch_size along dim 0: truncate, or repeat whole batches and truncate. */
export function repeatToBatchSize(t: Tensor, batch: number): Tensor {
  const b = t.shape[0]!;
  if (b === batch) return t;
  if (b > batch) return narrow(t, 0, 0, batch);
  if (b === 0) throw new Error('cannot repeat an empty batch');
  return narrow(repeatBatch(t, Math.ceil(batch / b)), 0, 0, batch);
}

/** torch.flip along one dimension. */
export function flip(t: Tensor, dim: number): Tensor {
  const d = normDim(t, dim);
  const n = t.shape[d]!;
  const [outer, inner] = outerInner(t.shape, d);
  const out = allocTensor(t.shape);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < n; i++) {
      const src = (o * n + i) * inner;
      out.data.set(t.data.subarray(src, src + inner), (o * n + (n - 1 - i)) * inner);
    }
  }
  return out;
}

/** torch.permute, materialised: output dimension i is input dimension `order[i]`. */
export function permute(t: Tensor, order: readonly number[]): Tensor {
  const rank = t.rank;
  if (order.length !== rank || new Set(order).size !== rank) throw new Error(`permute: bad order [${order.join(', ')}]`);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= t.shape[i]!;
  }
  const shape = order.map((o) => t.shape[o]!);
  const strides = order.map((o) => inStrides[o]!);
  const out = allocTensor(shape);
  if (out.size === 0) return out;
  const idx = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const lastLen = shape[last]!;
  const lastStride = strides[last]!;
  let src = 0;
  for (let dst = 0; dst < out.size; dst += lastLen) {
    for (let k = 0; k < lastLen; k++) out.data[dst + k] = t.data[src + k * lastStride]!;
    for (let i = last - 1; i >= 0; i--) {
      idx[i]!++;
      src += strides[i]!;
      if (idx[i]! < shape[i]!) break;
      src -= strides[i]! * shape[i]!;
      idx[i] = 0;
    }
  }
  return out;
}

/** torch.movedim(src, dst) for one dimension. */
export function movedim(t: Tensor, source: number, destination: number): Tensor {
  const s = normDim(t, source);
  const d = normDim(t, destination);
  if (s === d) return t;
  const order = [...Array(t.rank).keys()].filter((i) => i !== s);
  order.splice(d, 0, s);
  return permute(t, order);
}

/** torch.transpose of two dimensions, materialised. */
export function transpose(t: Tensor, a: number, b: number): Tensor {
  const order = [...Array(t.rank).keys()];
  const da = normDim(t, a);
  const db = normDim(t, b);
  [order[da], order[db]] = [order[db]!, order[da]!];
  return permute(t, order);
}

/** Same-shape element-wise map into a new tensor. */
export function mapTensor(t: Tensor, fn: (v: number, i: number) => number): Tensor {
  const out = new Tensor(t.shape);
  const src = t.data;
  const dst = out.data;
  for (let i = 0; i < src.length; i++) dst[i] = fn(src[i]!, i);
  return out;
}

export function sameShape(a: Tensor, b: Tensor): boolean {
  return a.rank === b.rank && a.shape.every((s, i) => s === b.shape[i]);
}
