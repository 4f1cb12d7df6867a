// A comfy-ts server for the benches, run as a child process (`bin/comfy-ts.js`) so the load generator never
// shares its event loop, with two bench-only custom nodes: BenchHold keeps the worker busy (it sleeps until
// interrupted) so POSTed prompts pile up in the queue, and BenchNoop is a trivial output node for filling history.
// To profile the server under a bench: BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=prof' (node's own flags
// for the server process); BENCH_SERVER_STDERR=1 shows the server's stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/comfy-ts.js', import.meta.url));

const BENCH_NODES = `
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const nodes = [
  { name: 'BenchHold', schemaFormat: 'v1', pythonModule: 'custom_nodes.bench_nodes', category: 'bench', outputNode: true,
    inputs: { required: { seconds: ['INT', { default: 600 }] } }, outputs: [],
    async execute(inputs, ctx) { const end = Date.now() + inputs.seconds * 1000; while (Date.now() < end) { ctx.checkInterrupted(); await sleep(20); } return { ui: {} }; } },
  { name: 'BenchNoop', schemaFormat: 'v1', pythonModule: 'custom_nodes.bench_nodes', category: 'bench', outputNode: true,
    inputs: { required: { value: ['INT', { default: 0 }] } }, outputs: [],
    execute(inputs) { return { ui: { value: [inputs.value] } }; } },
];
`;

export interface BenchServer {
  url: string;
  /** The server's base directory (input/, output/, custom_nodes/), removed by stop(). */
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startBenchServer(flags: string[] = []): Promise<BenchServer> {
  const base = mkdtempSync(join(tmpdir(), 'comfy-ts-bench-'));
  mkdirSync(join(base, 'custom_nodes', 'bench_nodes'), { recursive: true });
  writeFileSync(join(base, 'custom_nodes', 'bench_nodes', 'index.mjs'), BENCH_NODES);
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, BIN, '--port', '0', '--base-directory', base, ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /To see the GUI go to: (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  child.stdout!.resume();
  if (process.env.BENCH_SERVER_STDERR === '1') child.stderr!.pipe(process.stderr);
  else child.stderr!.resume();
  const stop = async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    child.kill('SIGKILL');
    rmSync(base, { recursive: true, force: true });
  };
  return { url, base, child, stop };
}

export async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * A POST over one kept-alive node:http connection: about 0.6 ms less client time per request than `fetch`
 * (undici), for measures meant to time the server.
 */
export function keepAlivePoster(base: string): (path: string, body: unknown) => Promise<unknown> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(base);
  return (path, body) => new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      { hostname, port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if ((res.statusCode ?? 500) >= 400) reject(new Error(`${path}: ${res.statusCode} ${text}`));
          else resolve(text ? JSON.parse(text) : null);
        });
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}

export async function queueRemaining(url: string): Promise<number> {
  return ((await (await fetch(`${url}/prompt`)).json()) as { exec_info: { queue_remaining: number } }).exec_info.queue_remaining;
}

/** Runs `count` BenchNoop prompts to completion, so history holds that many entries. */
export async function fillHistory(url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, j) => post(`${url}/prompt`, { prompt: { '1': { class_type: 'BenchNoop', inputs: { value: i + j } } } })));
  }
  while ((await queueRemaining(url)) > 0) await new Promise((r) => setTimeout(r, 100));
}

/** Keeps the worker busy for an hour (until POST /interrupt), so what is POSTed next stays queued. */
export async function holdWorker(url: string): Promise<void> {
  await post(`${url}/prompt`, { prompt: { '1': { class_type: 'BenchHold', inputs: { seconds: 3600 } } } });
}
