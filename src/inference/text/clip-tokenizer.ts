// CLIP's byte-level BPE tokenizer, as Hugging Face's CLIPTokenizer runs it for ComfyUI (models.md §5.2):
// text clean-up (BasicTokenizer: control characters dropped, CJK characters spaced, NFC, lower case, whitespace
// collapsed), the CLIP pre-tokenizing pattern, bytes mapped to printable characters, then merges by rank with a
// `</w>` end-of-word marker. vocab.json + merges.txt are ComfyUI's comfy/sd1_tokenizer files.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FolderPaths } from '../../storage/folder-paths.ts';

export const START_TOKEN = 49406;
export const END_TOKEN = 49407;
const START_TEXT = '<|startoftext|>';
const END_TEXT = '<|endoftext|>';
/** HF reads merges.txt lines [1, 49152 − 256 − 2 + 1). */
const MERGE_COUNT = 49152 - 256 - 2;

const PATTERN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/giu;

export class TokenizerFilesMissingError extends Error {
  constructor(readonly searched: string[]) {
    super(`CLIP tokenizer files not found: put vocab.json and merges.txt (openai/clip-vit-large-patch14, as in ` +
      `ComfyUI's comfy/sd1_tokenizer) in ${searched[0]}${searched.length > 1 ? ` (also searched: ${searched.slice(1).join(', ')})` : ''}`);
    this.name = 'TokenizerFilesMissingError';
  }
}

/** GPT-2's reversible byte → printable character table. */
function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const table = new Array<string>(256);
  for (const b of bs) table[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (table[b] === undefined) table[b] = String.fromCodePoint(256 + n++);
  return table;
}

const BYTE_CHARS = bytesToUnicode();

function isCjk(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) || (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);
}

/** HF BasicTokenizer(strip_accents=False, do_split_on_punc=False) joined back with single spaces. */
export function basicClean(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd) continue;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || /\p{Zs}/u.test(ch)) out += ' ';
    else if (/\p{C}/u.test(ch)) continue;
    else if (isCjk(cp)) out += ` ${ch} `;
    else out += ch;
  }
  return out.normalize('NFC').split(/\s+/u).filter(Boolean).map((w) => w.toLowerCase()).join(' ');
}

export class ClipTokenizer {
  private readonly cache = new Map<string, number[]>();

  constructor(private readonly vocab: Map<string, number>, private readonly ranks: Map<string, number>) {}

  static fromFiles(vocabJson: string, mergesTxt: string): ClipTokenizer {
    const vocab = new Map(Object.entries(JSON.parse(vocabJson) as Record<string, number>));
    const lines = mergesTxt.trim().split('\n').slice(1, MERGE_COUNT + 1);
    const ranks = new Map(lines.map((l, i) => [l.trim(), i]));
    return new ClipTokenizer(vocab, ranks);
  }

  /** Loads from a directory holding vocab.json and merges.txt. */
  static fromDirectory(dir: string): ClipTokenizer {
    return ClipTokenizer.fromFiles(readFileSync(join(dir, 'vocab.json'), 'utf8'), readFileSync(join(dir, 'merges.txt'), 'utf8'));
  }

  get vocabSize(): number {
    return this.vocab.size;
  }

  /** Token ids of `text` without start/end tokens (HF `tokenize` + `convert_tokens_to_ids`). */
  encode(text: string): number[] {
    const ids: number[] = [];
    // Special tokens are split out before any clean-up, as HF does for added tokens.
    for (const part of text.split(/(<\|startoftext\|>|<\|endoftext\|>)/)) {
      if (part === START_TEXT) ids.push(START_TOKEN);
      else if (part === END_TEXT) ids.push(END_TOKEN);
      else if (part) for (const m of basicClean(part).matchAll(PATTERN)) ids.push(...this.word(m[0]));
    }
    return ids;
  }

  /** HF `tokenizer(text)["input_ids"]`: start token, the text's ids, end token. */
  encodeWithSpecial(text: string): number[] {
    return [START_TOKEN, ...this.encode(text), END_TOKEN];
  }

  private word(token: string): number[] {
    const cached = this.cache.get(token);
    if (cached) return cached;
    let mapped = '';
    for (const b of Buffer.from(token, 'utf8')) mapped += BYTE_CHARS[b];
    const ids = this.bpe(mapped).map((piece) => this.vocab.get(piece) ?? END_TOKEN);
    if (this.cache.size < 100_000) this.cache.set(token, ids);
    return ids;
  }

  private bpe(token: string): string[] {
    if (token === START_TEXT || token === END_TEXT) return [token];
    const chars = [...token];
    let word = [...chars.slice(0, -1), `${chars[chars.length - 1]}</w>`];
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < word.length; i++) {
        const r = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) return word;
      const [a, b] = [word[best]!, word[best + 1]!];
      const merged: string[] = [];
      for (let i = 0; i < word.length; ) {
        if (i + 1 < word.length && word[i] === a && word[i + 1] === b) {
          merged.push(a + b);
          i += 2;
        } else merged.push(word[i++]!);
      }
      word = merged;
    }
  }
}

const loaded = new Map<string, ClipTokenizer>();

/** Where the tokenizer files are looked up: `<base>/models/tokenizers/clip/`, then any `tokenizers` model folders. */
export function clipTokenizerDirs(paths: Pick<FolderPaths, 'baseDir' | 'modelFolderPaths'>): string[] {
  const dirs = [join(paths.baseDir, 'models', 'tokenizers', 'clip')];
  for (const d of paths.modelFolderPaths('tokenizers')) {
    const dir = join(d, 'clip');
    if (!dirs.includes(dir)) dirs.push(dir);
  }
  return dirs;
}

/** The CLIP tokenizer from the models folders (cached per directory); a clear error when the files are absent. */
export function loadClipTokenizer(paths: Pick<FolderPaths, 'baseDir' | 'modelFolderPaths'>): ClipTokenizer {
  const dirs = clipTokenizerDirs(paths);
  const dir = dirs.find((d) => existsSync(join(d, 'vocab.json')) && existsSync(join(d, 'merges.txt')));
  if (!dir) throw new TokenizerFilesMissingError(dirs);
  let tokenizer = loaded.get(dir);
  if (!tokenizer) {
    tokenizer = ClipTokenizer.fromDirectory(dir);
    loaded.set(dir, tokenizer);
  }
  return tokenizer;
}
