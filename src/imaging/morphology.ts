// Flat square-kernel morphology on planes (kornia.morphology with a kernel of ones and its default "geodesic"
// border: pixels outside the image are ignored). A k×k max/min is a row pass then a column pass, each a
// van Herk/Gil-Werman running extreme (three comparisons per sample whatever k is).
// The window of output x covers [x − o, x − o + k − 1] with o = ⌊k/2⌋ (centred for odd k).

/** 1-D running max or min over windows of `k` starting `o` before each sample, samples outside ignored. */
function runningExtreme(
  src: Float32Array, dst: Float32Array, n: number, start: number, stride: number, k: number, isMax: boolean,
  g: Float32Array, h: Float32Array,
): void {
  const o = Math.floor(k / 2);
  const len = n + k - 1; // padded sequence: index i holds sample i − o
  const identity = isMax ? -Infinity : Infinity;
  const pick = isMax ? Math.max : Math.min;
  for (let i = 0; i < len; i++) {
    const s = i - o;
    const v = s >= 0 && s < n ? src[start + s * stride]! : identity;
    g[i] = i % k === 0 ? v : pick(g[i - 1]!, v);
  }
  for (let i = len - 1; i >= 0; i--) {
    const s = i - o;
    const v = s >= 0 && s < n ? src[start + s * stride]! : identity;
    h[i] = i === len - 1 || (i + 1) % k === 0 ? v : pick(h[i + 1]!, v);
  }
  for (let x = 0; x < n; x++) dst[start + x * stride] = k === 1 ? g[x]! : pick(h[x]!, g[x + k - 1]!);
}

/** Dilation (max) or erosion (min) of `planes` planes of h×w with a k×k square. */
export function squareExtreme(src: Float32Array, planes: number, h: number, w: number, k: number, isMax: boolean): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const g = new Float32Array(Math.max(h, w) + k);
  const hh = new Float32Array(Math.max(h, w) + k);
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let y = 0; y < h; y++) runningExtreme(src, tmp, w, base + y * w, 1, k, isMax, g, hh);
    for (let x = 0; x < w; x++) runningExtreme(tmp, out, h, base + x, w, k, isMax, g, hh);
  }
  return out;
}
