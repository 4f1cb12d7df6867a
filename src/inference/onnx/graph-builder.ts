// A small typed builder for ONNX graphs: values are names, each op method appends one node and returns its
// output. Weights enter as external-data initializers (bytes inside the checkpoint file, never copied) or as
// small inline constants. Opset 21 (default domain) plus Microsoft's contrib domain, IR version 10.
import { ATTRIBUTE_TYPE, ELEMENT_BYTES, ONNX_DTYPE, encodeModel, type ElementType } from './proto.ts';

/** A tensor flowing through the graph, named by the node output (or graph input / initializer) that makes it. */
export type Value = string & { readonly __onnxValue: true };
/** A dimension: a fixed size or a symbolic name shared between inputs and outputs ("batch", "height"…). */
export type Dim = number | string;

export const OPSET = 21;
export const IR_VERSION = 10;
export const MS_DOMAIN = 'com.microsoft';

export type Attr =
  | { f: number }
  | { i: number }
  | { s: string }
  | { floats: readonly number[] }
  | { ints: readonly number[] };

interface NodeOptions {
  domain?: string;
  /** Number of outputs (default 1). */
  outputs?: number;
}

interface ExternalLocation {
  /** File name relative to the .onnx file's folder (ONNX Runtime refuses `..` and absolute paths). */
  location: string;
  offset: number;
  length: number;
}

export class GraphBuilder {
  private readonly nodes: object[] = [];
  private readonly initializers: object[] = [];
  private readonly inputs: object[] = [];
  private readonly outputs: object[] = [];
  private readonly constants = new Map<string, Value>();
  private readonly counters = new Map<string, number>();
  private readonly names = new Set<string>();

  constructor(readonly name = 'graph') {}

  /** A name not used before, derived from `hint`. */
  fresh(hint: string): Value {
    let name = hint;
    while (this.names.has(name)) {
      const n = (this.counters.get(hint) ?? 0) + 1;
      this.counters.set(hint, n);
      name = `${hint}_${n}`;
    }
    this.names.add(name);
    return name as Value;
  }

  input(name: string, type: ElementType, dims: readonly Dim[]): Value {
    if (this.names.has(name)) throw new Error(`graph input name already used: ${name}`);
    this.names.add(name);
    this.inputs.push(valueInfo(name, type, dims));
    return name as Value;
  }

  /** Declares `value` as a graph output called `name` (an Identity node renames it when needed). */
  output(value: Value, name: string, type: ElementType, dims: readonly Dim[]): void {
    let out = value as string;
    if (out !== name) {
      if (this.names.has(name)) throw new Error(`graph output name already used: ${name}`);
      this.names.add(name);
      this.nodes.push({ op_type: 'Identity', input: [value], output: [name], name: `output_${name}` });
      out = name;
    }
    this.outputs.push(valueInfo(out, type, dims));
  }

  /** Appends one node; returns its outputs. `''` in `inputs` stands for an omitted optional input. */
  node(opType: string, inputs: readonly (Value | '')[], attrs: Record<string, Attr | undefined> = {}, options: NodeOptions = {}): Value[] {
    const outputs = Array.from({ length: options.outputs ?? 1 }, () => this.fresh(opType.toLowerCase()));
    const attribute = Object.entries(attrs).filter(([, a]) => a !== undefined).map(([name, a]) => encodeAttr(name, a!));
    this.nodes.push({ op_type: opType, domain: options.domain ?? '', input: inputs, output: outputs, name: outputs[0], attribute });
    return outputs;
  }

  /** A single-output node. */
  op(opType: string, inputs: readonly (Value | '')[], attrs: Record<string, Attr | undefined> = {}, domain = ''): Value {
    return this.node(opType, inputs, attrs, { domain })[0]!;
  }

  /** An initializer whose bytes stay inside another file (`location` relative to the .onnx file). */
  external(name: string, type: ElementType, dims: readonly number[], where: ExternalLocation): Value {
    const expected = dims.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[type];
    if (expected !== where.length) {
      throw new Error(`external tensor ${name}: ${where.length} bytes but [${dims.join(', ')}] ${type} needs ${expected}`);
    }
    const value = this.fresh(name);
    this.initializers.push({
      name: value, dims, data_type: ONNX_DTYPE[type], data_location: 1,
      external_data: [
        { key: 'location', value: where.location },
        { key: 'offset', value: String(where.offset) },
        { key: 'length', value: String(where.length) },
      ],
    });
    return value;
  }

  /** An inline initializer (small constants only: the bytes are stored in the .onnx file). */
  inline(name: string, type: ElementType, dims: readonly number[], bytes: Uint8Array): Value {
    const value = this.fresh(name);
    this.initializers.push({ name: value, dims, data_type: ONNX_DTYPE[type], raw_data: bytes });
    return value;
  }

  /** A float32 constant (deduplicated); a number gives a scalar. */
  constFloat(values: number | readonly number[], dims?: readonly number[]): Value {
    const list = typeof values === 'number' ? [values] : values;
    const shape = dims ?? (typeof values === 'number' ? [] : [list.length]);
    return this.constant('float32', shape, new Uint8Array(Float32Array.from(list).buffer));
  }

  /** An int64 constant (deduplicated): shapes, axes, indices. */
  constInt(values: number | readonly number[], dims?: readonly number[]): Value {
    const list = typeof values === 'number' ? [values] : values;
    const shape = dims ?? (typeof values === 'number' ? [] : [list.length]);
    return this.constant('int64', shape, new Uint8Array(BigInt64Array.from(list, (v) => BigInt(v)).buffer));
  }

  private constant(type: ElementType, dims: readonly number[], bytes: Uint8Array): Value {
    const key = `${type}|${dims.join(',')}|${Buffer.from(bytes).toString('base64')}`;
    let value = this.constants.get(key);
    if (!value) {
      value = this.inline(`const_${type}`, type, dims, bytes);
      this.constants.set(key, value);
    }
    return value;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** The serialized ModelProto. */
  toBytes(metadata: Record<string, string> = {}): Uint8Array {
    return encodeModel({
      ir_version: IR_VERSION,
      producer_name: 'comfy-ts',
      opset_import: [{ domain: '', version: OPSET }, { domain: MS_DOMAIN, version: 1 }],
      metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
  }
}

function valueInfo(name: string, type: ElementType, dims: readonly Dim[]): object {
  const dim = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: ONNX_DTYPE[type], shape: { dim } } } };
}

function encodeAttr(name: string, a: Attr): object {
  if ('f' in a) return { name, type: ATTRIBUTE_TYPE.FLOAT, f: a.f };
  if ('i' in a) return { name, type: ATTRIBUTE_TYPE.INT, i: a.i };
  if ('s' in a) return { name, type: ATTRIBUTE_TYPE.STRING, s: Buffer.from(a.s, 'utf8') };
  if ('floats' in a) return { name, type: ATTRIBUTE_TYPE.FLOATS, floats: a.floats };
  return { name, type: ATTRIBUTE_TYPE.INTS, ints: a.ints };
}
