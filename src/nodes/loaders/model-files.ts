// What the model-loading nodes share: the inference services of this process, and a model file resolved by
// its listed name (ComfyUI's `get_full_path_or_raise`).
import { inferenceFor, type Inference } from '../../inference/models/sd-models.ts';
import type { NodeServices } from '../node-definition.ts';

export function inference(services: NodeServices): Inference {
  return inferenceFor(services.shared, services.paths, { cpu: services.options.cpu });
}

/** The absolute path of `name` in model folder `folder`, or ComfyUI's error when it is not there. */
export function modelPath(services: NodeServices, folder: string, name: unknown): string {
  const path = typeof name === 'string' ? services.paths.resolveModel(folder, name) : null;
  if (!path) throw new Error(`Model in folder '${folder}' with filename '${String(name)}' not found.`);
  return path;
}

/** A combo input listing the files of a model folder. */
export function modelList(folder: string) {
  return (services?: NodeServices) => services?.paths.listModels(folder) ?? [];
}
