// kornia.filters.canny (kornia 0.8) as ComfyUI's Canny node calls it: greyscale (0.299, 0.587, 0.114), 5×5
// Gaussian blur (sigma 1, reflect border), Sobel gradients (replicate border), non-maximum suppression along
// the gradient direction rounded to 45°, double threshold and hysteresis. Intermediates are rounded to float32
// as torch computes them, so values on a threshold compare the same way.
const f32 = Math.fround;

function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/** Separable 5-tap Gaussian (sigma 1), rows then columns, reflect padding. */
function gaussianBlur5(src: Float32Array, h: number, w: number): Float32Array {
  const g = [-2, -1, 0, 1, 2].map((x) => Math.exp(-(x * x) / 2));
  const sum = g.reduce((a, b) => a + b, 0);
  const k = g.map((v) => f32(v / sum));
  const tmp = new Float32Array(h * w);
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = 0; t < 5; t++) s += k[t]! * src[y * w + reflect(x + t - 2, w)]!;
      tmp[y * w + x] = s;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = 0; t < 5; t++) s += k[t]! * tmp[reflect(y + t - 2, h) * w + x]!;
      out[y * w + x] = s;
    }
  return out;
}

/** Neighbour offsets [dy, dx] of kornia's NMS/hysteresis kernels, index = direction in 45° steps. */
const DIRECTIONS: readonly (readonly [number, number])[] = [[0, 1], [1, 1], [1, 0], [1, -1], [0, -1], [-1, -1], [-1, 0], [-1, 1]];

/** Edges (0 or 1) of one greyscale plane, or of RGB planes converted to grey first. */
export function cannyEdges(planes: Float32Array[], h: number, w: number, low: number, high: number): Uint8Array {
  const n = h * w;
  let grey = planes[0]!;
  if (planes.length === 3) {
    grey = new Float32Array(n);
    for (let p = 0; p < n; p++) grey[p] = f32(f32(0.299 * planes[0]![p]!) + f32(0.587 * planes[1]![p]!)) + f32(0.114 * planes[2]![p]!);
  }
  const blurred = gaussianBlur5(grey, h, w);
  const at = (y: number, x: number) => blurred[Math.min(Math.max(y, 0), h - 1) * w + Math.min(Math.max(x, 0), w - 1)]!;
  const magnitude = new Float32Array(n);
  const direction = new Uint8Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const gx = f32(at(y - 1, x + 1) - at(y - 1, x - 1) + 2 * (at(y, x + 1) - at(y, x - 1)) + at(y + 1, x + 1) - at(y + 1, x - 1));
      const gy = f32(at(y + 1, x - 1) - at(y - 1, x - 1) + 2 * (at(y + 1, x) - at(y - 1, x)) + at(y + 1, x + 1) - at(y - 1, x + 1));
      magnitude[y * w + x] = Math.sqrt(f32(f32(f32(gx * gx) + f32(gy * gy)) + f32(1e-6)));
      // round(angle·4/π) with torch.round (half to even), taken modulo 8.
      const a = f32(f32(Math.atan2(gy, gx)) * f32(4 / Math.PI));
      let q = Math.round(a);
      if (Math.abs(a % 1) === 0.5 && q % 2 !== 0) q -= 1;
      direction[y * w + x] = ((q % 8) + 8) % 8;
    }
  }
  // Non-maximum suppression: strictly greater than both neighbours along the direction (outside counts as 0).
  const edges = new Uint8Array(n); // 0 none, 1 weak, 2 strong
  const mag = (y: number, x: number) => (y < 0 || y >= h || x < 0 || x >= w ? 0 : magnitude[y * w + x]!);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const m = magnitude[y * w + x]!;
      const d = direction[y * w + x]!;
      const [py, px] = DIRECTIONS[d]!;
      const [ny, nx] = DIRECTIONS[(d + 4) % 8]!;
      const isMax = f32(m - mag(y + py, x + px)) > 0 && f32(m - mag(y + ny, x + nx)) > 0;
      const v = isMax ? m : 0;
      edges[y * w + x] = v > high ? 2 : v > low ? 1 : 0;
    }
  }
  // Hysteresis: weak pixels 8-connected to a strong one become strong; the others are dropped.
  const stack: number[] = [];
  for (let p = 0; p < n; p++) if (edges[p] === 2) stack.push(p);
  while (stack.length > 0) {
    const p = stack.pop()!;
    const y = Math.floor(p / w);
    const x = p - y * w;
    for (const [dy, dx] of DIRECTIONS) {
      const yy = y + dy;
      const xx = x + dx;
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      const q = yy * w + xx;
      if (edges[q] === 1) {
        edges[q] = 2;
        stack.push(q);
      }
    }
  }
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) out[p] = edges[p] === 2 ? 1 : 0;
  return out;
}
