// A restricted pickle interpreter (protocols 0–5). Nothing is ever executed: every global the stream names goes
// through `findGlobal`, which either returns an inert handler that builds a plain value or throws. Values:
// None → null, int → number (bigint beyond 2^53), float → number, str → string, bytes → Uint8Array,
// list and tuple → arrays, dict → Map.

export interface PickleGlobal {
  readonly module: string;
  readonly name: string;
  /** REDUCE: `callable(*args)`. */
  call?(args: unknown[]): unknown;
  /** NEWOBJ / INST / OBJ: `cls.__new__(cls, *args)`. */
  construct?(args: unknown[]): unknown;
}

export interface PickleHooks {
  findGlobal(module: string, name: string): PickleGlobal;
  persistentLoad?(pid: unknown): unknown;
}

/** Objects that accept BUILD (`__setstate__`). Maps ignore it (an OrderedDict's `_metadata`). */
export interface Buildable {
  setState(state: unknown): void;
}

export class PickleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PickleError';
  }
}

export class ForbiddenGlobalError extends PickleError {
  constructor(readonly global: string, context = 'a weights file') {
    super(`refusing to load ${context}: it references the Python global "${global}", which is not allowed ` +
      `(only torch tensor/storage rebuilds, OrderedDict and plain values are); the file was not executed`);
    this.name = 'ForbiddenGlobalError';
  }
}

export function unpickle(data: Uint8Array, hooks: PickleHooks): unknown {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const need = (n: number) => {
    if (pos + n > buf.length) throw new PickleError(`pickle data is truncated at byte ${pos}`);
    const start = pos;
    pos += n;
    return start;
  };
  const u8 = () => buf[need(1)]!;
  const u16 = () => buf.readUInt16LE(need(2));
  const u32 = () => buf.readUInt32LE(need(4));
  const u64 = () => {
    const v = buf.readBigUInt64LE(need(8));
    if (v > BigInt(buf.length)) throw new PickleError(`pickle length ${v} exceeds the data size`);
    return Number(v);
  };
  const bytes = (n: number) => {
    const s = need(n);
    return new Uint8Array(buf.subarray(s, s + n));
  };
  const text = (n: number) => buf.toString('utf8', need(n), pos);
  const line = () => {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0) throw new PickleError('pickle data is truncated inside a text opcode');
    const s = buf.toString('latin1', pos, end);
    pos = end + 1;
    return s;
  };
  const pop = () => {
    if (stack.length === 0 || (marks.length && stack.length <= marks[marks.length - 1]!)) throw new PickleError('pickle stack underflow');
    return stack.pop();
  };
  const top = () => {
    if (stack.length === 0) throw new PickleError('pickle stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = () => {
    const m = marks.pop();
    if (m === undefined) throw new PickleError('pickle MARK missing');
    return stack.splice(m);
  };
  const global = (module: string, name: string) => hooks.findGlobal(module, name);
  const reduce = (callable: unknown, args: unknown) => {
    const g = callable as PickleGlobal;
    if (!g || typeof g.call !== 'function') throw new PickleError(`pickle calls something that is not callable (${describe(callable)})`);
    return g.call(asArray(args));
  };
  const construct = (cls: unknown, args: unknown) => {
    const g = cls as PickleGlobal;
    if (!g || typeof g.construct !== 'function') throw new PickleError(`pickle instantiates ${describe(cls)}, which is not allowed`);
    return g.construct(asArray(args));
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof Map)) throw new PickleError(`SETITEMS on ${describe(target)}`);
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  };
  const append = (target: unknown, items: unknown[]) => {
    if (!Array.isArray(target)) throw new PickleError(`APPENDS on ${describe(target)}`);
    target.push(...items);
  };
  const persistent = (pid: unknown) => {
    if (!hooks.persistentLoad) throw new PickleError('pickle uses persistent ids, which this file type does not allow');
    return hooks.persistentLoad(pid);
  };
  const long = (b: Uint8Array) => {
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b.length && b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return toNumber(v);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME: framing is transparent here
      case 0x2e: return pop(); // STOP
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(buf.readInt32LE(need(4))); break; // BININT
      case 0x8a: stack.push(long(bytes(u8()))); break; // LONG1
      case 0x8b: stack.push(long(bytes(u32()))); break; // LONG4
      case 0x47: stack.push(buf.readDoubleBE(need(8))); break; // BINFLOAT
      case 0x49: { // INT (protocol 0; 01/00 are True/False)
        const s = line();
        stack.push(s === '01' ? true : s === '00' ? false : toNumber(BigInt(s)));
        break;
      }
      case 0x4c: stack.push(toNumber(BigInt(line().replace(/L$/, '')))); break; // LONG
      case 0x46: stack.push(Number.parseFloat(line())); break; // FLOAT
      case 0x58: stack.push(text(u32())); break; // BINUNICODE
      case 0x8c: stack.push(text(u8())); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(text(u64())); break; // BINUNICODE8
      case 0x56: stack.push(line()); break; // UNICODE (raw-unicode-escape; ASCII in practice)
      case 0x54: stack.push(buf.toString('latin1', need(u32()), pos)); break; // BINSTRING
      case 0x55: stack.push(buf.toString('latin1', need(u8()), pos)); break; // SHORT_BINSTRING
      case 0x53: stack.push(line().slice(1, -1)); break; // STRING (quoted repr)
      case 0x42: stack.push(bytes(u32())); break; // BINBYTES
      case 0x43: stack.push(bytes(u8())); break; // SHORT_BINBYTES
      case 0x8e: stack.push(bytes(u64())); break; // BINBYTES8
      case 0x96: stack.push(bytes(u64())); break; // BYTEARRAY8
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push([pop(), b, c]); break; } // TUPLE3
      case 0x64: { const m = new Map(); setItems(m, popMark()); stack.push(m); break; } // DICT
      case 0x91: stack.push(new Set(popMark())); break; // FROZENSET
      case 0x90: { const items = popMark(); const s = top(); if (!(s instanceof Set)) throw new PickleError('ADDITEMS on a non-set'); items.forEach((i) => s.add(i)); break; }
      case 0x61: { const v = pop(); append(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); append(top(), items); break; } // APPENDS
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x70: memo.set(Number(line()), top()); break; // PUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(memoGet(memo, u8())); break; // BINGET
      case 0x6a: stack.push(memoGet(memo, u32())); break; // LONG_BINGET
      case 0x67: stack.push(memoGet(memo, Number(line()))); break; // GET
      case 0x63: { const module = line(); stack.push(global(module, line())); break; } // GLOBAL
      case 0x93: { const name = pop(); const module = pop(); stack.push(global(String(module), String(name))); break; } // STACK_GLOBAL
      case 0x52: { const args = pop(); stack.push(reduce(pop(), args)); break; } // REDUCE
      case 0x81: { const args = pop(); stack.push(construct(pop(), args)); break; } // NEWOBJ
      case 0x92: { pop(); const args = pop(); stack.push(construct(pop(), args)); break; } // NEWOBJ_EX (kwargs ignored)
      case 0x69: { const module = line(); const cls = global(module, line()); stack.push(construct(cls, popMark())); break; } // INST
      case 0x6f: { const items = popMark(); stack.push(construct(items[0], items.slice(1))); break; } // OBJ
      case 0x62: { // BUILD
        const state = pop();
        const obj = top() as Partial<Buildable> | null;
        if (obj instanceof Map) break;
        if (!obj || typeof obj.setState !== 'function') throw new PickleError(`BUILD on ${describe(obj)}`);
        obj.setState(state);
        break;
      }
      case 0x51: stack.push(persistent(pop())); break; // BINPERSID
      case 0x50: stack.push(persistent(line())); break; // PERSID
      case 0x97: case 0x98: throw new PickleError('out-of-band pickle buffers are not supported');
      default:
        throw new PickleError(`unknown pickle opcode 0x${op.toString(16)} at byte ${pos - 1}`);
    }
  }
}

function memoGet(memo: Map<number, unknown>, key: number): unknown {
  if (!memo.has(key)) throw new PickleError(`pickle memo key ${key} is missing`);
  return memo.get(key);
}

function toNumber(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function asArray(args: unknown): unknown[] {
  if (!Array.isArray(args)) throw new PickleError(`pickle call arguments are not a tuple (${describe(args)})`);
  return args;
}

function describe(v: unknown): string {
  if (v === null) return 'None';
  const g = v as Partial<PickleGlobal>;
  if (typeof g === 'object' && typeof g.module === 'string') return `${g.module}.${g.name}`;
  return typeof v;
}
