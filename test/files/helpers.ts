// Shared by the file-format tests: temp directories and where the shared fidelity data lives.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** shared/ sits beside the repository (README of shared/data). */
export const SHARED = resolve(REPO_ROOT, '..', 'shared');
export const FIDELITY = join(SHARED, 'fidelity');
export const CLIP_TOKENIZER_DIR = join(SHARED, 'data', 'clip-tokenizer');
export const FIXTURES = join(REPO_ROOT, 'test', 'files', 'fixtures');

export function tempDir(label = 'files'): string {
  return mkdtempSync(join(tmpdir(), `comfy-ts-${label}-`));
}

/** A skip reason when a shared file is absent (the suite still runs without shared/). */
export function skipUnless(path: string): string | false {
  return existsSync(path) ? false : `${path} is not present`;
}
