// extra_model_paths.yaml (nodes.md §6.3): sections of `<folder name>: <path or newline-separated paths>`,
// with optional `base_path` and `is_default`.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

export interface ExtraModelPath {
  folder: string;
  path: string;
  isDefault: boolean;
}

/** `~` and `$VAR` / `${VAR}` expansion as Python's expanduser + expandvars (unknown variables stay as written). */
export function expandUserAndVars(value: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = value;
  if (out === '~' || out.startsWith('~/')) out = homedir() + out.slice(1);
  return out.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const key = name.startsWith('{') ? name.slice(1, -1) : name;
    return env[key] ?? whole;
  });
}

/** Parses the YAML text of a file at `yamlPath` into search paths, in file order. */
export function parseExtraModelPaths(text: string, yamlPath: string, warn: (m: string) => void = () => {}): ExtraModelPath[] {
  const yamlDir = path.dirname(path.resolve(yamlPath));
  let config: unknown;
  try {
    config = parse(text);
  } catch (err) {
    throw new Error(`Invalid extra model paths file ${yamlPath}: ${(err as Error).message}`);
  }
  if (config === null || config === undefined) return [];
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new Error(`Invalid extra model paths file ${yamlPath}: expected a mapping of sections`);
  }
  const result: ExtraModelPath[] = [];
  for (const [section, conf] of Object.entries(config as Record<string, unknown>)) {
    if (conf === null || conf === undefined) continue;
    if (typeof conf !== 'object' || Array.isArray(conf)) {
      warn(`extra model paths: section "${section}" of ${yamlPath} is not a mapping; skipped`);
      continue;
    }
    const entries = { ...(conf as Record<string, unknown>) };
    let basePath: string | null = null;
    if ('base_path' in entries) {
      const raw = entries.base_path;
      delete entries.base_path;
      if (typeof raw === 'string' && raw.length > 0) basePath = path.resolve(yamlDir, expandUserAndVars(raw));
    }
    let isDefault = false;
    if ('is_default' in entries) {
      isDefault = Boolean(entries.is_default);
      delete entries.is_default;
    }
    for (const [folder, value] of Object.entries(entries)) {
      for (const line of valueLines(value)) {
        const full = basePath !== null ? path.resolve(basePath, line) : path.resolve(yamlDir, line);
        result.push({ folder, path: path.normalize(full), isDefault });
      }
      if (valueLines(value).length === 0 && typeof value !== 'string') {
        warn(`extra model paths: "${section}.${folder}" in ${yamlPath} is not a path; skipped`);
      }
    }
  }
  return result;
}

function valueLines(value: unknown): string[] {
  const items = typeof value === 'string' ? value.split('\n') : Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
  return (items as string[]).map((l) => l.trim()).filter((l) => l.length > 0);
}

export function loadExtraModelPaths(yamlPath: string, warn?: (m: string) => void): ExtraModelPath[] {
  let text: string;
  try {
    text = readFileSync(yamlPath, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read extra model paths file ${yamlPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseExtraModelPaths(text, yamlPath, warn);
}
