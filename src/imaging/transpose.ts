// Transposing a grid per batch item: rows × cols elements of `group` values each become cols × rows. NHWC ↔ NCHW is
// this with group 1 ([H·W, C] ↔ [C, H·W]); Pillow's horizontal pass runs on pixel rows transposed with group = channels.
// Tiles keep both the reads and the writes within cache.
const TILE = 64;

export function transposeGrid<T extends Float32Array | Uint8Array>(src: T, out: T, batch: number, rows: number, cols: number, group = 1): T {
  const item = rows * cols * group;
  for (let b = 0; b < batch; b++) {
    const base = b * item;
    for (let y0 = 0; y0 < rows; y0 += TILE) {
      const y1 = Math.min(rows, y0 + TILE);
      for (let x0 = 0; x0 < cols; x0 += TILE) {
        const x1 = Math.min(cols, x0 + TILE);
        for (let y = y0; y < y1; y++) {
          let s = base + (y * cols + x0) * group;
          let d = base + (x0 * rows + y) * group;
          for (let x = x0; x < x1; x++, s += group, d += rows * group) {
            for (let c = 0; c < group; c++) out[d + c] = src[s + c]!;
          }
        }
      }
    }
  }
  return out;
}
