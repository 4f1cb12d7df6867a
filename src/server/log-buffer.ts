// The terminal log as ComfyUI's LogInterceptor keeps it (api.md §3.20): the last 300 writes to stdout/stderr,
// a write starting with `\r` replacing an unfinished previous line, and `logs` events to subscribed clients.

export interface LogEntry {
  t: string;
  m: string;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

const MAX_ENTRIES = 300;
const FLUSH_DELAY_MS = 50;

/** Python's `datetime.now().isoformat()`: local time, microseconds, no zone. */
export function localIsoTime(date = new Date()): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds() * 1000, 6)}`
  );
}

export function terminalSize(): TerminalSize {
  const out = process.stdout;
  return out.isTTY && out.columns && out.rows ? { cols: out.columns, rows: out.rows } : { cols: 80, rows: 24 };
}

export class LogBuffer {
  private readonly entries: LogEntry[] = [];
  private pending: LogEntry[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly subscribers = new Set<string>();
  private lastSize: TerminalSize | null = null;
  private restore: (() => void) | null = null;

  /** Receives `logs` events for subscribed clients; set by the server. */
  send: ((sid: string, data: { entries: LogEntry[]; size: TerminalSize | null }) => void) | null = null;

  write(text: string): void {
    if (text.length === 0) return;
    const entry = { t: localIsoTime(), m: text };
    const last = this.entries[this.entries.length - 1];
    if (text.startsWith('\r') && last && !last.m.endsWith('\n')) this.entries.pop();
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.shift();
    if (this.subscribers.size === 0) return;
    this.pending.push(entry);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }

  /** GET /internal/logs: one string. */
  text(): string {
    let out = '';
    for (const e of this.entries) out += `${e.t} - ${e.m}`;
    return out;
  }

  raw(): { entries: LogEntry[]; size: TerminalSize } {
    return { entries: [...this.entries], size: terminalSize() };
  }

  subscribe(sid: string, enabled: boolean): void {
    if (enabled) this.subscribers.add(sid);
    else this.subscribers.delete(sid);
  }

  unsubscribe(sid: string): void {
    this.subscribers.delete(sid);
  }

  /** Mirrors every write to process.stdout/stderr into the buffer (the streams still print). */
  captureProcessOutput(): void {
    if (this.restore) return;
    const streams = [process.stdout, process.stderr];
    const originals = streams.map((s) => s.write);
    streams.forEach((stream, i) => {
      const original = originals[i]!;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        this.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
        return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
      }) as typeof stream.write;
    });
    this.restore = () => streams.forEach((s, i) => (s.write = originals[i]!));
  }

  close(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.restore?.();
    this.restore = null;
  }

  private flush(): void {
    this.flushTimer = null;
    const entries = this.pending;
    this.pending = [];
    if (entries.length === 0 || !this.send) return;
    const size = terminalSize();
    const changed = !this.lastSize || this.lastSize.cols !== size.cols || this.lastSize.rows !== size.rows;
    this.lastSize = size;
    for (const sid of this.subscribers) this.send(sid, { entries, size: changed ? size : null });
  }
}
