// comfy_extras/nodes_primitive.py (V3): constant widgets that output their value. PrimitiveInt/PrimitiveFloat bound
// their value by ±sys.maxsize (2^63 − 1), written as exact integer literals (bigint) in `/object_info`.
import type { NodeDefinition } from '../node-definition.ts';
import { v3Boolean, v3Float, v3Int, v3String } from './v3-io.ts';

const PRIMITIVE = { schemaFormat: 'v3', pythonModule: 'comfy_extras.nodes_primitive', category: 'utils/primitive' } as const;
const MAXSIZE = 9223372036854775807n;

function check(name: string, ok: boolean, value: unknown, what: string): void {
  if (!ok) throw new Error(`${name}: value must be ${what}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
}

export const primitiveStringNode: NodeDefinition = {
  ...PRIMITIVE,
  name: 'PrimitiveString',
  displayName: 'String',
  inputs: { required: { value: v3String() } },
  outputs: [{ type: 'STRING' }],
  execute({ value }) {
    check('PrimitiveString', typeof value === 'string', value, 'a string');
    return [value];
  },
};

export const primitiveStringMultilineNode: NodeDefinition = {
  ...PRIMITIVE,
  name: 'PrimitiveStringMultiline',
  displayName: 'String (Multiline)',
  inputs: { required: { value: v3String({ multiline: true }) } },
  outputs: [{ type: 'STRING' }],
  execute({ value }) {
    check('PrimitiveStringMultiline', typeof value === 'string', value, 'a string');
    return [value];
  },
};

export const primitiveIntNode: NodeDefinition = {
  ...PRIMITIVE,
  name: 'PrimitiveInt',
  displayName: 'Int',
  inputs: { required: { value: v3Int({ min: -MAXSIZE, max: MAXSIZE, controlAfterGenerate: true }) } },
  outputs: [{ type: 'INT' }],
  execute({ value }) {
    check('PrimitiveInt', typeof value === 'bigint' || Number.isInteger(value), value, 'an integer');
    return [value];
  },
};

export const primitiveFloatNode: NodeDefinition = {
  ...PRIMITIVE,
  name: 'PrimitiveFloat',
  displayName: 'Float',
  inputs: { required: { value: v3Float({ min: -MAXSIZE, max: MAXSIZE, step: 0.1 }) } },
  outputs: [{ type: 'FLOAT' }],
  execute({ value }) {
    check('PrimitiveFloat', typeof value === 'number' || typeof value === 'bigint', value, 'a number');
    return [typeof value === 'bigint' ? Number(value) : value];
  },
};

export const primitiveBooleanNode: NodeDefinition = {
  ...PRIMITIVE,
  name: 'PrimitiveBoolean',
  displayName: 'Boolean',
  inputs: { required: { value: v3Boolean() } },
  outputs: [{ type: 'BOOLEAN' }],
  execute({ value }) {
    check('PrimitiveBoolean', typeof value === 'boolean', value, 'a boolean');
    return [value];
  },
};
