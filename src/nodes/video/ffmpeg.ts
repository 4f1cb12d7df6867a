// FFmpeg as a child process: every input goes in through a pipe (stdin, then fd 3, 4, …) and the output comes back
// on stdout, so nothing is written to disk unless the arguments name a file. Video nodes use Debian's `ffmpeg`
// package (ffmpeg and ffprobe on PATH); when it is missing they fail with a message that names the tool.
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

export type FfmpegTool = 'ffmpeg' | 'ffprobe';

/** How much of the tool's stderr an error message quotes. */
const STDERR_TAIL_CHARS = 2000;

export class FfmpegMissingError extends Error {
  constructor(tool: FfmpegTool) {
    super(`${tool} was not found on PATH: the video nodes need FFmpeg (install it, e.g. \`apt-get install ffmpeg\`)`);
    this.name = 'FfmpegMissingError';
  }
}

export interface FfmpegRun {
  /** Bytes for stdin (`pipe:0`), then for fd 3 (`pipe:3`), fd 4, … in order. */
  inputs?: readonly Uint8Array[];
  signal?: AbortSignal;
}

function feed(stream: Writable, data: Uint8Array): void {
  // ffmpeg may stop reading early (an error, or it had enough); its exit status tells what happened.
  stream.on('error', () => {});
  stream.end(data);
}

/** Runs the tool and resolves with its stdout; rejects with its stderr tail when it exits non-zero. */
export function runFfmpeg(tool: FfmpegTool, args: readonly string[], run: FfmpegRun = {}): Promise<Buffer> {
  const inputs = run.inputs ?? [];
  const extraPipes = Math.max(0, inputs.length - 1);
  const stdio = ['pipe', 'pipe', 'pipe', ...Array<'pipe'>(extraPipes).fill('pipe')] as const;
  return new Promise((resolve, reject) => {
    const common = tool === 'ffmpeg' ? ['-hide_banner', '-nostdin'] : ['-hide_banner'];
    const child = spawn(tool, [...common, ...args], {
      stdio: [...stdio],
      signal: run.signal,
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new FfmpegMissingError(tool) : e);
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out));
      else if (run.signal?.aborted) reject(run.signal.reason instanceof Error ? run.signal.reason : new Error(`${tool} was interrupted`));
      else reject(new Error(`${tool} failed (${code ?? signal}): ${err.trim() || 'no message'}`));
    });
    if (inputs.length === 0) child.stdin!.end();
    inputs.forEach((data, i) => feed(child.stdio[i === 0 ? 0 : i + 2] as Writable, data));
  });
}

let available: Promise<boolean> | undefined;

/** Whether both ffmpeg and ffprobe run (checked once per process). */
export function ffmpegAvailable(): Promise<boolean> {
  available ??= Promise.all([runFfmpeg('ffmpeg', ['-version']), runFfmpeg('ffprobe', ['-version'])]).then(() => true, () => false);
  return available;
}

/** FFmpeg's ffmetadata text for global tags (`=`, `;`, `#`, `\` and newlines escaped with a backslash). */
export function ffmetadata(tags: ReadonlyArray<readonly [string, string]>): Buffer {
  const escape = (s: string) => s.replace(/[=;#\\\n]/g, (c) => '\\' + c);
  return Buffer.from(';FFMETADATA1\n' + tags.map(([k, v]) => `${escape(k)}=${escape(v)}\n`).join(''), 'utf8');
}
