// Server throughput and latency (run: `node --import tsx bench/prompt-throughput.ts [--total 100000]`).
//  1. POST /prompt accepted per second (autocannon, 32 connections, a small valid workflow) while the worker is
//     kept busy, so the queue grows to ~100,000: the rate per 10,000-prompt phase should stay flat.
//  2. GET /queue and GET /history?max_items=100 with 10,000 items queued and 10,000 in history.
//  3. POST /prompt → execution_success over the WebSocket for LoadImage → ImageInvert → SaveImage on 512×512
//     (a --cache-none server, so every node runs every time).
// The server runs as a child process (`bin/comfy-ts.js`), so the load generator does not share its event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import sharp from 'sharp';
import WebSocket from 'ws';

const COMFYUI_ACCEPT_RATE = 3700; // prompts/s, ComfyUI 0.8.0 on this benchmark
const COMFYUI_LATENCY_MS = 9; // POST /prompt → execution_success, ComfyUI 0.8.0
const CONNECTIONS = 32;
const PHASE = 10_000;

const argValue = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TOTAL = argValue('--total', 100_000);
const LATENCY_RUNS = argValue('--latency-runs', 200);

const BIN = fileURLToPath(new URL('../bin/comfy-ts.js', import.meta.url));

/** A node that holds the worker (it sleeps until interrupted) and a trivial output node for filling history. */
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

interface Server {
  url: string;
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startServer(flags: string[] = []): Promise<Server> {
  const base = mkdtempSync(join(tmpdir(), 'comfy-ts-bench-'));
  mkdirSync(join(base, 'custom_nodes', 'bench_nodes'), { recursive: true });
  writeFileSync(join(base, 'custom_nodes', 'bench_nodes', 'index.mjs'), BENCH_NODES);
  const child = spawn(process.execPath, [BIN, '--port', '0', '--base-directory', base, ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
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
  child.stderr!.resume();
  const stop = async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    child.kill('SIGKILL');
    rmSync(base, { recursive: true, force: true });
  };
  return { url, base, child, stop };
}

async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function timeGet(url: string, runs = 20): Promise<{ medianMs: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const res = await fetch(url);
    bytes = (await res.arrayBuffer()).byteLength;
    times.push(performance.now() - t);
  }
  return { medianMs: median(times), bytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

/**
 * One autocannon run of `amount` requests; the rate is timed to the last response (autocannon itself only
 * notices the end on its one-second tick).
 */
async function load(opts: autocannon.Options & { amount: number }): Promise<{ rate: number; result: autocannon.Result }> {
  const started = performance.now();
  let last = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('response', () => (last = performance.now()));
  });
  return { rate: opts.amount / ((last - started) / 1000), result };
}

async function queueRemaining(url: string): Promise<number> {
  return ((await (await fetch(`${url}/prompt`)).json()) as { exec_info: { queue_remaining: number } }).exec_info.queue_remaining;
}

async function fillHistory(url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, j) => post(`${url}/prompt`, { prompt: { '1': { class_type: 'BenchNoop', inputs: { value: i + j } } } })));
  }
  while ((await queueRemaining(url)) > 0) await new Promise((r) => setTimeout(r, 100));
}

/** What this machine allows: a bare node:http server that parses the same body and answers a small JSON. */
async function ceiling(body: string): Promise<number> {
  const script = `
    const http = require('node:http');
    let n = 0;
    http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString());
        const out = JSON.stringify({ prompt_id: 'id-' + n, number: n++, node_errors: {} });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(out) });
        res.end(out);
      });
    }).listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d) => resolve(Number(/port (\d+)/.exec(String(d))![1]))));
    const url = `http://127.0.0.1:${port}/prompt`;
    const opts = { url, method: 'POST' as const, body, headers: { 'content-type': 'application/json' }, connections: CONNECTIONS };
    await load({ ...opts, amount: 2000 });
    return (await load({ ...opts, amount: PHASE })).rate;
  } finally {
    child.kill();
  }
}

async function throughput(): Promise<void> {
  const server = await startServer();
  try {
    console.log(`Filling history with ${PHASE} prompts…`);
    await fillHistory(server.url, PHASE);
    await post(`${server.url}/prompt`, { prompt: { '1': { class_type: 'BenchHold', inputs: { seconds: 3600 } } } });

    const body = JSON.stringify({
      prompt: {
        '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 0 } },
        '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
      },
      client_id: 'bench',
    });
    const machine = await ceiling(body);
    console.log(`\nThis machine's ceiling (bare node:http, same body, ${CONNECTIONS} connections): ${machine.toFixed(0)} requests/s`);
    console.log(`\nPOST /prompt, ${CONNECTIONS} connections, worker busy, queue growing to ${TOTAL}:`);
    console.log('  queue depth        accepted/s   p50 ms   p99 ms   vs ComfyUI');
    const rates: number[] = [];
    for (let done = 0; done < TOTAL; done += PHASE) {
      const { rate, result } = await load({
        url: `${server.url}/prompt`,
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        connections: CONNECTIONS,
        amount: PHASE,
      });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`phase at ${done}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      rates.push(rate);
      const depth = `${String(done).padStart(6)}–${String(done + PHASE).padEnd(7)}`;
      console.log(
        `  ${depth}    ${rate.toFixed(0).padStart(9)}   ${String(result.latency.p50).padStart(6)}   ${String(result.latency.p99).padStart(6)}   ${(rate / COMFYUI_ACCEPT_RATE).toFixed(1)}×`,
      );
      if (done === 0) {
        const queue = await timeGet(`${server.url}/queue`);
        const history = await timeGet(`${server.url}/history?max_items=100`);
        console.log(`  (with ${await queueRemaining(server.url)} queued and ${PHASE} in history: GET /queue ${queue.medianMs.toFixed(1)} ms for ${(queue.bytes / 1e6).toFixed(1)} MB, GET /history?max_items=100 ${history.medianMs.toFixed(2)} ms)`);
      }
    }
    const overall = rates.reduce((a, b) => a + b, 0) / rates.length;
    const flatness = Math.min(...rates) / Math.max(...rates);
    console.log(`  mean ${overall.toFixed(0)}/s = ${(overall / COMFYUI_ACCEPT_RATE).toFixed(1)}× ComfyUI (${COMFYUI_ACCEPT_RATE}/s; goal ≥ 5×); slowest/fastest phase ${flatness.toFixed(2)}`);
    console.log(`  = ${((100 * overall) / machine).toFixed(0)}% of the bare node:http ceiling on this machine`);
    console.log(`  queue now holds ${await queueRemaining(server.url)} prompts`);
    await post(`${server.url}/queue`, { clear: true });
    await post(`${server.url}/interrupt`, {});
  } finally {
    await server.stop();
  }
}

async function latency(): Promise<void> {
  const server = await startServer(['--cache-none']);
  try {
    const pixels = Buffer.alloc(512 * 512 * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) % 256;
    await sharp(pixels, { raw: { width: 512, height: 512, channels: 3 } }).png().toFile(join(server.base, 'input', 'bench512.png'));
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?clientId=latency`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let waiting: { id: string; resolve: () => void } | null = null;
    ws.on('message', (data, binary) => {
      if (binary || !waiting) return;
      const msg = JSON.parse(data.toString());
      if (msg.type === 'execution_success' && msg.data.prompt_id === waiting.id) waiting.resolve();
      if (msg.type === 'execution_error' && msg.data.prompt_id === waiting.id) throw new Error(JSON.stringify(msg.data));
    });
    const prompt = {
      '1': { class_type: 'LoadImage', inputs: { image: 'bench512.png' } },
      '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'bench' } },
    };
    const times: number[] = [];
    for (let i = 0; i < LATENCY_RUNS + 10; i++) {
      const id = `latency-${i}`;
      const done = new Promise<void>((resolve) => (waiting = { id, resolve }));
      const started = performance.now();
      await post(`${server.url}/prompt`, { prompt, client_id: 'latency', prompt_id: id });
      await done;
      if (i >= 10) times.push(performance.now() - started); // the first runs warm up
    }
    ws.close();
    const p50 = median(times);
    console.log(`\nPOST /prompt → execution_success, LoadImage → ImageInvert → SaveImage 512×512 (--cache-none, ${LATENCY_RUNS} runs):`);
    console.log(`  p50 ${p50.toFixed(2)} ms, p90 ${percentile(times, 0.9).toFixed(2)} ms, min ${Math.min(...times).toFixed(2)} ms`);
    console.log(`  ComfyUI ~${COMFYUI_LATENCY_MS} ms server time: ${(COMFYUI_LATENCY_MS / p50).toFixed(1)}× (goal < 5 ms)`);
  } finally {
    await server.stop();
  }
}

await throughput();
await latency();
