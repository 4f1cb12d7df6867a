// LotusConditioning (comfy_extras/nodes_lotus.py): Lotus runs its frozen text encoder on the empty prompt only, so
// the conditioning is a constant. Its values are a model output, stored in data/lotus-null-prompt-embeds.safetensors
// (tensor `prompt_embeds`, float32 [1, 2, 1024]) and read once per process.
import { fileURLToPath } from 'node:url';
import type { NodeDefinition } from '../node-definition.ts';
import { Tensor } from '../../inference/tensor.ts';
import { openSafetensors } from '../../inference/files/safetensors.ts';

const EMBEDS_FILE = fileURLToPath(new URL('./data/lotus-null-prompt-embeds.safetensors', import.meta.url));
const EMBEDS_SHAPE = [1, 2, 1024];

let embeds: Promise<Tensor> | undefined;

async function readEmbeds(): Promise<Tensor> {
  const file = await openSafetensors(EMBEDS_FILE);
  const ref = file.tensors.get('prompt_embeds');
  if (!ref || ref.shape.join(',') !== EMBEDS_SHAPE.join(',')) {
    throw new Error(`${EMBEDS_FILE}: expected tensor prompt_embeds of shape [${EMBEDS_SHAPE.join(', ')}]`);
  }
  return new Tensor(ref.shape, await file.readFloat32(ref));
}

export const lotusConditioning: NodeDefinition = {
  name: 'LotusConditioning',
  schemaFormat: 'v3',
  pythonModule: 'comfy_extras.nodes_lotus',
  category: 'conditioning/lotus',
  inputs: { required: {} },
  outputs: [{ type: 'CONDITIONING', name: 'conditioning' }],
  async execute() {
    embeds ??= readEmbeds().catch((err: unknown) => {
      embeds = undefined;
      throw err;
    });
    // A fresh copy per run: downstream nodes must not be able to alter the shared constant.
    return [[[(await embeds).clone(), {}]]];
  },
};
