// Where things live on disk: ComfyUI's folder layout (base, models/<folder>, input, output, temp, user)
// and the model-folder registry with extra_model_paths.yaml. Every path a client names is resolved here,
// confined to its root (symlinks included).

/** What the rest of the program needs of the folder layout. */
export interface FolderPaths {
  readonly baseDir: string;
  readonly inputDir: string;
  readonly outputDir: string;
  readonly tempDir: string;
  readonly userDir: string;
  /** The directory of an annotated type: "input" | "output" | "temp"; null for anything else. */
  dirForType(type: string): string | null;
  /** Registered model folder names, in registration order (api.md §3.3). */
  modelFolderNames(): string[];
  /** The search paths of a model folder (legacy aliases `unet`/`clip` map to their new names); [] if unknown. */
  modelFolderPaths(folder: string): string[];
  /** Sorted relative file names in a model folder, filtered by its extensions (nodes.md §6). */
  listModels(folder: string): string[];
  /** The absolute path of a model file by its listed name, or null if absent or outside the folder. */
  resolveModel(folder: string, name: string): string | null;
  /**
   * Resolves `relative` (may contain subfolders) inside `root`; null if it would leave `root`
   * through `..`, an absolute path or a symlink pointing outside.
   */
  resolveInside(root: string, relative: string): string | null;
  /** Image files in input/ (top level) as LoadImage lists them. */
  listInputFiles(options?: { imagesOnly?: boolean }): string[];
}
