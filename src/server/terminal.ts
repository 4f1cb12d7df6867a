// What the terminal shows while prompts run, as ComfyUI prints it: a tqdm-like progress bar for nodes that report
// progress (redrawn in place on a TTY, a few plain lines otherwise), the failing node and its error, and one
// `Prompt executed in N.NN seconds` line per finished prompt.
import type { EngineMessage, PromptFinished } from '../engine/engine-api.ts';

export interface TerminalOptions {
  write?: (text: string) => void;
  /** Redraw bars in place; defaults to whether stdout is a TTY. */
  tty?: boolean;
  /** Terminal width for the bar. */
  columns?: number;
}

interface Bar {
  key: string;
  startMs: number;
  lastPlainDecile: number;
}

const BAR_WIDTH = 30;

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** `40%|████████████                  | 4/10 [00:01<00:01,  3.20it/s]` */
export function formatProgressBar(value: number, max: number, elapsedSeconds: number): string {
  const fraction = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const rate = elapsedSeconds > 0 ? value / elapsedSeconds : 0;
  const remaining = rate > 0 ? (max - value) / rate : NaN;
  const rateText = rate >= 1 || rate === 0 ? `${rate.toFixed(2).padStart(6)}it/s` : `${(1 / rate).toFixed(2).padStart(6)}s/it`;
  return (
    `${String(Math.round(fraction * 100)).padStart(3)}%|${'█'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}| ` +
    `${value}/${max} [${formatDuration(elapsedSeconds)}<${formatDuration(remaining)}, ${rateText}]`
  );
}

export class Terminal {
  private readonly write: (text: string) => void;
  private readonly tty: boolean;
  private bar: Bar | null = null;

  constructor(options: TerminalOptions = {}) {
    this.write = options.write ?? ((text) => process.stdout.write(text));
    this.tty = options.tty ?? Boolean(process.stdout.isTTY);
  }

  /** Engine messages: only progress matters here (it is sent whether or not the prompt has a client). */
  onMessage(message: EngineMessage): void {
    if (message.type !== 'progress') return;
    const { value, max, node, prompt_id: promptId } = message.data as { value: number; max: number; node: string; prompt_id: string };
    if (typeof value !== 'number' || typeof max !== 'number') return;
    this.progress(`${promptId}/${node}`, value, max);
  }

  /**
   * A prompt finished (any outcome). The engine itself logs the exception and "Processing interrupted"; the
   * terminal adds which node failed and the time the prompt took.
   */
  promptFinished({ entry, durationMs }: PromptFinished): void {
    this.endBar();
    for (const [event, data] of entry.status.messages) {
      if (event === 'execution_error') this.write(`Failed node: ${String(data.node_type ?? '?')} (id ${String(data.node_id ?? '?')})\n`);
    }
    this.write(`Prompt executed in ${(durationMs / 1000).toFixed(2)} seconds\n`);
  }

  private progress(key: string, value: number, max: number): void {
    const now = Date.now();
    if (!this.bar || this.bar.key !== key || value === 0) {
      this.endBar();
      this.bar = { key, startMs: now, lastPlainDecile: -1 };
    }
    const line = formatProgressBar(value, max, (now - this.bar.startMs) / 1000);
    const done = value >= max;
    if (this.tty) {
      this.write(`\r${line}${done ? '\n' : ''}`);
    } else {
      const decile = max > 0 ? Math.floor((10 * value) / max) : 10;
      if (decile !== this.bar.lastPlainDecile || done) this.write(`${line}\n`);
      this.bar.lastPlainDecile = decile;
    }
    if (done) this.bar = null;
  }

  private endBar(): void {
    if (this.bar && this.tty) this.write('\n');
    this.bar = null;
  }
}
