// SaveLatent and LoadLatent (nodes.py, category _for_testing): a latent as a `.latent` file, which is safetensors
// with `latent_tensor` (float32 samples) and an empty `latent_format_version_0` marker, plus the prompt and
// extra_pnginfo as JSON metadata unless --disable-metadata. Files without the marker predate the format change
// and are scaled by 1/0.18215 on load, as ComfyUI does.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Tensor } from '../../inference/tensor.ts';
import { openSafetensors } from '../../inference/files/safetensors.ts';
import { safetensorsHeader } from '../../inference/files/safetensors-writer.ts';
import { pythonJsonDumps } from '../../python/json-dumps.ts';
import { planSave, rememberSaved } from '../../imaging/save-path.ts';
import { writeFileAtomic } from '../../storage/atomic-write.ts';
import type { NodeContext, NodeDefinition, NodeServices } from '../node-definition.ts';
import { requireLatent, requireString } from '../utils/node-args.ts';

/** The safetensors bytes of a `.latent` file. */
export function latentFileBytes(samples: Tensor, metadata?: Record<string, string>): Buffer {
  const header = safetensorsHeader(
    [
      { name: 'latent_tensor', dtype: 'F32', shape: samples.shape },
      { name: 'latent_format_version_0', dtype: 'F32', shape: [0] },
    ],
    metadata,
  );
  const data = Buffer.from(samples.data.buffer, samples.data.byteOffset, samples.data.byteLength);
  return Buffer.concat([header, data]);
}

export const saveLatentNode: NodeDefinition = {
  name: 'SaveLatent',
  schemaFormat: 'v1',
  displayName: 'SaveLatent',
  pythonModule: 'nodes',
  category: '_for_testing',
  inputs: {
    required: { samples: ['LATENT'], filename_prefix: ['STRING', { default: 'latents/ComfyUI' }] },
    hidden: { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' },
  },
  outputs: [],
  outputNode: true,
  async execute(inputs, ctx) {
    const samples = requireLatent('samples', inputs.samples).samples;
    const prefix = requireString('filename_prefix', inputs.filename_prefix ?? 'ComfyUI');
    const plan = planSave(prefix, ctx.services.paths.outputDir, 1, 'latent', {
      resolveInside: (root, rel) => ctx.services.paths.resolveInside(root, rel),
    });
    const { target, names: [file] } = plan;
    let metadata: Record<string, string> | undefined;
    if (!ctx.services.options.disableMetadata) {
      metadata = { prompt: inputs.prompt == null ? '' : pythonJsonDumps(inputs.prompt) };
      if (inputs.extra_pnginfo && typeof inputs.extra_pnginfo === 'object') {
        for (const [k, v] of Object.entries(inputs.extra_pnginfo)) metadata[k] = pythonJsonDumps(v);
      }
    }
    await writeFileAtomic(path.join(target.fullOutputFolder, file!), latentFileBytes(samples, metadata));
    rememberSaved(plan);
    return { ui: { latents: [{ filename: file, subfolder: target.subfolder, type: 'output' }] } };
  },
};

function servicesOf(arg: NodeServices | NodeContext | undefined): NodeServices | undefined {
  if (!arg) return undefined;
  return 'services' in arg ? arg.services : arg;
}

function latentPath(services: NodeServices, name: unknown): string {
  const file = typeof name === 'string' ? services.paths.resolveAnnotated(name) : null;
  if (!file || !existsSync(file)) throw new Error(`Invalid latent file: ${String(name)}`);
  return file;
}

export const loadLatentNode: NodeDefinition = {
  name: 'LoadLatent',
  schemaFormat: 'v1',
  displayName: 'LoadLatent',
  pythonModule: 'nodes',
  category: '_for_testing',
  inputs: {
    required: {
      latent: [(services?: NodeServices) => services?.paths.listInputFiles().filter((f) => f.endsWith('.latent')) ?? []],
    },
  },
  outputs: [{ type: 'LATENT' }],
  async execute(inputs, ctx) {
    const file = await openSafetensors(latentPath(ctx.services, inputs.latent));
    try {
      const ref = file.tensors.get('latent_tensor');
      if (!ref) throw new Error(`${String(inputs.latent)} has no latent_tensor`);
      const multiplier = file.tensors.has('latent_format_version_0') ? 1.0 : 1.0 / 0.18215;
      const data = await file.readFloat32(ref);
      if (multiplier !== 1) {
        const m = Math.fround(multiplier);
        for (let i = 0; i < data.length; i++) data[i] = data[i]! * m;
      }
      return [{ samples: new Tensor(ref.shape, data) }];
    } finally {
      await file.close?.();
    }
  },
  async isChanged(inputs, ctx) {
    return createHash('sha256').update(await readFile(latentPath(ctx.services, inputs.latent))).digest('hex');
  },
  validateInputs(inputs, arg?: NodeServices | NodeContext) {
    const services = servicesOf(arg);
    if (!services) return true;
    const file = typeof inputs.latent === 'string' ? services.paths.resolveAnnotated(inputs.latent) : null;
    return file !== null && existsSync(file) ? true : `Invalid latent file: ${String(inputs.latent)}`;
  },
  validateInputsTakes: ['latent'],
};
