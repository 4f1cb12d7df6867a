// comfy_extras/nodes_hooks.py: the scheduling nodes that need no model (hook creation and application need one).
import type { NodeDefinition } from '../node-definition.ts';
import {
  conditioningTimestepsRange, createHookKeyframe, createHookKeyframesFromFloats, createHookKeyframesInterpolated,
} from './keyframe-nodes.ts';

export const hooksNodes: NodeDefinition[] = [
  conditioningTimestepsRange, createHookKeyframe, createHookKeyframesInterpolated, createHookKeyframesFromFloats,
];
