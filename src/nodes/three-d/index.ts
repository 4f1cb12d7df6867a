// comfy_extras/nodes_load_3d.py and the model-free part of nodes_hunyuan3d.py: the 3D viewer's load/preview
// nodes, voxel meshing and GLB export.
import type { NodeDefinition } from '../node-definition.ts';
import { load3D, preview3D } from './load-3d.ts';
import { saveGLB, voxelToMeshBasicNode, voxelToMeshNode } from './mesh-nodes.ts';

export const threeDNodes: NodeDefinition[] = [load3D, preview3D, voxelToMeshBasicNode, voxelToMeshNode, saveGLB];
