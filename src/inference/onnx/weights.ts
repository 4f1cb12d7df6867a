// Binds checkpoint tensors to graph initializers by name. A WeightView is scoped to a key prefix
// (`w.at("input_blocks.1.0")`) so blocks name their weights exactly as the checkpoint does. Each tensor becomes an
// external-data initializer pointing into the weight file (no bytes copied); half-precision tensors get a Cast to
// float32. Names asked for but absent, and names present but never asked for, are collected and reported together.
import type { DType, TensorRef } from '../files/weight-file.ts';
import type { GraphBuilder, Value } from './graph-builder.ts';
import { ONNX_DTYPE, type ElementType } from './proto.ts';

const ELEMENT_OF: Partial<Record<DType, ElementType>> = {
  F32: 'float32', F16: 'float16', BF16: 'bfloat16', F64: 'float64', I64: 'int64', I32: 'int32',
};

export interface WeightReport {
  missing: string[];
  unused: string[];
}

export class WeightMismatchError extends Error {
  constructor(what: string, readonly report: WeightReport) {
    const list = (names: string[]) => (names.length > 12 ? `${names.slice(0, 12).join(', ')} … (${names.length})` : names.join(', '));
    super(`${what}: weights do not match the architecture: missing [${list(report.missing)}]; unused [${list(report.unused)}]`);
    this.name = 'WeightMismatchError';
  }
}

/** All tensors of one network (keys without the network's prefix) bound into one graph. */
export class WeightBinder {
  private readonly values = new Map<string, Value>();
  private readonly missing = new Set<string>();

  /**
   * @param locate maps a TensorRef's file to the external-data location written in the graph (a name in the
   *   .onnx file's folder).
   */
  constructor(
    readonly g: GraphBuilder,
    readonly tensors: ReadonlyMap<string, TensorRef>,
    private readonly locate: (file: string) => string,
    /** The network's key prefix (e.g. `model.diffusion_model.`): only keys under it count as unused. */
    readonly scope = '',
  ) {}

  /** The view of the network's own keys (the scope prefix). */
  root(): WeightView {
    return new WeightView(this, this.scope);
  }

  ref(key: string): TensorRef | undefined {
    return this.tensors.get(key);
  }

  /** The float32 value of tensor `key` (a placeholder input-less constant when missing, recorded as such). */
  value(key: string): Value {
    const known = this.values.get(key);
    if (known) return known;
    const ref = this.tensors.get(key);
    let value: Value;
    if (!ref) {
      this.missing.add(key);
      value = this.g.constFloat(0);
    } else {
      const type = ELEMENT_OF[ref.dtype];
      if (!type) throw new Error(`${key}: weights of dtype ${ref.dtype} are not supported`);
      value = this.g.external(key, type, ref.shape, { location: this.locate(ref.file), offset: ref.offset, length: ref.byteLength });
      if (type !== 'float32') value = this.g.op('Cast', [value], { to: { i: ONNX_DTYPE.float32 } });
    }
    this.values.set(key, value);
    return value;
  }

  /** Missing names, and names under the scope that nothing used, minus those matching `ignore`. */
  report(ignore: readonly RegExp[] = []): WeightReport {
    const unused = [...this.tensors.keys()].filter(
      (k) => k.startsWith(this.scope) && !this.values.has(k) && !ignore.some((re) => re.test(k)),
    );
    return { missing: [...this.missing].sort(), unused: unused.sort() };
  }

  /** Throws a WeightMismatchError naming every missing and unused tensor when either list is non-empty. */
  check(what: string, ignore: readonly RegExp[] = []): void {
    const r = this.report(ignore);
    if (r.missing.length || r.unused.length) throw new WeightMismatchError(what, r);
  }
}

/** The weights under one key prefix. */
export class WeightView {
  constructor(
    private readonly binder: WeightBinder,
    readonly prefix: string,
  ) {}

  /** A view one level down: `w.at("input_blocks.1.0")` or `w.at("in_layers", 0)`. */
  at(...segments: (string | number)[]): WeightView {
    return new WeightView(this.binder, this.prefix + segments.map((s) => `${s}.`).join(''));
  }

  /** The float32 graph value of `name` under this prefix. */
  get(name: string): Value {
    return this.binder.value(this.prefix + name);
  }

  has(name: string): boolean {
    return this.binder.ref(this.prefix + name) !== undefined;
  }

  /** The stored shape of `name` (throws when missing: shapes decide the architecture). */
  shape(name: string): number[] {
    const ref = this.binder.ref(this.prefix + name);
    if (!ref) throw new Error(`missing weight ${this.prefix + name}`);
    return ref.shape;
  }
}
