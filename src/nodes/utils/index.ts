// The utility nodes, in ComfyUI's registration order: nodes_primitive.py, nodes_preview_any.py, nodes_string.py,
// nodes_logic.py. Note, MarkdownNote, PrimitiveNode and Reroute are frontend-only: the UI drops them from the API
// prompt, so the server registers no such classes (ComfyUI answers "node Note does not exist" if one is submitted).
import type { NodeDefinition } from '../node-definition.ts';
import { comfySwitchNode, customComboNode } from './logic.ts';
import { previewAnyNode } from './preview-any.ts';
import { primitiveBooleanNode, primitiveFloatNode, primitiveIntNode, primitiveStringMultilineNode, primitiveStringNode } from './primitives.ts';
import { stringNodes } from './string-nodes.ts';

export const utilsNodes: NodeDefinition[] = [
  primitiveStringNode,
  primitiveStringMultilineNode,
  primitiveIntNode,
  primitiveFloatNode,
  primitiveBooleanNode,
  previewAnyNode,
  ...stringNodes,
  comfySwitchNode,
  customComboNode,
];
