// Reads the node tables of the spec (nodes.md §2–§3 for 0.3.64 and changes-0.8.0.md §8 for 0.8.0) into one
// catalogue of the 0.8.0 built-in nodes: class, display name, category, source file, and the type names its
// inputs/outputs mention (used to tell model-free nodes from those that need a network or a model file).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CatalogueNode {
  name: string;
  displayName: string | null;
  category: string;
  /** "nodes" or "comfy_extras.<file>". */
  module: string;
  inputs: string;
  outputs: string;
  /** Added in 0.8.0 (changes-0.8.0.md §8.6). */
  added: boolean;
}

/** shared/ sits beside the repository: <repo>/../shared/spec. */
export const DEFAULT_SPEC_DIR = resolve(fileURLToPath(new URL('../..', import.meta.url)), 'shared', 'spec');

/** Types whose presence means the node needs a network, a model file or a model object. */
const MODEL_TYPES = [
  'MODEL', 'CLIP', 'VAE', 'CONTROL_NET', 'CLIP_VISION', 'CLIP_VISION_OUTPUT', 'STYLE_MODEL', 'GLIGEN',
  'UPSCALE_MODEL', 'PHOTOMAKER', 'LORA_MODEL', 'MODEL_PATCH', 'AUDIO_ENCODER', 'AUDIO_ENCODER_OUTPUT',
  'LATENT_UPSCALE_MODEL', 'GUIDER', 'HOOKS', 'WEBCAM',
];

function cell(text: string): string {
  return text.trim();
}

/** Splits a markdown table row on unescaped pipes. */
function splitRow(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\' && line[i + 1] === '|') {
      current += '|';
      i++;
    } else if (ch === '|') {
      cells.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  cells.push(current);
  return cells.slice(1, -1).map(cell);
}

function unquote(text: string): string {
  const m = /^`(.*)`$/.exec(text.trim());
  return m ? m[1]! : text.trim();
}

/** Parses every 6-column node table after `fromHeading` (and before `toHeading`), tracking `#### file` headings. */
function parseTables(markdown: string, fromHeading: RegExp, toHeading: RegExp | null, added: boolean): CatalogueNode[] {
  const lines = markdown.split('\n');
  let active = false;
  let module = 'nodes';
  const out: CatalogueNode[] = [];
  for (const line of lines) {
    if (!active) {
      if (fromHeading.test(line)) active = true;
      continue;
    }
    if (toHeading && toHeading.test(line)) break;
    const file = /^####\s+`comfy_extras\/([A-Za-z0-9_]+)\.py`/.exec(line);
    if (file) {
      module = `comfy_extras.${file[1]}`;
      continue;
    }
    if (!line.startsWith('| `')) continue;
    const cells = splitRow(line);
    if (cells.length !== 6) continue;
    const display = cells[1]!;
    out.push({
      name: unquote(cells[0]!),
      displayName: display === '*(null)*' ? null : display,
      category: unquote(cells[2]!).replace(/^""$/, ''),
      module,
      inputs: cells[3]!,
      outputs: cells[4]!,
      added,
    });
  }
  return out;
}

/** Names in the "removed and renamed" table of changes-0.8.0.md §8.2. */
function parseRemoved(changes: string): Set<string> {
  const start = changes.indexOf('### 8.2');
  const end = changes.indexOf('### 8.3');
  const removed = new Set<string>();
  for (const line of changes.slice(start, end).split('\n')) {
    if (!line.startsWith('| `')) continue;
    removed.add(unquote(splitRow(line)[0]!));
  }
  return removed;
}

/** The 0.8.0 catalogue: 0.3.64 tables minus removed nodes, plus the 0.8.0 additions. */
export function loadCatalogue(specDir = DEFAULT_SPEC_DIR): CatalogueNode[] {
  const nodesMd = readFileSync(join(specDir, 'nodes.md'), 'utf8');
  const changes = readFileSync(join(specDir, 'changes-0.8.0.md'), 'utf8');
  const base = parseTables(nodesMd, /^## 2\. Core nodes/, /^## 4\./, false);
  const added = parseTables(changes, /^### 8\.6 /, /^### 8\.7 /, true);
  const removed = parseRemoved(changes);
  const byName = new Map<string, CatalogueNode>();
  for (const n of base) if (!removed.has(n.name)) byName.set(n.name, n);
  for (const n of added) byName.set(n.name, n);
  return [...byName.values()];
}

/** Whether the node can work without any network or model file, judged by the types it mentions. */
export function isModelFree(node: CatalogueNode): boolean {
  const text = `${node.inputs} ${node.outputs}`;
  if (/‹files in|files in `/.test(text)) return false;
  const words = new Set(text.match(/[A-Z][A-Z0-9_]+/g) ?? []);
  return !MODEL_TYPES.some((t) => words.has(t));
}

/** First segment of a category ("latent/batch" → "latent"; "" → "(none)"). */
export function topCategory(category: string): string {
  return category === '' ? '(none)' : category.split('/')[0]!;
}
