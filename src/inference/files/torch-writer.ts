// Writes torch-style zip files (protocol-2 `data.pkl` + stored `data/<key>` entries, data 64-byte aligned like
// torch.save): training dataset shards, and checkpoints for tests and tools. Dicts, lists, tensors, strings,
// numbers, booleans and None; RawPickle lets tests put an arbitrary global into the pickle to check that the reader
// refuses it.
import { open } from 'node:fs/promises';
import { DTYPE_BYTES, shapeSize, type DType } from './dtype.ts';

export interface TorchTensorToWrite {
  dtype: DType;
  shape: readonly number[];
  data: Uint8Array;
}

export type TorchValue = TorchTensorToWrite | string | number | boolean | null | TorchDict | TorchValue[] | RawPickle;
export interface TorchDict { [key: string]: TorchValue }
/** Opcodes spliced into data.pkl verbatim (crafted-file tests). */
export class RawPickle {
  constructor(readonly bytes: Uint8Array) {}
}

const STORAGE_CLASS: Partial<Record<DType, string>> = {
  F32: 'FloatStorage', F16: 'HalfStorage', BF16: 'BFloat16Storage', F64: 'DoubleStorage', I64: 'LongStorage',
  I32: 'IntStorage', I16: 'ShortStorage', I8: 'CharStorage', U8: 'ByteStorage', BOOL: 'BoolStorage',
};

class PickleWriter {
  private parts: Buffer[] = [];
  readonly storages: Uint8Array[] = [];
  op(...bytes: number[]) { this.parts.push(Buffer.from(bytes)); }
  raw(b: Uint8Array) { this.parts.push(Buffer.from(b)); }
  str(s: string) {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    this.op(0x58);
    this.raw(len);
    this.raw(b);
  }
  int(n: number) {
    if (Number.isInteger(n) && n >= 0 && n < 256) this.op(0x4b, n);
    else if (Number.isInteger(n) && Math.abs(n) < 2 ** 31) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(n);
      this.op(0x4a);
      this.raw(b);
    } else {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(n);
      this.op(0x47);
      this.raw(b);
    }
  }
  global(module: string, name: string) { this.raw(Buffer.from(`c${module}\n${name}\n`, 'latin1')); }
  intTuple(values: readonly number[]) {
    this.op(0x28);
    for (const v of values) this.int(v);
    this.op(0x74);
  }
  value(v: TorchValue): void {
    if (v === null) this.op(0x4e);
    else if (typeof v === 'boolean') this.op(v ? 0x88 : 0x89);
    else if (typeof v === 'number') this.int(v);
    else if (typeof v === 'string') this.str(v);
    else if (v instanceof RawPickle) this.raw(v.bytes);
    else if (Array.isArray(v)) {
      this.op(0x5d, 0x28);
      v.forEach((x) => this.value(x));
      this.op(0x65);
    } else if ('dtype' in v && v.data instanceof Uint8Array) this.tensor(v as TorchTensorToWrite);
    else {
      this.op(0x7d, 0x28);
      for (const [k, x] of Object.entries(v as TorchDict)) {
        this.str(k);
        this.value(x);
      }
      this.op(0x75);
    }
  }
  tensor(t: TorchTensorToWrite) {
    const cls = STORAGE_CLASS[t.dtype];
    if (!cls) throw new Error(`no torch storage class for ${t.dtype}`);
    const numel = shapeSize(t.shape);
    if (t.data.byteLength !== numel * DTYPE_BYTES[t.dtype]) throw new Error('tensor data does not match its shape');
    const key = String(this.storages.length);
    this.storages.push(t.data);
    const stride = t.shape.map((_, i) => shapeSize(t.shape.slice(i + 1)));
    this.global('torch._utils', '_rebuild_tensor_v2');
    this.op(0x28); // MARK: the args tuple
    this.op(0x28);
    this.str('storage');
    this.global('torch', cls);
    this.str(key);
    this.str('cpu');
    this.int(numel);
    this.op(0x74, 0x51); // TUPLE, BINPERSID
    this.int(0);
    this.intTuple(t.shape);
    this.intTuple(stride);
    this.op(0x89); // requires_grad False
    this.global('collections', 'OrderedDict');
    this.op(0x29, 0x52); // OrderedDict()
    this.op(0x74, 0x52); // TUPLE, REDUCE
  }
  bytes(): Buffer { return Buffer.concat(this.parts); }
}

/** data.pkl bytes for `root` plus the storages it references, in key order. */
export function torchPickle(root: TorchValue): { pickle: Buffer; storages: Uint8Array[] } {
  const w = new PickleWriter();
  w.op(0x80, 2);
  w.value(root);
  w.op(0x2e);
  return { pickle: w.bytes(), storages: w.storages };
}

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Writes a zip with stored entries whose data starts 64-byte aligned (no ZIP64: files under 4 GB). */
export async function writeStoredZip(path: string, entries: { name: string; data: Uint8Array }[]): Promise<void> {
  const handle = await open(path, 'w');
  const central: Buffer[] = [];
  let offset = 0;
  try {
    for (const { name, data } of entries) {
      const nameBytes = Buffer.from(name, 'utf8');
      const pad = (64 - ((offset + 30 + nameBytes.length + 4) % 64)) % 64;
      const extra = Buffer.alloc(4 + pad);
      extra.writeUInt16LE(0x1234, 0); // padding field, as torch's writer uses
      extra.writeUInt16LE(pad, 2);
      const crc = crc32(data);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(data.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(nameBytes.length, 26);
      local.writeUInt16LE(extra.length, 28);
      await handle.write(Buffer.concat([local, nameBytes, extra]));
      await handle.write(data);
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(20, 4);
      c.writeUInt16LE(20, 6);
      c.writeUInt32LE(crc, 16);
      c.writeUInt32LE(data.length, 20);
      c.writeUInt32LE(data.length, 24);
      c.writeUInt16LE(nameBytes.length, 28);
      c.writeUInt32LE(offset, 42);
      central.push(c, nameBytes);
      offset += 30 + nameBytes.length + extra.length + data.length;
    }
    const cd = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(cd.length, 12);
    end.writeUInt32LE(offset, 16);
    await handle.write(Buffer.concat([cd, end]));
  } finally {
    await handle.close();
  }
}

/** Writes `root` as torch.save would (archive name `archive`). */
export async function writeTorchFile(path: string, root: TorchValue, archive = 'archive'): Promise<void> {
  const { pickle, storages } = torchPickle(root);
  await writeStoredZip(path, [
    { name: `${archive}/data.pkl`, data: pickle },
    { name: `${archive}/byteorder`, data: Buffer.from('little') },
    ...storages.map((data, i) => ({ name: `${archive}/data/${i}`, data })),
    { name: `${archive}/version`, data: Buffer.from('3\n') },
  ]);
}
