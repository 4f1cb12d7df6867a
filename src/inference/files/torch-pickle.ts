// PyTorch `.ckpt` / `.pt` / `.pth` / `.bin` files (zip of `<archive>/data.pkl` + `<archive>/data/<key>`),
// read without executing anything (models.md §1): the restricted unpickler accepts only what a state dict uses,
// the same allow-list as torch's weights_only loader plus the placeholders ComfyUI registers. Tensors become
// TensorRefs pointing at their bytes inside the stored zip entries.
import { resolve } from 'node:path';
import { DTYPE_BYTES, type DType } from './dtype.ts';
import { ForbiddenGlobalError, PickleError, unpickle, type PickleGlobal } from './pickle.ts';
import { makeWeightFile, type TensorRef, type WeightFile } from './weight-file.ts';
import { ZipArchive, type ZipEntry } from './zip.ts';

export { ForbiddenGlobalError } from './pickle.ts';

export const MAX_PICKLE_BYTES = 256 * 1024 * 1024;

const STORAGE_DTYPES: Record<string, DType> = {
  FloatStorage: 'F32', HalfStorage: 'F16', BFloat16Storage: 'BF16', DoubleStorage: 'F64',
  LongStorage: 'I64', IntStorage: 'I32', ShortStorage: 'I16', CharStorage: 'I8',
  ByteStorage: 'U8', BoolStorage: 'BOOL', UntypedStorage: 'U8',
};

/** A storage named by a persistent id: the zip entry `data/<key>` holding `numel` values of `dtype`. */
export class TorchStorage {
  constructor(readonly key: string, readonly dtype: DType, readonly numel: number) {}
}

/** A tensor as the pickle describes it, before it is resolved against the zip. */
export class TorchTensor {
  constructor(
    readonly storage: TorchStorage,
    readonly storageOffset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
  setState(): void {} // tensor attributes (BUILD) carry nothing we need
}

/** An allowed class we never instantiate for real (ComfyUI's stand-ins, e.g. Lightning's ModelCheckpoint). */
export class OpaqueObject {
  state: unknown = null;
  constructor(readonly type: string, readonly args: unknown[]) {}
  setState(state: unknown): void {
    this.state = state;
  }
}

const g = (module: string, name: string, impl: Omit<PickleGlobal, 'module' | 'name'>): PickleGlobal => ({ module, name, ...impl });

function rebuildTensor(args: unknown[]): TorchTensor {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof TorchStorage)) throw new PickleError('tensor rebuild without a storage');
  if (!isIntArray(size) || !isIntArray(stride) || typeof offset !== 'number') throw new PickleError('tensor rebuild with invalid size/stride');
  return new TorchTensor(storage, offset, size, stride);
}

function findTorchGlobal(module: string, name: string): PickleGlobal {
  const full = `${module}.${name}`;
  switch (full) {
    case 'collections.OrderedDict':
      return g(module, name, { call: (args) => new Map(Array.isArray(args[0]) ? (args[0] as [unknown, unknown][]) : []) });
    case 'torch._utils._rebuild_tensor_v2':
    case 'torch._utils._rebuild_tensor':
      return g(module, name, { call: rebuildTensor });
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      return g(module, name, { call: (args) => args[0] });
    case 'torch._tensor._rebuild_from_type_v2':
      // (func, type, args, state): func is itself an allowed rebuild; the subclass type is dropped.
      return g(module, name, { call: (args) => (args[0] as PickleGlobal).call!(args[2] as unknown[]) });
    case 'torch.Size':
      return g(module, name, { call: (args) => [...(args[0] as unknown[])] });
    case 'torch.Tensor':
    case 'torch.nn.parameter.Parameter':
      return g(module, name, { construct: (args) => args[0] });
    case 'builtins.set':
      return g(module, name, { call: (args) => new Set((args[0] as unknown[]) ?? []) });
    case '_codecs.encode':
      // How protocol 2 spells bytes: encode(text, 'latin1').
      return g(module, name, { call: (args) => new Uint8Array(Buffer.from(String(args[0]), 'latin1')) });
    case 'pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint':
    case 'numpy.core.multiarray.scalar':
    case 'numpy.dtype':
    case 'numpy.dtypes.Float64DType':
      return g(module, name, { call: (args) => new OpaqueObject(full, args), construct: (args) => new OpaqueObject(full, args) });
  }
  if (module === 'torch' && Object.hasOwn(STORAGE_DTYPES, name)) return g(module, name, {});
  if (module === 'torch' && /^(float|bfloat|half|int|uint|bool|long|double)\d*$/.test(name)) return g(module, name, {});
  throw new ForbiddenGlobalError(full);
}

function persistentLoad(pid: unknown): TorchStorage {
  // ('storage', storage_type, key, location, numel)
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) throw new PickleError(`unsupported persistent id ${JSON.stringify(pid)}`);
  const type = pid[1] as PickleGlobal;
  const dtype = type && type.module === 'torch' ? STORAGE_DTYPES[type.name] : undefined;
  if (!dtype) throw new PickleError(`unsupported storage type ${type?.module}.${type?.name}`);
  const numel = pid[4];
  if (typeof numel !== 'number' || numel < 0) throw new PickleError('storage with an invalid element count');
  return new TorchStorage(String(pid[2]), dtype, numel);
}

/** Unpickles `data.pkl` bytes with the torch allow-list. */
export function unpickleTorch(data: Uint8Array): unknown {
  return unpickle(data, { findGlobal: findTorchGlobal, persistentLoad });
}

export interface TorchFile extends WeightFile {
  /** The unpickled object, tensors replaced by their TensorRefs (dicts are Maps). */
  root: unknown;
}

/**
 * Opens a torch zip checkpoint. `tensors` holds every tensor of the unwrapped object (models.md §1: its
 * "state_dict" if present, else the value of its only key when that is a dict), nested dicts flattened with ".".
 */
export async function openTorchFile(path: string): Promise<TorchFile> {
  const file = resolve(path);
  const zip = await ZipArchive.open(file);
  const pklName = [...zip.entries.keys()].find((n) => /^[^/]+\/data\.pkl$/.test(n) || n === 'data.pkl');
  if (!pklName) throw new PickleError(`${file}: not a torch checkpoint (no data.pkl in the zip)`);
  const dir = pklName.slice(0, pklName.length - 'data.pkl'.length);
  let raw: unknown;
  try {
    raw = unpickleTorch(await zip.read(zip.entries.get(pklName)!, MAX_PICKLE_BYTES));
  } catch (e) {
    if (e instanceof PickleError) e.message = `${file}: ${e.message}`;
    throw e;
  }
  const root = await resolveTensors(raw, zip, dir, file);
  const tensors = new Map<string, TensorRef>();
  flatten(unwrapStateDict(root), '', tensors, new Set());
  for (const [name, ref] of tensors) ref.name = name;
  return { ...makeWeightFile(file, tensors), root };
}

/** ComfyUI's unwrapping (models.md §1). */
export function unwrapStateDict(obj: unknown): unknown {
  if (!(obj instanceof Map)) return obj;
  if (obj.has('state_dict')) return obj.get('state_dict');
  if (obj.size === 1) {
    const only = [...obj.values()][0];
    if (only instanceof Map) return only;
  }
  return obj;
}

async function resolveTensors(root: unknown, zip: ZipArchive, dir: string, file: string): Promise<unknown> {
  const found: TorchTensor[] = [];
  collect(root, found, new Set());
  const keys = [...new Set(found.map((t) => t.storage.key))];
  const entries: ZipEntry[] = keys.map((k) => {
    const e = zip.entries.get(`${dir}data/${k}`);
    if (!e) throw new PickleError(`${file}: storage data/${k} is missing from the archive`);
    if (e.method !== 0) throw new PickleError(`${file}: storage data/${k} is compressed; only stored (uncompressed) entries can be mapped`);
    return e;
  });
  const offsets = await zip.dataOffsets(entries);
  const where = new Map(keys.map((k, i) => [k, { offset: offsets[i]!, entry: entries[i]! }]));
  const refs = new Map<TorchTensor, TensorRef>();
  for (const t of found) refs.set(t, toRef(t, where.get(t.storage.key)!, file));
  return replace(root, refs, new Map());
}

function toRef(t: TorchTensor, at: { offset: number; entry: ZipEntry }, file: string): TensorRef {
  const itemBytes = DTYPE_BYTES[t.storage.dtype];
  const numel = t.shape.reduce((a, b) => a * b, 1);
  let expected = 1;
  for (let d = t.shape.length - 1; d >= 0; d--) {
    if (t.shape[d]! !== 1 && t.stride[d] !== expected && numel > 0) {
      throw new PickleError(`${file}: tensor in storage ${t.storage.key} is not contiguous (shape [${t.shape}], stride [${t.stride}]); re-save it contiguous`);
    }
    expected *= t.shape[d]!;
  }
  const start = t.storageOffset * itemBytes;
  const byteLength = numel * itemBytes;
  if (start + byteLength > at.entry.size) {
    throw new PickleError(`${file}: tensor [${t.shape}] at element ${t.storageOffset} runs past its storage data/${t.storage.key} (${at.entry.size} bytes)`);
  }
  return { name: '', dtype: t.storage.dtype, shape: [...t.shape], file, offset: at.offset + start, byteLength };
}

function collect(v: unknown, out: TorchTensor[], seen: Set<unknown>): void {
  if (v === null || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  if (v instanceof TorchTensor) out.push(v);
  else if (v instanceof Map) for (const x of v.values()) collect(x, out, seen);
  else if (Array.isArray(v)) for (const x of v) collect(x, out, seen);
  else if (v instanceof OpaqueObject) collect(v.state, out, seen);
}

function replace(v: unknown, refs: Map<TorchTensor, TensorRef>, done: Map<unknown, unknown>): unknown {
  if (v instanceof TorchTensor) return refs.get(v);
  if (done.has(v)) return done.get(v);
  if (v instanceof Map) {
    const m = new Map();
    done.set(v, m);
    for (const [k, x] of v) m.set(k, replace(x, refs, done));
    return m;
  }
  if (Array.isArray(v)) {
    const a: unknown[] = [];
    done.set(v, a);
    for (const x of v) a.push(replace(x, refs, done));
    return a;
  }
  return v;
}

function isTensorRef(v: unknown): v is TensorRef {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'offset' in v && 'byteLength' in v;
}

function flatten(v: unknown, prefix: string, out: Map<string, TensorRef>, seen: Set<unknown>): void {
  if (isTensorRef(v)) {
    out.set(prefix, { ...v });
    return;
  }
  if (!(v instanceof Map) || seen.has(v)) return;
  seen.add(v);
  for (const [k, x] of v) {
    if (typeof k === 'string' || typeof k === 'number') flatten(x, prefix ? `${prefix}.${k}` : String(k), out, seen);
  }
}

function isIntArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0);
}
