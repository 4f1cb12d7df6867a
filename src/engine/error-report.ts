// How a thrown value is reported on the wire: ComfyUI's `exception_type` (a Python qualified name), `str(ex)`,
// `traceback.format_tb` lines, and `format_value` for `current_inputs` (execution.md §5.4).
import { readFileSync } from 'node:fs';
import { InterruptedError } from '../nodes/node-definition.ts';
import { PyException, pyRepr } from '../python/values.ts';

export interface ExceptionInfo {
  type: string;
  message: string;
  traceback: string[];
}

/** Python exception names for Node's errno codes (fs errors are what nodes mostly raise). */
const ERRNO_TYPES: Record<string, string> = {
  ENOENT: 'FileNotFoundError',
  EACCES: 'PermissionError',
  EPERM: 'PermissionError',
  EEXIST: 'FileExistsError',
  EISDIR: 'IsADirectoryError',
  ENOTDIR: 'NotADirectoryError',
};

export function exceptionType(err: unknown): string {
  if (err instanceof PyException) return err.pyType;
  if (isInterrupt(err)) return 'comfy.model_management.InterruptProcessingException';
  if (!(err instanceof Error)) return 'Exception';
  const code = (err as NodeJS.ErrnoException).code;
  if (code && ERRNO_TYPES[code]) return ERRNO_TYPES[code];
  return err.name === 'Error' || !err.name ? 'Exception' : err.name;
}

export function exceptionMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : pyRepr(err);
}

const FRAME = /^\s*at (?:(?:async )?(.+?) \()?(.+?):(\d+):\d+\)?$/;

/** The lines of the source files that tracebacks name, read once each (null: not readable, e.g. `node:` modules). */
const sourceFiles = new Map<string, readonly string[] | null>();

function sourceLine(file: string, line: number): string | null {
  let lines = sourceFiles.get(file);
  if (lines === undefined) {
    try {
      lines = readFileSync(file, 'utf8').split('\n');
    } catch {
      lines = null;
    }
    sourceFiles.set(file, lines);
  }
  return lines?.[line - 1]?.trim() || null;
}

/**
 * A JS stack as Python's `traceback.format_tb` lists it (`  File "<path>", line N, in <function>\n` and the
 * stripped source line): outermost call first, down to where the error was raised, and starting at the function
 * that caught it (`caughtIn`, the name V8 gives its frame, e.g. `PromptValidator.validate`), as a Python
 * traceback starts at its `try`. Without `caughtIn`, or when the stack does not reach it, every captured frame.
 */
export function tracebackLines(err: unknown, caughtIn?: string): string[] {
  if (!(err instanceof Error) || !err.stack) return [];
  const frames: string[] = [];
  for (const text of err.stack.split('\n').slice(1)) {
    const m = FRAME.exec(text);
    if (!m) continue;
    const file = m[2]!.startsWith('file://') ? decodeURIComponent(m[2]!.slice(7)) : m[2]!;
    const code = sourceLine(file, Number(m[3]));
    frames.push(`  File "${file}", line ${m[3]}, in ${m[1] ?? '<module>'}\n${code === null ? '' : `    ${code}\n`}`);
    if (m[1] === caughtIn) break;
  }
  return frames.reverse();
}

/** The type, message and traceback of an error caught in the function named `caughtIn` (see tracebackLines). */
export function describeException(err: unknown, caughtIn?: string): ExceptionInfo {
  return { type: exceptionType(err), message: exceptionMessage(err), traceback: tracebackLines(err, caughtIn) };
}

export function isInterrupt(err: unknown): boolean {
  return err instanceof InterruptedError || (err instanceof Error && err.name === 'InterruptProcessingException');
}

/** Allocation failures: ComfyUI adds a hint and unloads every model. */
export function isOutOfMemory(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const text = err.message.toLowerCase();
  return (
    (err instanceof RangeError && /allocation failed|invalid (typed )?array length|array buffer/.test(text)) ||
    text.includes('out of memory') ||
    text.includes('failed to allocate memory')
  );
}

export const OOM_TIPS =
  'This error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.';

/** `format_value`: JSON scalars as they are, anything else as its Python-style string. */
export function formatValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'bigint') return v;
  return pyRepr(v);
}
