// A real ComfyUI run beside ours by the server benches (`--comfyui "<command>"` or COMFYUI_REFERENCE_CMD), so that
// the ratios compare figures measured on the same machine in the same run rather than figures quoted from elsewhere.
//
// The command's contract: it is run through `sh -c` (in the bench's working directory, in a process group of its
// own, so stopping it stops whatever it started). If it contains `{port}`, every `{port}` is replaced by the port;
// otherwise ` --port <port>` is appended. Then the bench appends
//     --base-directory <fresh temp dir> --whitelist-custom-nodes bench_nodes [--cache-none]
// so the command must end in something that passes its extra arguments on to ComfyUI's main.py, e.g.
//     --comfyui '~/comfyui/start.sh {port}'              (a script taking the port first and "$@" last)
//     --comfyui 'cd ~/ComfyUI && python main.py --cpu'   (--port is appended)
// The fresh base directory holds custom_nodes/bench_nodes/__init__.py (BenchHold and BenchNoop, written here in
// Python: the same nodes as bench-server.ts's) and input/; it is removed when the server stops. The server is
// ready once GET /system_stats answers 200.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchServer } from './bench-server.ts';

/** Our own Python versions of bench-server.ts's BenchHold and BenchNoop (the same inputs and outputs). */
const BENCH_NODES_PY = `# Bench-only nodes written by comfy-ts's bench/comfyui-reference.ts.
import time

import comfy.model_management


class BenchHold:
    """Keeps the worker busy (sleeping in 20 ms steps, so the GIL stays free) until the time is up or interrupted."""

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"seconds": ("INT", {"default": 600})}}

    RETURN_TYPES = ()
    FUNCTION = "hold"
    OUTPUT_NODE = True
    CATEGORY = "bench"

    def hold(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            comfy.model_management.throw_exception_if_processing_interrupted()
            time.sleep(0.02)
        return {"ui": {}}


class BenchNoop:
    """A trivial output node, for filling the history."""

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"value": ("INT", {"default": 0})}}

    RETURN_TYPES = ()
    FUNCTION = "noop"
    OUTPUT_NODE = True
    CATEGORY = "bench"

    def noop(self, value):
        return {"ui": {"value": [value]}}


NODE_CLASS_MAPPINGS = {"BenchHold": BenchHold, "BenchNoop": BenchNoop}
`;

export interface ReferenceServer extends BenchServer {
  /** What GET /system_stats says (`system.comfyui_version`), e.g. '0.8.0'. */
  version: string;
  /** The last lines the server printed, for error reports. */
  logTail(): string;
}

/** The command from `--comfyui "<command>"`, else COMFYUI_REFERENCE_CMD, else undefined. */
export function referenceCommand(argv: readonly string[] = process.argv): string | undefined {
  const i = argv.indexOf('--comfyui');
  const cmd = i >= 0 ? argv[i + 1] : process.env.COMFYUI_REFERENCE_CMD;
  if (i >= 0 && (!cmd || cmd.startsWith('--'))) throw new Error('--comfyui needs a command, e.g. --comfyui "cd ~/ComfyUI && python main.py --cpu"');
  return cmd?.trim() || undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Starts the reference ComfyUI (see the header for the command's contract) with a fresh base directory holding the
 * bench nodes and `inputFiles` (name → bytes) in input/. `flags` are appended last (e.g. ['--cache-none']).
 */
export async function startReferenceServer(command: string, flags: string[] = [], inputFiles: Record<string, Buffer> = {}): Promise<ReferenceServer> {
  const base = mkdtempSync(join(tmpdir(), 'comfyui-ref-bench-'));
  mkdirSync(join(base, 'custom_nodes', 'bench_nodes'), { recursive: true });
  mkdirSync(join(base, 'input'), { recursive: true });
  writeFileSync(join(base, 'custom_nodes', 'bench_nodes', '__init__.py'), BENCH_NODES_PY);
  for (const [name, bytes] of Object.entries(inputFiles)) writeFileSync(join(base, 'input', name), bytes);
  const port = await freePort();
  const withPort = command.includes('{port}') ? command.replaceAll('{port}', String(port)) : `${command} --port ${port}`;
  const line = [withPort, '--base-directory', shellQuote(base), '--whitelist-custom-nodes', 'bench_nodes', ...flags.map(shellQuote)].join(' ');
  // A process group of its own: the command may be a script or `cd … && python …`, so stopping it means signalling
  // the group. It is then out of reach of the terminal's Ctrl+C, hence the exit and signal handlers below.
  const child = spawn('sh', ['-c', line], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  const onData = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
    if (process.env.BENCH_SERVER_STDERR === '1') process.stderr.write(chunk);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (!exited || signal === 'SIGKILL') process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  const onProcessExit = () => {
    signalGroup('SIGKILL');
    rmSync(base, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    onProcessExit();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', onProcessExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    signalGroup('SIGINT');
    await Promise.race([exit, new Promise((r) => setTimeout(r, 10_000))]);
    signalGroup('SIGKILL'); // whatever is left of the group (a wrapper script, a straggling child)
    await Promise.race([exit, new Promise((r) => setTimeout(r, 5_000))]);
    process.off('exit', onProcessExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(base, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 180_000;
    let version: string | undefined;
    while (version === undefined) {
      if (exited) throw new Error(`the reference ComfyUI exited during start-up (command: ${line}):\n${log}`);
      if (Date.now() > deadline) throw new Error(`the reference ComfyUI did not answer GET /system_stats within 180 s (command: ${line}):\n${log}`);
      try {
        const res = await fetch(`${url}/system_stats`);
        if (res.ok) version = String(((await res.json()) as { system?: { comfyui_version?: string } }).system?.comfyui_version ?? 'unknown version');
      } catch {
        // not listening yet
      }
      if (version === undefined) await new Promise((r) => setTimeout(r, 250));
    }
    const nodes = (await (await fetch(`${url}/object_info/BenchHold`)).json()) as Record<string, unknown>;
    if (!nodes.BenchHold) throw new Error(`the reference ComfyUI did not load the bench_nodes custom nodes:\n${log}`);
    return { url, base, child, stop, version, logTail: () => log.split('\n').slice(-30).join('\n') };
  } catch (err) {
    await stop();
    throw err;
  }
}
