// A dense float32 tensor in row-major (C) order: the value type of IMAGE, MASK, LATENT samples,
// conditioning and sigmas. Kept deliberately small; shape helpers live next to the code that needs them.
export class Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;

  constructor(shape: readonly number[], data?: Float32Array) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (data && data.length !== size) {
      throw new Error(`tensor data has ${data.length} values but shape [${shape.join(', ')}] needs ${size}`);
    }
    this.shape = [...shape];
    this.data = data ?? new Float32Array(size);
  }

  static zeros(shape: readonly number[]): Tensor {
    return new Tensor(shape);
  }

  /**
   * A tensor whose memory is not cleared first, for a caller that writes every value: zeroing 3 MB (a 512² image)
   * and faulting its pages in twice costs ~0.1 ms.
   */
  static uninitialized(shape: readonly number[]): Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    const bytes = Buffer.allocUnsafeSlow(size * 4);
    return new Tensor(shape, new Float32Array(bytes.buffer, bytes.byteOffset, size));
  }

  static full(shape: readonly number[], value: number): Tensor {
    const t = new Tensor(shape);
    t.data.fill(value);
    return t;
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** A new tensor with the same data viewed under another shape of the same size. */
  reshape(shape: readonly number[]): Tensor {
    return new Tensor(shape, this.data);
  }

  clone(): Tensor {
    return new Tensor(this.shape, new Float32Array(this.data));
  }

  /** The batch items [start, end) along the first axis, sharing no memory with this tensor. */
  sliceBatch(start: number, end: number): Tensor {
    const item = this.size / (this.shape[0] || 1);
    return new Tensor([end - start, ...this.shape.slice(1)], this.data.slice(start * item, end * item));
  }

  /** Concatenation along the first axis; the other dimensions must agree. */
  static concatBatch(parts: readonly Tensor[]): Tensor {
    const rest = parts[0]!.shape.slice(1);
    for (const p of parts) {
      if (p.shape.slice(1).join(',') !== rest.join(',')) {
        throw new Error(`cannot batch tensors of shapes [${parts[0]!.shape}] and [${p.shape}]`);
      }
    }
    const out = new Tensor([parts.reduce((n, p) => n + p.shape[0]!, 0), ...rest]);
    let offset = 0;
    for (const p of parts) {
      out.data.set(p.data, offset);
      offset += p.size;
    }
    return out;
  }

  /** Python-like repr used where ComfyUI prints a tensor (e.g. `current_inputs` of an execution error). */
  toString(): string {
    return `tensor(shape=[${this.shape.join(', ')}], dtype=float32)`;
  }
}

/** ComfyUI's LATENT value: samples in VAE space, [B, C, H, W]. */
export interface Latent {
  samples: Tensor;
  noise_mask?: Tensor;
  batch_index?: number[];
  type?: string;
}
