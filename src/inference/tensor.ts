// A dense float32 tensor in row-major (C) order: the value type of IMAGE, MASK, LATENT samples,
// conditioning and sigmas. Kept deliberately small; shape helpers live next to the code that needs them.
import { torchStr } from './tensor-str.ts';

/**
 * An 8-bit form of a tensor: value i is `levels[codes[i]]`. An image read from a file stays as its bytes this way
 * until code reads its floats, and a per-value op (ImageInvert) maps the 256 levels instead of every value.
 */
export interface ByteCoded {
  readonly codes: Uint8Array;
  readonly levels: Float32Array;
}

/** Writes the values of a byte-coded tensor into `out`. */
export type ExpandCodes = (coded: ByteCoded, out: Float32Array) => void;

export class Tensor {
  readonly shape: readonly number[];
  readonly size: number;
  // An own property of every tensor but a byte-coded one before its first read (see ByteCodedTensor), so the loops
  // that read it never call a getter.
  declare readonly data: Float32Array;

  /** `data: null` is for ByteCodedTensor only: the floats come later. */
  constructor(shape: readonly number[], data?: Float32Array | null) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (data && data.length !== size) {
      throw new Error(`tensor data has ${data.length} values but shape [${shape.join(', ')}] needs ${size}`);
    }
    this.shape = [...shape];
    this.size = size;
    if (data !== null) this.data = data ?? new Float32Array(size);
  }

  /** A tensor held as 8-bit codes; its floats are expanded (by `expand`) the first time `data` is read. */
  static fromByteCodes(shape: readonly number[], form: ByteCoded, expand: ExpandCodes): Tensor {
    return new ByteCodedTensor(shape, form, expand);
  }

  /**
   * The 8-bit form while nobody has read `data`; null once they have, since the floats (which the reader may have
   * written to) are the values from then on. Null for every other tensor.
   */
  get byteCoded(): ByteCoded | null {
    return null;
  }

  static zeros(shape: readonly number[]): Tensor {
    return new Tensor(shape);
  }

  /**
   * A tensor whose memory is not cleared first, for a caller that writes every value: zeroing 3 MB (a 512² image)
   * and faulting its pages in twice costs ~0.1 ms.
   */
  static uninitialized(shape: readonly number[]): Tensor {
    return new Tensor(shape, uninitializedFloats(shape.reduce((a, b) => a * b, 1)));
  }

  static full(shape: readonly number[], value: number): Tensor {
    const t = new Tensor(shape);
    t.data.fill(value);
    return t;
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

  /** torch's `str(tensor)`, where ComfyUI prints a tensor (an execution error's `current_inputs`, PreviewAny). */
  toString(): string {
    return torchStr(this.shape, this.data);
  }
}

class ByteCodedTensor extends Tensor {
  #form: ByteCoded | null;
  readonly #expand: ExpandCodes;

  constructor(shape: readonly number[], form: ByteCoded, expand: ExpandCodes) {
    super(shape, null);
    if (form.codes.length !== this.size) {
      throw new Error(`tensor codes have ${form.codes.length} values but shape [${shape.join(', ')}] needs ${this.size}`);
    }
    this.#form = form;
    this.#expand = expand;
  }

  override get byteCoded(): ByteCoded | null {
    return this.#form;
  }

  static {
    // `data` until the first read: the floats are expanded and become the instance's own property.
    Object.defineProperty(this.prototype, 'data', {
      get(this: ByteCodedTensor): Float32Array {
        const floats = uninitializedFloats(this.size);
        this.#expand(this.#form!, floats);
        this.#form = null;
        Object.defineProperty(this, 'data', { value: floats, writable: true, enumerable: true, configurable: true });
        return floats;
      },
    });
  }
}

function uninitializedFloats(size: number): Float32Array {
  const bytes = Buffer.allocUnsafeSlow(size * 4);
  return new Float32Array(bytes.buffer, bytes.byteOffset, size);
}

/** ComfyUI's LATENT value: samples in VAE space, [B, C, H, W]. */
export interface Latent {
  samples: Tensor;
  noise_mask?: Tensor;
  batch_index?: number[];
  type?: string;
}
