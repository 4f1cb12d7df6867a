// comfy_extras/nodes_logic.py (new in ComfyUI 0.8.0, V3, experimental): ComfySwitchNode and CustomCombo.
import type { NodeDefinition } from '../node-definition.ts';
import { v3Boolean, v3Combo, v3MatchType } from './v3-io.ts';

const LOGIC = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_logic', experimental: true } as const;

/**
 * "Switch": returns `on_true` or `on_false`. Both inputs are lazy, so the engine evaluates only the branch the
 * switch selects (checkLazyStatus names it while its value is still missing).
 */
export const comfySwitchNode: NodeDefinition = {
  ...LOGIC,
  name: 'ComfySwitchNode',
  displayName: 'Switch',
  category: 'logic',
  inputs: {
    required: {
      switch: v3Boolean(),
      on_false: v3MatchType('switch', '*', { lazy: true }),
      on_true: v3MatchType('switch', '*', { lazy: true }),
    },
  },
  outputs: [{ type: 'COMFY_MATCHTYPE_V3', name: 'output', matchType: 'switch' }],
  checkLazyStatus(inputs) {
    if (inputs.switch && inputs.on_true == null) return ['on_true'];
    if (!inputs.switch && inputs.on_false == null) return ['on_false'];
    return [];
  },
  execute: (inputs) => [inputs.switch ? inputs.on_true : inputs.on_false],
};

/** "Custom Combo": a combo whose options the frontend defines; any submitted value is accepted and returned. */
export const customComboNode: NodeDefinition = {
  ...LOGIC,
  name: 'CustomCombo',
  displayName: 'Custom Combo',
  category: 'utils',
  inputs: { required: { choice: v3Combo([]) } },
  outputs: [{ type: 'STRING' }],
  validateInputs: () => true,
  validateInputsTakes: ['choice'],
  execute(inputs) {
    if (typeof inputs.choice !== 'string') throw new Error('choice must be a string');
    return [inputs.choice];
  },
};
