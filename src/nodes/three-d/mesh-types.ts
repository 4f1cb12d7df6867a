// The VOXEL and MESH values of the 3D nodes (comfy_api `Types.VOXEL` / `Types.MESH`). A voxel grid is a float
// tensor [batch, depth, height, width]; a mesh batch stacks equally sized meshes: vertex positions
// [batch, vertices, 3] (float32) and triangle corner indices [batch, faces, 3] (uint32, exact at any size).
import { Tensor } from '../../inference/tensor.ts';
import { isTensor } from '../utils/node-args.ts';

export interface VoxelValue {
  data: Tensor;
}

export interface FaceIndices {
  shape: readonly [batch: number, faces: number, corners: 3];
  data: Uint32Array;
}

export interface MeshValue {
  vertices: Tensor;
  faces: FaceIndices;
}

/** One mesh of a batch. */
export interface MeshItem {
  vertices: Float32Array;
  faces: Uint32Array;
}

export function requireVoxel(name: string, value: unknown): VoxelValue {
  const data = (value as Partial<VoxelValue> | null)?.data;
  if (typeof value !== 'object' || value === null || !isTensor(data) || data.rank !== 4) {
    throw new Error(`${name} must be a VOXEL value (a data tensor [batch, depth, height, width])`);
  }
  return value as VoxelValue;
}

export function requireMesh(name: string, value: unknown): MeshValue {
  const mesh = value as Partial<MeshValue> | null;
  const faces = mesh?.faces;
  const ok = typeof value === 'object' && value !== null && isTensor(mesh!.vertices) && mesh!.vertices.rank === 3
    && mesh!.vertices.shape[2] === 3 && faces !== undefined && faces.data instanceof Uint32Array
    && faces.shape.length === 3 && faces.shape[0] === mesh!.vertices.shape[0] && faces.data.length === faces.shape[0] * faces.shape[1] * 3;
  if (!ok) throw new Error(`${name} must be a MESH value (vertices [batch, n, 3] and faces [batch, m, 3])`);
  return value as MeshValue;
}

/** `torch.stack` of per-item meshes, which must all have the same vertex and face counts. */
export function stackMeshes(items: readonly MeshItem[]): MeshValue {
  const n = items[0]!.vertices.length / 3;
  const m = items[0]!.faces.length / 3;
  items.forEach((item, i) => {
    const [a, b] = item.vertices.length / 3 !== n ? [n, item.vertices.length / 3] : [m, item.faces.length / 3];
    if (a !== b) throw new Error(`stack expects each tensor to be equal size, but got [${a}, 3] at entry 0 and [${b}, 3] at entry ${i}`);
  });
  const vertices = new Tensor([items.length, n, 3]);
  const faces = new Uint32Array(items.length * m * 3);
  items.forEach((item, i) => {
    vertices.data.set(item.vertices, i * n * 3);
    faces.set(item.faces, i * m * 3);
  });
  return { vertices, faces: { shape: [items.length, m, 3], data: faces } };
}

export function meshItem(mesh: MeshValue, index: number): MeshItem {
  const n = mesh.vertices.shape[1]!;
  const m = mesh.faces.shape[1];
  return {
    vertices: mesh.vertices.data.subarray(index * n * 3, (index + 1) * n * 3),
    faces: mesh.faces.data.subarray(index * m * 3, (index + 1) * m * 3),
  };
}
