// Where things live on disk: ComfyUI's folder layout (base, models/<folder>, input, output, temp, user)
// and the model-folder registry with extra_model_paths.yaml. Every path a client names is resolved here,
// confined to its root (symlinks included).
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadExtraModelPaths } from './extra-model-paths.ts';
import { compareCodePoints, matchesExtensions, walkFiles } from './file-listing.ts';
import { isImageFile } from './mime-types.ts';
import {
  OUTPUT_MODEL_FOLDERS,
  addModelFolderPath,
  defaultModelFolders,
  mapLegacyFolder,
  type ModelFolder,
} from './model-folders.ts';
import { resolveInside } from './safe-path.ts';

export type DirectoryType = 'input' | 'output' | 'temp';

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
  /**
   * A file input name with an optional annotation suffix (` [input]`, ` [output]`, ` [temp]`) resolved inside the
   * annotated folder, else inside `defaultType`'s folder (default input); null if it leaves that folder.
   */
  resolveAnnotated(name: string, defaultType?: DirectoryType): string | null;
}

export interface FolderPathsOptions {
  /** `--base-directory` (the ComfyUI directory by default): models/, custom_nodes/, input/, output/, temp/, user/. */
  baseDir: string;
  /** `--output-directory` */
  outputDir?: string;
  /** `--input-directory` */
  inputDir?: string;
  /** `--temp-directory` as given on the command line: the temp folder is `<tempDir>/temp`, as in ComfyUI. */
  tempDir?: string;
  /** `--user-directory` */
  userDir?: string;
  /**
   * The install folder's extra_model_paths.yaml (ComfyUI reads the one beside main.py, whatever --base-directory
   * says); loaded first when it exists.
   */
  installExtraModelPaths?: string;
  /** `--extra-model-paths-config`, in order, after the install folder's file. */
  extraModelPathsConfig?: string[];
  /** Create the directories ComfyUI creates at start-up (default true). */
  createDirectories?: boolean;
  warn?: (message: string) => void;
}

const ANNOTATIONS: ReadonlyArray<[suffix: string, type: DirectoryType]> = [
  [' [output]', 'output'],
  [' [input]', 'input'],
  [' [temp]', 'temp'],
];

/** Splits ` [output]`-style annotations off a file input name (nodes.md §6.1). */
export function splitAnnotation(name: string): { name: string; type: DirectoryType | null } {
  for (const [suffix, type] of ANNOTATIONS) {
    if (name.endsWith(suffix)) return { name: name.slice(0, -suffix.length), type };
  }
  return { name, type: null };
}

interface CachedListing {
  files: string[];
  dirMtimes: Map<string, number>;
}

export function createFolderPaths(options: FolderPathsOptions): FolderPaths {
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const baseDir = path.resolve(options.baseDir);
  const outputDir = path.resolve(options.outputDir ?? path.join(baseDir, 'output'));
  const inputDir = path.resolve(options.inputDir ?? path.join(baseDir, 'input'));
  const tempDir = path.join(path.resolve(options.tempDir ?? baseDir), 'temp');
  const userDir = path.resolve(options.userDir ?? path.join(baseDir, 'user'));

  const folders = defaultModelFolders(path.join, baseDir);
  const yamlFiles = [options.installExtraModelPaths ?? ''].filter((f) => f !== '' && existsSync(f));
  for (const file of [...yamlFiles, ...(options.extraModelPathsConfig ?? [])]) {
    for (const entry of loadExtraModelPaths(file, warn)) addModelFolderPath(folders, entry.folder, entry.path, entry.isDefault);
  }
  for (const [folder, subdir] of OUTPUT_MODEL_FOLDERS) addModelFolderPath(folders, folder, path.join(outputDir, subdir));

  if (options.createDirectories !== false) {
    createStartupDirectories([inputDir, outputDir, tempDir, userDir], folders, baseDir, warn);
  }

  const cache = new Map<string, CachedListing>();
  const folderOf = (name: string): ModelFolder | undefined => folders.get(mapLegacyFolder(name));

  const listModels = (name: string): string[] => {
    const folderName = mapLegacyFolder(name);
    const folder = folders.get(folderName);
    if (!folder) return [];
    const cached = cache.get(folderName);
    if (cached && isFresh(cached, folder)) return [...cached.files];
    const files = new Set<string>();
    const dirMtimes = new Map<string, number>();
    for (const searchPath of folder.paths) {
      const walk = walkFiles(searchPath, { excludedDirNames: ['.git'] });
      for (const f of walk.files) if (matchesExtensions(f, folder.extensions)) files.add(f);
      for (const [d, t] of walk.dirMtimes) dirMtimes.set(d, t);
    }
    const listing = { files: [...files].sort(compareCodePoints), dirMtimes };
    cache.set(folderName, listing);
    return [...listing.files];
  };

  const dirForType = (type: string): string | null =>
    type === 'input' ? inputDir : type === 'output' ? outputDir : type === 'temp' ? tempDir : null;

  return {
    baseDir,
    inputDir,
    outputDir,
    tempDir,
    userDir,
    dirForType,
    modelFolderNames: () => [...folders.keys()],
    modelFolderPaths: (name) => [...(folderOf(name)?.paths ?? [])],
    listModels,
    resolveModel(name, fileName) {
      const folder = folderOf(name);
      if (!folder || typeof fileName !== 'string' || fileName === '' || fileName.includes('\0')) return null;
      // Lexical confinement only: an administrator may symlink model files in from elsewhere, as ComfyUI allows.
      const relative = path.posix.normalize(fileName.replace(/\\/g, '/'));
      if (path.isAbsolute(relative) || relative === '..' || relative.startsWith('../')) return null;
      for (const searchPath of folder.paths) {
        const full = path.join(searchPath, relative);
        if (isFile(full)) return full;
      }
      return null;
    },
    resolveInside,
    listInputFiles(opts = {}) {
      let names: string[];
      try {
        names = readdirSync(inputDir);
      } catch {
        return [];
      }
      const files = names.filter((n) => isFile(path.join(inputDir, n)) && (!opts.imagesOnly || isImageFile(n)));
      return files.sort(compareCodePoints);
    },
    resolveAnnotated(name, defaultType = 'input') {
      const split = splitAnnotation(name);
      return resolveInside(dirForType(split.type ?? defaultType) ?? inputDir, split.name);
    },
  };
}

function isFresh(cached: CachedListing, folder: ModelFolder): boolean {
  for (const [dir, mtime] of cached.dirMtimes) {
    try {
      if (statSync(dir).mtimeMs !== mtime) return false;
    } catch {
      return false;
    }
  }
  for (const searchPath of folder.paths) {
    if (!cached.dirMtimes.has(searchPath) && isDirectory(searchPath)) return false;
  }
  return true;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** input/, output/, temp/, user/ and the default model folders below the base (as a ComfyUI checkout ships them). */
function createStartupDirectories(
  dirs: string[],
  folders: Map<string, ModelFolder>,
  baseDir: string,
  warn: (m: string) => void,
): void {
  const modelsDir = path.join(baseDir, 'models');
  const defaults = [...folders.values()].flatMap((f) => f.paths).filter((p) => p.startsWith(modelsDir + path.sep));
  for (const dir of [...dirs, ...defaults, path.join(baseDir, 'custom_nodes')]) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      warn(`Failed to create directory ${dir}: ${(err as Error).message}`);
    }
  }
}

/**
 * ComfyUI deletes its temp folder at start-up and at exit (main.py `cleanup_temp`). At start-up call it with
 * `recreate: true` (the default) so that previews have a folder to go to.
 */
export function cleanupTemp(paths: Pick<FolderPaths, 'tempDir'>, options: { recreate?: boolean } = {}): void {
  rmSync(paths.tempDir, { recursive: true, force: true });
  if (options.recreate !== false) mkdirSync(paths.tempDir, { recursive: true });
}
