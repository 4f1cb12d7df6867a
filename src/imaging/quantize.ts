// Pillow's colour quantisation as ComfyUI's ImageQuantize uses it: `im.quantize(colors)` (median cut,
// libImaging/Quant.c) for the palette, then `im.quantize(palette=…, dither=…)`, i.e. RGB → P conversion through
// the palette's colour cache (Palette.c, Heckbert/Thomas box search) with optional Floyd–Steinberg error
// diffusion (Convert.c). Ported for bit-identical palettes and indices, including Pillow's quirks: the pixel hash
// compares hash values rather than colours, its table iteration order decides ties in the median cut, and its
// prime search accepts any odd-looking number.

const MAX_HASH_ENTRIES = 65536;
const MIN_LENGTH = 11;
const RESIZE_FACTOR = 3;

/** PIXEL_HASH of Quant.c on 8-bit (possibly down-scaled) channels, as uint32. */
function pixelHash(r: number, g: number, b: number): number {
  return (Math.imul(r, 463) ^ Math.imul(g << 8, 10069) ^ Math.imul(b << 16, 64997)) >>> 0;
}

/** QuantHash.c `_findPrime` (its primality test never rejects: only the low-nibble filter applies). */
function findPrime(start: number, dir: number): number {
  const unit = [0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0];
  while (start > 1 && !unit[start & 0x0f]) start += dir;
  return start;
}

interface Entry {
  hash: number;
  /** The representative colour (unscaled), packed 0xRRGGBB. */
  key: number;
  count: number;
}

/** Entries in hashtable_foreach order: by bucket (hash mod length), then by hash within a bucket. */
function iterationOrder(entries: Iterable<Entry>, length: number): Entry[] {
  return [...entries].sort((a, b) => (a.hash % length) - (b.hash % length) || a.hash - b.hash);
}

/** create_pixel_hash: colour counts keyed by the hash of the colour shifted right by `scale`. */
function countColours(rgb: Uint8Array, n: number): { entries: Entry[]; scale: number; length: number } {
  let scale = 0;
  let length = MIN_LENGTH;
  let table = new Map<number, Entry>();
  for (let i = 0; i < n; i++) {
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const b = rgb[i * 3 + 2]!;
    const hash = pixelHash(r >> scale, g >> scale, b >> scale);
    const found = table.get(hash);
    if (found) {
      found.count++;
      continue;
    }
    table.set(hash, { hash, key: (r << 16) | (g << 8) | b, count: 1 });
    // _hashtable_resize after the insertion.
    let newSize = length;
    if (table.size * RESIZE_FACTOR < length) newSize = findPrime(Math.floor(length / 2) - 1, -1);
    else if (length * RESIZE_FACTOR < table.size) newSize = findPrime(length * 2 + 1, +1);
    if (newSize >= MIN_LENGTH) length = newSize;
    while (table.size > MAX_HASH_ENTRIES) {
      // hashtable_rehash_compute: colours that now share a hash merge; the one met last keeps its key.
      scale++;
      const merged = new Map<number, Entry>();
      for (const e of iterationOrder(table.values(), length)) {
        const h = pixelHash((e.key >> 16) >> scale, ((e.key >> 8) & 0xff) >> scale, (e.key & 0xff) >> scale);
        const m = merged.get(h);
        if (m) {
          m.key = e.key;
          m.count += e.count;
        } else {
          merged.set(h, { hash: h, key: e.key, count: e.count });
        }
      }
      table = merged;
    }
  }
  return { entries: iterationOrder(table.values(), length), scale, length };
}

/** A colour in the sorted per-axis lists of the median cut. */
interface PixelNode {
  v: [number, number, number];
  hash: number;
  count: number;
  flag: number;
  next: [PixelNode | null, PixelNode | null, PixelNode | null];
  prev: [PixelNode | null, PixelNode | null, PixelNode | null];
}

interface BoxNode {
  head: (PixelNode | null)[];
  tail: (PixelNode | null)[];
  l: BoxNode | null;
  r: BoxNode | null;
  volume: number;
  pixelCount: number;
}

/** Quant.c mergesort_pixels: descending by channel `i`; on ties the second half's node goes first. */
function mergesort(head: PixelNode | null, i: number): PixelNode | null {
  if (!head || !head.next[i]) {
    if (head) head.next[i] = head.prev[i] = null;
    return head;
  }
  let c: PixelNode | null = head;
  let t: PixelNode | null = head;
  while (c && t) {
    c = c.next[i];
    t = t.next[i] ? t.next[i]!.next[i] : null;
  }
  if (c) {
    if (c.prev[i]) c.prev[i]!.next[i] = null;
    c.prev[i] = null;
  }
  let a = mergesort(head, i);
  let b = mergesort(c, i);
  let out: PixelNode | null = null;
  let p: PixelNode | null = null;
  let cur: PixelNode | null = null;
  while (a && b) {
    if (a.v[i] > b.v[i]) {
      cur = a;
      a = a.next[i];
    } else {
      cur = b;
      b = b.next[i];
    }
    cur.prev[i] = p;
    cur.next[i] = null;
    if (p) p.next[i] = cur;
    p = cur;
    if (!out) out = cur;
  }
  if (a) {
    cur!.next[i] = a;
    a.prev[i] = cur;
  } else if (b) {
    cur!.next[i] = b;
    b.prev[i] = cur;
  }
  return out;
}

function boxVolume(b: BoxNode): number {
  if (b.volume >= 0) return b.volume;
  if (!b.head[0]) return (b.volume = 0);
  const [h0, h1, h2] = [b.head[0]!, b.head[1]!, b.head[2]!];
  const [t0, t1, t2] = [b.tail[0]!, b.tail[1]!, b.tail[2]!];
  return (b.volume = (h0.v[0] - t0.v[0] + 1) * (h1.v[1] - t1.v[1] + 1) * (h2.v[2] - t2.v[2] + 1));
}

/** Quant.c splitlists + split: halves the box along its widest (luminance-weighted) axis at the median. */
function split(node: BoxNode): void {
  const f = [0, 1, 2].map((k) => (node.head[k]!.v[k] - node.tail[k]!.v[k]) * [77, 150, 29][k]!);
  let axis = 0;
  for (let k = 1; k < 3; k++) if (f[axis]! < f[k]!) axis = k;
  const counts = [0, 0];
  let nRight = 0;
  let left = 0;
  let c = node.head[axis]!;
  let cur: PixelNode | null = c;
  for (; cur; ) {
    left += cur.count;
    counts[0]! += cur.count;
    cur.flag = 0;
    cur = cur.next[axis];
    if (left * 2 > node.pixelCount) break;
  }
  if (cur) {
    const splitVal = cur.prev[axis]!.v[axis];
    for (; cur; cur = cur.next[axis]) {
      if (splitVal !== cur.v[axis]) break;
      cur.flag = 0;
      counts[0]! += cur.count;
    }
  }
  for (; cur; cur = cur.next[axis]) {
    cur.flag = 1;
    nRight++;
    counts[1]! += cur.count;
  }
  if (!nRight) {
    const splitVal = node.tail[axis]!.v[axis];
    for (c = node.tail[axis]!, cur = c; cur; cur = cur.prev[axis]) {
      if (splitVal !== cur.v[axis]) break;
      cur.flag = 1;
      counts[0]! -= cur.count;
      counts[1]! += cur.count;
    }
  }
  const boxes: BoxNode[] = [0, 1].map((side) => ({ head: [null, null, null], tail: [null, null, null], l: null, r: null, volume: -1, pixelCount: counts[side]! }));
  for (let i = 0; i < 3; i++) {
    const last: (PixelNode | null)[] = [null, null];
    let p = node.head[i] ?? null;
    while (p) {
      const next: PixelNode | null = p.next[i];
      const side = p.flag;
      if (last[side]) last[side]!.next[i] = p;
      else boxes[side]!.head[i] = p;
      p.prev[i] = last[side]!;
      last[side] = p;
      p = next;
    }
    for (const side of [0, 1]) {
      if (last[side]) last[side]!.next[i] = null;
      boxes[side]!.tail[i] = last[side]!;
    }
    node.head[i] = node.tail[i] = null;
  }
  node.l = boxes[0]!;
  node.r = boxes[1]!;
}

/** QuantHeap.c max-heap on pixelCount (1-based array). */
class BoxHeap {
  private readonly heap: (BoxNode | undefined)[] = [undefined];
  private count = 0;
  add(val: BoxNode): void {
    let k = ++this.count;
    while (k !== 1) {
      if (val.pixelCount - this.heap[k >> 1]!.pixelCount <= 0) break;
      this.heap[k] = this.heap[k >> 1];
      k >>= 1;
    }
    this.heap[k] = val;
  }
  remove(): BoxNode | undefined {
    if (!this.count) return undefined;
    const r = this.heap[1]!;
    const v = this.heap[this.count--]!;
    let k = 1;
    for (let l: number; k * 2 <= this.count; k = l) {
      l = k * 2;
      if (l < this.count && this.heap[l]!.pixelCount - this.heap[l + 1]!.pixelCount < 0) l++;
      if (v.pixelCount - this.heap[l]!.pixelCount > 0) break;
      this.heap[k] = this.heap[l];
    }
    this.heap[k] = v;
    return r;
  }
}

/** The median-cut palette (Pillow `Image.quantize(colors)` on an RGB image), `size` × RGB. */
export function medianCutPalette(rgb: Uint8Array, nPixels: number, colors: number): { palette: Uint8Array; size: number } {
  const { entries, scale } = countColours(rgb, nPixels);
  // hash_to_list prepends, so the lists start in reverse iteration order.
  let head: PixelNode | null = null;
  for (const e of entries) {
    const node: PixelNode = {
      v: [(e.key >> 16) >> scale, ((e.key >> 8) & 0xff) >> scale, (e.key & 0xff) >> scale],
      hash: e.hash, count: e.count, flag: 0, next: [head, head, head], prev: [null, null, null],
    };
    if (head) head.prev = [node, node, node];
    head = node;
  }
  const root: BoxNode = { head: [], tail: [], l: null, r: null, volume: -1, pixelCount: nPixels };
  for (let i = 0; i < 3; i++) {
    const sorted = mergesort(head, i);
    let tail = sorted;
    while (tail && tail.next[i]) tail = tail.next[i];
    root.head[i] = sorted;
    root.tail[i] = tail;
  }
  const heap = new BoxHeap();
  heap.add(root);
  for (let n = colors; --n > 0; ) {
    let box: BoxNode | undefined;
    do box = heap.remove();
    while (box && boxVolume(box) === 1);
    if (!box) break;
    split(box);
    heap.add(box.l!);
    heap.add(box.r!);
  }
  // annotate_hash_table: leaves left to right, one palette entry per non-empty leaf.
  const boxOf = new Map<number, number>();
  let nEntries = 0;
  const annotate = (b: BoxNode): void => {
    if (b.l && b.r) {
      annotate(b.l);
      annotate(b.r);
      return;
    }
    for (let p = b.head[0] ?? null; p; p = p.next[0]) boxOf.set(p.hash, nEntries);
    if (b.head[0]) nEntries++;
  };
  annotate(root);
  // compute_palette_from_median_cut: the rounded mean colour of each box's pixels.
  const sums = new Float64Array(nEntries * 4);
  for (let i = 0; i < nPixels; i++) {
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const b = rgb[i * 3 + 2]!;
    const box = boxOf.get(pixelHash(r >> scale, g >> scale, b >> scale))!;
    sums[box * 4] += r;
    sums[box * 4 + 1] += g;
    sums[box * 4 + 2] += b;
    sums[box * 4 + 3]++;
  }
  const palette = new Uint8Array(nEntries * 3);
  for (let i = 0; i < nEntries; i++) {
    for (let k = 0; k < 3; k++) palette[i * 3 + k] = Math.trunc(0.5 + sums[i * 4 + k]! / sums[i * 4 + 3]!);
  }
  return { palette, size: nEntries };
}

/** Palette.c's inverse-colour cache: 64³ slots filled eight-per-axis boxes at a time. */
class PaletteCache {
  private readonly cache = new Int16Array(64 * 64 * 64).fill(0x100);
  constructor(private readonly palette: Uint8Array, private readonly size: number) {}

  lookup(r: number, g: number, b: number): number {
    const slot = (r >> 2) + (g >> 2) * 64 + (b >> 2) * 4096;
    if (this.cache[slot] === 0x100) this.update(r, g, b);
    return this.cache[slot]!;
  }

  private update(r: number, g: number, b: number): void {
    const pal = this.palette;
    const [r0, g0, b0] = [r & 0xe0, g & 0xe0, b & 0xe0];
    const [r1, g1, b1] = [r0 + 0x1f, g0 + 0x1f, b0 + 0x1f];
    const [rc, gc, bc] = [(r0 + r1) >> 1, (g0 + g1) >> 1, (b0 + b1) >> 1];
    const sq = (a: number, z: number) => (a - z) * (a - z);
    const dmin = new Float64Array(this.size);
    let dmax = 0xffffffff;
    for (let i = 0; i < this.size; i++) {
      const [pr, pg, pb] = [pal[i * 3]!, pal[i * 3 + 1]!, pal[i * 3 + 2]!];
      let tmin = pr < r0 ? sq(pr, r0) : pr > r1 ? sq(pr, r1) : 0;
      let tmax = pr <= rc ? sq(pr, r1) : sq(pr, r0);
      tmin += pg < g0 ? sq(pg, g0) : pg > g1 ? sq(pg, g1) : 0;
      tmax += pg <= gc ? sq(pg, g1) : sq(pg, g0);
      tmin += pb < b0 ? sq(pb, b0) : pb > b1 ? sq(pb, b1) : 0;
      tmax += pb <= bc ? sq(pb, b1) : sq(pb, b0);
      dmin[i] = tmin;
      if (tmax < dmax) dmax = tmax;
    }
    const d = new Float64Array(512).fill(0xffffffff);
    const c = new Uint8Array(512);
    for (let i = 0; i < this.size; i++) {
      if (dmin[i]! > dmax) continue;
      let ri = r0 - pal[i * 3]!;
      let gi = g0 - pal[i * 3 + 1]!;
      let bi = b0 - pal[i * 3 + 2]!;
      let rd = ri * ri + gi * gi + bi * bi;
      ri = ri * 8 + 16;
      gi = gi * 8 + 16;
      bi = bi * 8 + 16;
      let rx = ri;
      let j = 0;
      for (let rr = 0; rr < 8; rr++) {
        let gd = rd;
        let gx = gi;
        for (let gg = 0; gg < 8; gg++) {
          let bd = gd;
          let bx = bi;
          for (let bb = 0; bb < 8; bb++, j++) {
            if (bd < d[j]!) {
              d[j] = bd;
              c[j] = i;
            }
            bd += bx;
            bx += 32;
          }
          gd += gx;
          gx += 32;
        }
        rd += rx;
        rx += 32;
      }
    }
    let j = 0;
    for (let rr = r0; rr < r1; rr += 4)
      for (let gg = g0; gg < g1; gg += 4)
        for (let bb = b0; bb < b1; bb += 4) this.cache[(rr >> 2) + (gg >> 2) * 64 + (bb >> 2) * 4096] = c[j++]!;
  }
}

const clip8 = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : v);

/** Convert.c topalette for RGB: palette indices of each pixel, nearest colour or Floyd–Steinberg. */
export function mapToPalette(rgb: Uint8Array, width: number, height: number, palette: Uint8Array, size: number, dither: boolean): Uint8Array {
  const cache = new PaletteCache(palette, size);
  const out = new Uint8Array(width * height);
  if (!dither) {
    for (let p = 0; p < width * height; p++) out[p] = cache.lookup(rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!);
    return out;
  }
  const errors = new Int32Array((width + 1) * 3);
  for (let y = 0; y < height; y++) {
    let [r, r0, r1, r2] = [0, 0, 0, 0];
    let [g, g0, g1, g2] = [0, 0, 0, 0];
    let [b, b0, b1, b2] = [0, 0, 0, 0];
    let e = 0;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      r = clip8(rgb[i]! + Math.trunc((r + errors[e + 3]!) / 16));
      g = clip8(rgb[i + 1]! + Math.trunc((g + errors[e + 4]!) / 16));
      b = clip8(rgb[i + 2]! + Math.trunc((b + errors[e + 5]!) / 16));
      const idx = cache.lookup(r, g, b);
      out[y * width + x] = idx;
      r -= palette[idx * 3]!;
      g -= palette[idx * 3 + 1]!;
      b -= palette[idx * 3 + 2]!;
      // Error propagation exactly as Convert.c writes it (3/16, 5/16, 1/16 via running sums).
      let d2: number;
      r2 = r; d2 = r + r; r += d2; errors[e] = r + r0; r += d2; r0 = r + r1; r1 = r2; r += d2;
      g2 = g; d2 = g + g; g += d2; errors[e + 1] = g + g0; g += d2; g0 = g + g1; g1 = g2; g += d2;
      b2 = b; d2 = b + b; b += d2; errors[e + 2] = b + b0; b += d2; b0 = b + b1; b1 = b2; b += d2;
      e += 3;
    }
    // Sic: Convert.c stores the blue carries in all three slots of the row's last entry.
    errors[e] = b0;
    errors[e + 1] = b1;
    errors[e + 2] = b2;
  }
  return out;
}
