// VoxelToMeshBasic, VoxelToMesh and SaveGLB (nodes_hunyuan3d.py): mesh a voxel batch item by item, and write
// each mesh of a batch as `<prefix>_<counter:05>_.glb` (the counter advancing per mesh) with the prompt and
// extra_pnginfo as JSON strings in `asset.extras` unless --disable-metadata.
import path from 'node:path';
import type { NodeDefinition } from '../node-definition.ts';
import { planSave, rememberSaved } from '../../imaging/save-path.ts';
import { pythonJsonDumps } from '../../python/json-dumps.ts';
import { writeFileAtomic } from '../../storage/atomic-write.ts';
import type { SavedFile } from '../image/save-image.ts';
import { requireChoice, requireNumber, requireString } from '../utils/node-args.ts';
import { V3_OUTPUT_HIDDEN, v3Combo, v3Float, v3Socket, v3String } from '../utils/v3-io.ts';
import { encodeGlb } from './glb.ts';
import { meshItem, requireMesh, requireVoxel, stackMeshes, type MeshItem, type VoxelValue } from './mesh-types.ts';
import { voxelToMeshBasic, voxelToMeshSurfaceNet, type Grid } from './voxel-to-mesh.ts';

const THRESHOLD = v3Float({ default: 0.6, min: -1.0, max: 1.0, step: 0.01 });

function meshVoxels(voxel: VoxelValue, algorithm: (grid: Grid, threshold: number) => MeshItem, threshold: number, checkInterrupted: () => void) {
  const [batch, depth, height, width] = voxel.data.shape as [number, number, number, number];
  if (batch === 0) throw new Error('voxel: the batch is empty');
  const size = depth * height * width;
  const items: MeshItem[] = [];
  for (let b = 0; b < batch; b++) {
    checkInterrupted();
    items.push(algorithm({ data: voxel.data.data.subarray(b * size, (b + 1) * size), depth, height, width }, threshold));
  }
  return stackMeshes(items);
}

export const voxelToMeshBasicNode: NodeDefinition = {
  name: 'VoxelToMeshBasic',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_hunyuan3d',
  category: '3d',
  inputs: { required: { voxel: v3Socket('VOXEL'), threshold: THRESHOLD } },
  outputs: [{ type: 'MESH' }],
  execute(inputs, ctx) {
    const voxel = requireVoxel('voxel', inputs.voxel);
    const threshold = requireNumber('threshold', inputs.threshold ?? 0.6);
    return [meshVoxels(voxel, voxelToMeshBasic, threshold, () => ctx.checkInterrupted())];
  },
};

const ALGORITHMS = ['surface net', 'basic'] as const;

export const voxelToMeshNode: NodeDefinition = {
  name: 'VoxelToMesh',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_hunyuan3d',
  category: '3d',
  inputs: { required: { voxel: v3Socket('VOXEL'), algorithm: v3Combo(ALGORITHMS), threshold: THRESHOLD } },
  outputs: [{ type: 'MESH' }],
  execute(inputs, ctx) {
    const voxel = requireVoxel('voxel', inputs.voxel);
    const algorithm = requireChoice('algorithm', inputs.algorithm, ALGORITHMS);
    const threshold = requireNumber('threshold', inputs.threshold ?? 0.6);
    const mesher = algorithm === 'basic' ? voxelToMeshBasic : voxelToMeshSurfaceNet;
    return [meshVoxels(voxel, mesher, threshold, () => ctx.checkInterrupted())];
  },
};

export const saveGLB: NodeDefinition = {
  name: 'SaveGLB',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_hunyuan3d',
  category: '3d',
  inputs: {
    required: { mesh: v3Socket('MESH'), filename_prefix: v3String({ default: 'mesh/ComfyUI' }) },
    hidden: V3_OUTPUT_HIDDEN,
  },
  outputs: [],
  outputNode: true,
  async execute(inputs, ctx) {
    const mesh = requireMesh('mesh', inputs.mesh);
    const prefix = requireString('filename_prefix', inputs.filename_prefix ?? 'mesh/ComfyUI');
    const plan = planSave(prefix, ctx.services.paths.outputDir, mesh.vertices.shape[0]!, 'glb', { resolveInside: (root, rel) => ctx.services.paths.resolveInside(root, rel) });
    const { target, names } = plan;
    const metadata: Record<string, string> = {};
    if (!ctx.services.options.disableMetadata) {
      if (inputs.prompt !== undefined && inputs.prompt !== null) metadata.prompt = pythonJsonDumps(inputs.prompt);
      if (inputs.extra_pnginfo && typeof inputs.extra_pnginfo === 'object') {
        for (const [k, v] of Object.entries(inputs.extra_pnginfo)) metadata[k] = pythonJsonDumps(v);
      }
    }
    const results: SavedFile[] = [];
    for (let i = 0; i < mesh.vertices.shape[0]!; i++) {
      ctx.checkInterrupted();
      const file = names[i]!;
      await writeFileAtomic(path.join(target.fullOutputFolder, file), encodeGlb(meshItem(mesh, i), metadata));
      results.push({ filename: file, subfolder: target.subfolder, type: 'output' });
    }
    rememberSaved(plan);
    return { ui: { '3d': results } };
  },
};
