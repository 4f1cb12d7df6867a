// Voxel grid → triangle mesh, the two algorithms of ComfyUI's nodes_hunyuan3d.py, reproducing its vertex and face
// order. Grids are indexed (z, y, x); vertices are centred on the grid, scaled by half its largest side into
// [-1, 1] and reversed to (x, y, z). Arithmetic is float32 as in torch.
//   basic: every solid cell (value > threshold) contributes a quad per face not shared with a solid neighbour.
//   surface net: one vertex per cell whose 8 corners straddle the threshold, at the mean of its edge crossings,
//   joined into quads with neighbouring surface cells and oriented by the inside→outside direction.
import { f32 } from '../utils/tensor-ops.ts';
import type { MeshItem } from './mesh-types.ts';

export interface Grid {
  data: Float32Array;
  depth: number;
  height: number;
  width: number;
}

/** The six face directions and the corners of each face, as (dz, dy, dx). */
const NEIGHBOURS = [[0, 0, 1], [0, 0, -1], [0, 1, 0], [0, -1, 0], [1, 0, 0], [-1, 0, 0]] as const;
const FACE_CORNERS = [
  [[0, 0, 1], [0, 1, 1], [1, 1, 1], [1, 0, 1]],
  [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]],
  [[0, 1, 0], [1, 1, 0], [1, 1, 1], [0, 1, 1]],
  [[0, 0, 0], [0, 0, 1], [1, 0, 1], [1, 0, 0]],
  [[1, 0, 1], [1, 1, 1], [1, 1, 0], [1, 0, 0]],
  [[0, 1, 0], [0, 1, 1], [0, 0, 1], [0, 0, 0]],
] as const;

/** Centres, scales and flips (z, y, x) → (x, y, z) in place. */
function normalise(vertices: Float32Array, grid: Grid): Float32Array {
  const max = Math.max(grid.depth, grid.height, grid.width);
  const half = f32(max / 2);
  for (let i = 0; i < vertices.length; i += 3) {
    const [z, y, x] = [vertices[i]!, vertices[i + 1]!, vertices[i + 2]!].map((v) => (half > 0 ? f32(f32(v - half) / half) : f32(v - half)));
    vertices[i] = x!;
    vertices[i + 1] = y!;
    vertices[i + 2] = z!;
  }
  return vertices;
}

export function voxelToMeshBasic(grid: Grid, threshold: number): MeshItem {
  const { data, depth: D, height: H, width: W } = grid;
  const t = f32(threshold);
  const solid = (z: number, y: number, x: number) => z >= 0 && y >= 0 && x >= 0 && z < D && y < H && x < W && data[(z * H + y) * W + x]! > t;
  const cells: number[] = [];
  for (let i = 0; i < D * H * W; i++) if (data[i]! > t) cells.push(i);
  const vertices: number[] = [];
  const faces: number[] = [];
  for (let f = 0; f < 6; f++) {
    const [dz, dy, dx] = NEIGHBOURS[f]!;
    const base = vertices.length / 3;
    let exposed = 0;
    for (const i of cells) {
      const z = Math.floor(i / (H * W));
      const y = Math.floor(i / W) % H;
      const x = i % W;
      if (solid(z + dz, y + dy, x + dx)) continue;
      for (const [cz, cy, cx] of FACE_CORNERS[f]!) vertices.push(z + cz, y + cy, x + cx);
      exposed++;
    }
    // All first triangles of this direction, then all second ones.
    for (let q = 0; q < exposed; q++) faces.push(base + 4 * q, base + 4 * q + 1, base + 4 * q + 2);
    for (let q = 0; q < exposed; q++) faces.push(base + 4 * q, base + 4 * q + 2, base + 4 * q + 3);
  }
  if (vertices.length === 0) return { vertices: normalise(new Float32Array(3), grid), faces: new Uint32Array(3) };
  return { vertices: normalise(Float32Array.from(vertices), grid), faces: Uint32Array.from(faces) };
}

const CELL_CORNERS = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1], [1, 0, 1], [0, 1, 1], [1, 1, 1]] as const;
const EDGES = [[0, 1], [0, 2], [0, 4], [1, 3], [1, 5], [2, 3], [2, 6], [3, 7], [4, 5], [4, 6], [5, 7], [6, 7]] as const;

interface ActiveCell {
  z: number;
  y: number;
  x: number;
  values: number[];
  inside: boolean[];
}

function activeCells(grid: Grid, t: number): ActiveCell[] {
  const { data, depth: D, height: H, width: W } = grid;
  // Corner (z+dz, y+dy, x+dx) of the zero-padded grid is voxel (z+dz−1, y+dy−1, x+dx−1).
  const at = (z: number, y: number, x: number) => (z < 1 || y < 1 || x < 1 || z > D || y > H || x > W ? 0 : data[((z - 1) * H + y - 1) * W + x - 1]!);
  const cells: ActiveCell[] = [];
  for (let z = 0; z < D; z++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const values = CELL_CORNERS.map(([dz, dy, dx]) => at(z + dz, y + dy, x + dx));
        const inside = values.map((v) => v > t);
        if (inside.includes(true) && inside.includes(false)) cells.push({ z, y, x, values, inside });
      }
    }
  }
  return cells;
}

export function voxelToMeshSurfaceNet(grid: Grid, threshold: number): MeshItem {
  const { depth: D, height: H, width: W } = grid;
  const t = f32(threshold);
  const cells = activeCells(grid, t);
  // Edge crossings per cell, in the order cells first get one (edge by edge), which is the vertex order.
  const crossings = new Map<number, number[][]>();
  for (const [e1, e2] of EDGES) {
    cells.forEach((cell, i) => {
      if (cell.inside[e1] === cell.inside[e2]) return;
      const v1 = cell.values[e1]!;
      const denom = f32(cell.values[e2]! - v1);
      const s = denom !== 0 ? f32(f32(t - v1) / denom) : 0.5;
      const p1 = CELL_CORNERS[e1]!;
      const p2 = CELL_CORNERS[e2]!;
      const point = [0, 1, 2].map((k) => f32(p1[k]! + f32(s * (p2[k]! - p1[k]!))));
      let list = crossings.get(i);
      if (!list) crossings.set(i, (list = []));
      list.push(point);
    });
  }
  if (crossings.size === 0) return { vertices: new Float32Array(0), faces: new Uint32Array(0) };
  const key = (z: number, y: number, x: number) => (z < D && y < H && x < W ? (z * H + y) * W + x : -1);
  const lookup = new Map<number, number>();
  const vertices = new Float32Array(crossings.size * 3);
  for (const [i, points] of crossings) {
    const cell = cells[i]!;
    const o = lookup.size * 3;
    [cell.z, cell.y, cell.x].forEach((c, k) => {
      let sum = 0;
      for (const p of points) sum = f32(sum + p[k]!);
      vertices[o + k] = f32(f32(sum / points.length) + c);
    });
    lookup.set(key(cell.z, cell.y, cell.x), lookup.size);
  }
  const faces: number[] = [];
  // Axis pairs (z,y), (z,x), (y,x); the quad's orientation follows the gradient's component along their cross product.
  const pairs = [[0, 1, (g: number[]) => g[2]!], [0, 2, (g: number[]) => -g[1]!], [1, 2, (g: number[]) => g[0]!]] as const;
  for (const [a, b, along] of pairs) {
    for (const cell of cells) {
      const pos = [cell.z, cell.y, cell.x];
      const shifted = (d: number[]) => key(pos[0]! + d[0]!, pos[1]! + d[1]!, pos[2]! + d[2]!);
      const unit = (axis: number) => [0, 1, 2].map((k) => (k === axis ? 1 : 0));
      const both = [0, 1, 2].map((k) => (k === a || k === b ? 1 : 0));
      const quad = [shifted([0, 0, 0]), shifted(unit(a)), shifted(unit(b)), shifted(both)].map((k) => lookup.get(k));
      if (quad.some((v) => v === undefined)) continue;
      const [v0, v1, v2, v3] = quad as number[];
      if (along(gradient(cell)) > 0) faces.push(v0!, v1!, v3!, v0!, v3!, v2!);
      else faces.push(v0!, v3!, v1!, v0!, v2!, v3!);
    }
  }
  return { vertices: normalise(vertices, grid), faces: Uint32Array.from(faces) };
}

/** Mean inside corner minus mean outside corner. */
function gradient(cell: ActiveCell): number[] {
  const inside = [0, 0, 0];
  const outside = [0, 0, 0];
  let nIn = 0;
  CELL_CORNERS.forEach((corner, c) => {
    const target = cell.inside[c] ? inside : outside;
    if (cell.inside[c]) nIn++;
    for (let k = 0; k < 3; k++) target[k] = f32(target[k]! + corner[k]!);
  });
  return [0, 1, 2].map((k) => f32(f32(inside[k]! / nIn) - f32(outside[k]! / (8 - nIn))));
}
