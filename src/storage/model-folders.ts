// The model-folder registry as ComfyUI's folder_paths.py declares it (nodes.md §6.1, changes-0.8.0.md §9.4).

/** The default extension set `PT` (matched case-insensitively). */
export const PT_EXTENSIONS: readonly string[] = ['.ckpt', '.pt', '.pt2', '.bin', '.pth', '.safetensors', '.pkl', '.sft'];

/** Legacy folder names accepted by loaders and extra_model_paths.yaml (not by `GET /models/{folder}`). */
export const LEGACY_FOLDER_ALIASES: Readonly<Record<string, string>> = { unet: 'diffusion_models', clip: 'text_encoders' };

export function mapLegacyFolder(name: string): string {
  return Object.hasOwn(LEGACY_FOLDER_ALIASES, name) ? LEGACY_FOLDER_ALIASES[name] : name;
}

export interface ModelFolder {
  /** Absolute search paths, in lookup order. */
  paths: string[];
  /**
   * Lower-cased extensions with the dot. Empty = every file; `['']` = only files without an extension;
   * `['folder']` (diffusers) matches no file.
   */
  extensions: string[];
}

type Root = 'models' | 'base';

/** Registration order is the order of `GET /models`. */
const DEFAULT_FOLDERS: ReadonlyArray<[name: string, root: Root, dirs: string[], extensions: readonly string[]]> = [
  ['checkpoints', 'models', ['checkpoints'], PT_EXTENSIONS],
  ['configs', 'models', ['configs'], ['.yaml']],
  ['loras', 'models', ['loras'], PT_EXTENSIONS],
  ['vae', 'models', ['vae'], PT_EXTENSIONS],
  ['text_encoders', 'models', ['text_encoders', 'clip'], PT_EXTENSIONS],
  ['diffusion_models', 'models', ['unet', 'diffusion_models'], PT_EXTENSIONS],
  ['clip_vision', 'models', ['clip_vision'], PT_EXTENSIONS],
  ['style_models', 'models', ['style_models'], PT_EXTENSIONS],
  ['embeddings', 'models', ['embeddings'], PT_EXTENSIONS],
  ['diffusers', 'models', ['diffusers'], ['folder']],
  ['vae_approx', 'models', ['vae_approx'], PT_EXTENSIONS],
  ['controlnet', 'models', ['controlnet', 't2i_adapter'], PT_EXTENSIONS],
  ['gligen', 'models', ['gligen'], PT_EXTENSIONS],
  ['upscale_models', 'models', ['upscale_models'], PT_EXTENSIONS],
  ['latent_upscale_models', 'models', ['latent_upscale_models'], PT_EXTENSIONS],
  ['custom_nodes', 'base', ['custom_nodes'], []],
  ['hypernetworks', 'models', ['hypernetworks'], PT_EXTENSIONS],
  ['photomaker', 'models', ['photomaker'], PT_EXTENSIONS],
  ['classifiers', 'models', ['classifiers'], ['']],
  ['model_patches', 'models', ['model_patches'], PT_EXTENSIONS],
  ['audio_encoders', 'models', ['audio_encoders'], PT_EXTENSIONS],
];

/** Folders that main.py also searches below the output directory, so saved models can be loaded back. */
export const OUTPUT_MODEL_FOLDERS: ReadonlyArray<[folder: string, subdir: string]> = [
  ['checkpoints', 'checkpoints'],
  ['text_encoders', 'clip'],
  ['vae', 'vae'],
  ['diffusion_models', 'diffusion_models'],
  ['loras', 'loras'],
];

export function defaultModelFolders(join: (...p: string[]) => string, baseDir: string): Map<string, ModelFolder> {
  const folders = new Map<string, ModelFolder>();
  for (const [name, root, dirs, extensions] of DEFAULT_FOLDERS) {
    const parent = root === 'models' ? join(baseDir, 'models') : baseDir;
    folders.set(name, { paths: dirs.map((d) => join(parent, d)), extensions: [...extensions] });
  }
  return folders;
}

/** add_model_folder_path: append, or with `isDefault` move/insert at the front; unknown names create a folder. */
export function addModelFolderPath(
  folders: Map<string, ModelFolder>,
  name: string,
  fullPath: string,
  isDefault = false,
): void {
  const folderName = mapLegacyFolder(name);
  const folder = folders.get(folderName);
  if (!folder) {
    folders.set(folderName, { paths: [fullPath], extensions: [] });
    return;
  }
  const at = folder.paths.indexOf(fullPath);
  if (at >= 0) {
    if (isDefault && at > 0) {
      folder.paths.splice(at, 1);
      folder.paths.unshift(fullPath);
    }
  } else if (isDefault) {
    folder.paths.unshift(fullPath);
  } else {
    folder.paths.push(fullPath);
  }
}
