// Server throughput and latency (run: `node --import tsx bench/prompt-throughput.ts [--total 100000]
// [--latency-runs 200] [--only throughput|latency] [--autocannon] [--comfyui "<command>"] [--comfyui-total 20000]`):
//  1. This machine's ceilings: a bare node:http server and a bare fastify server that parse the same body and
//     answer a small JSON, loaded the same way.
//  2. POST /prompt accepted per second (wrk, else autocannon; 32 connections; a small valid workflow) while the
//     worker is kept busy, so the queue grows to ~100,000: the rate per 10,000-prompt phase should stay flat. Our
//     server gets the same 5,000-request warm-up as the bare ones; those prompts stay queued (clearing them
//     leaves garbage that slows the first phase).
//  3. GET /queue and GET /history?max_items=100 with 10,000 in history and 15,000 queued (stricter than 10,000).
//  4. POST /prompt → execution_success over the WebSocket for LoadImage → ImageInvert → SaveImage on 512×512
//     (a --cache-none server, so every node runs every time; POSTed over a kept-alive node:http connection): the
//     client's p50, and the server's own mean from `create_time` to the `execution_success` timestamp (/api/jobs).
// Without --comfyui the ratios are to the ComfyUI 0.8.0 figures quoted in the issue (COMFYUI_ACCEPT_RATE,
// COMFYUI_LATENCY_MS), not measured here. With `--comfyui "<command>"` (or COMFYUI_REFERENCE_CMD) a real ComfyUI is
// measured after ours, the same way, and the ratios are to those figures: 2, 3 (the same body, warm-up and
// BenchHold, in --comfyui-total prompts, 20,000 by default, as 10,000-prompt phases, smaller ones if ComfyUI's
// warm-up rate says a phase would take over 2 minutes) and 4 (a second, --cache-none instance, the same workflow and
// run count). The command runs through `sh -c`; `{port}` in it becomes the port, else ` --port <n>` is appended;
// then ` --base-directory <fresh temp dir> --whitelist-custom-nodes bench_nodes [--cache-none]` is appended (the
// base directory gets Python BenchHold/BenchNoop nodes and the input image). E.g.
//     --comfyui '~/comfyui/start.sh {port}'  or  --comfyui 'cd ~/ComfyUI && python main.py --cpu'
// (details in comfyui-reference.ts). The reference is always stopped and its directory removed.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import WebSocket from 'ws';
import { fillHistory, holdWorker, keepAlivePoster, post, queueRemaining, startBenchServer } from './bench-server.ts';
import { referenceCommand, startReferenceServer } from './comfyui-reference.ts';
import { pickLoadGenerator, type LoadGenerator } from './load-generator.ts';

export const COMFYUI_ACCEPT_RATE = 3700; // prompts/s, ComfyUI 0.8.0 on this benchmark
export const COMFYUI_LATENCY_MS = 9; // POST /prompt → execution_success, ComfyUI 0.8.0, "of server time" in the issue
/** A bare Node HTTP server in the same measurement as COMFYUI_ACCEPT_RATE (the issue's figure, not reproduced here). */
export const ISSUE_BARE_NODE_RATE = 54_000;
const CONNECTIONS = 32;
const PHASE = 10_000;
/**
 * Requests sent before measuring, to the bare servers, to ours and to ComfyUI alike (JIT and connection set-up).
 * Ours splits them between its processes (HTTP fronts), each warming up on its own share: after 5,000 or 10,000 the
 * next 10,000 still took ~40% more CPU per request in both processes (about 11,500/s where later phases do 16,000+),
 * after 40,000 they did not. The warm-up's prompts are then cleared from the queue and QUEUED_FIRST more sent
 * untimed (freeing 30,000 prompts costs ours a slow phase of garbage collection), so that the timed phases start at
 * the same depth as before and GET /queue is timed with about 15,000 queued. Halfway through the warm-up, one
 * GET /queue, one GET /history and one clear join in (see acceptRate).
 */
const WARM_UP = 30_000;
const QUEUED_FIRST = 5000;

const argValue = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

const BODY = JSON.stringify({
  prompt: {
    '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 0 } },
    '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
  },
  client_id: 'bench',
});

/** What one server did: POST /prompt per phase, GET /queue and /history with 10,000 in history, latency. */
export interface ServerFigures {
  phaseRates: number[];
  meanPerSecond: number;
  /** Prompts per throughput phase (10,000; fewer for a slow reference, see the header). */
  phaseSize: number;
  /** GET /queue median time, and how many prompts were queued then. */
  queueMs: number;
  queued: number;
  /** GET /history?max_items=100 median time (10,000 in history). */
  historyMs: number;
  /** POST /prompt → execution_success as the client sees it (HTTP and WebSocket trips included), median. */
  latencyP50Ms: number;
  /** The same span in the server's own clock (see meanServerMs), mean. */
  latencyServerMs: number;
}

/** The reference ComfyUI measured in the same run (`--comfyui`). */
export interface ReferenceFigures extends ServerFigures {
  /** As GET /system_stats says, e.g. '0.8.0'. */
  version: string;
  command: string;
}

export interface PromptBenchSummary extends ServerFigures {
  loadGenerator: string;
  ceilings: Ceilings;
  /** Present with `--comfyui`: ComfyUI measured here, the same way. */
  reference?: ReferenceFigures;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

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

/** Bare servers that parse the same body and answer a small JSON: what node:http and fastify allow by themselves. */
const BARE_SERVERS = {
  'node:http': `
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
    }).listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });`,
  fastify: `
    const app = require('fastify')();
    let n = 0;
    app.post('/prompt', async () => ({ prompt_id: 'id-' + n, number: n++, node_errors: {} }));
    app.listen({ port: 0, host: '127.0.0.1' }).then(() => console.log('port ' + app.server.address().port));`,
};

export interface Ceilings {
  nodeHttp: number;
  fastify: number;
}

/** Requests per second a bare server reaches under the same load. */
async function bareRate(generator: LoadGenerator, script: string): Promise<number> {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d) => resolve(Number(/port (\d+)/.exec(String(d))![1]))));
    const opts = { url: `http://127.0.0.1:${port}/prompt`, body: BODY, connections: CONNECTIONS };
    await generator.run({ ...opts, amount: WARM_UP }); // warm-up
    return (await generator.run({ ...opts, amount: 2 * PHASE })).rate;
  } finally {
    child.kill();
  }
}

async function ceilings(generator: LoadGenerator): Promise<Ceilings> {
  return { nodeHttp: await bareRate(generator, BARE_SERVERS['node:http']), fastify: await bareRate(generator, BARE_SERVERS.fastify) };
}

type Throughput = Pick<ServerFigures, 'phaseRates' | 'meanPerSecond' | 'phaseSize' | 'queueMs' | 'queued' | 'historyMs'>;
const NO_THROUGHPUT: Throughput = { phaseRates: [], meanPerSecond: NaN, phaseSize: PHASE, queueMs: NaN, queued: NaN, historyMs: NaN };

/**
 * History filled with PHASE BenchNoop prompts, the worker held by BenchHold, WARM_UP prompts (then cleared),
 * QUEUED_FIRST prompts, then `phases` timed
 * phases of `phaseSize` prompts (GET /queue and /history timed after the first). `columns` adds columns to each
 * phase's row. `phaseSizeFor(warmUpRate)` lets a slow server get smaller phases.
 */
async function acceptRate(
  generator: LoadGenerator,
  url: string,
  phases: number,
  phaseSizeFor: (warmUpRate: number) => number,
  columns: { header: string; cell: (rate: number) => string } = { header: '', cell: () => '' },
): Promise<Throughput> {
  let t = performance.now();
  console.log(`Filling history with ${PHASE} prompts…`);
  await fillHistory(url, PHASE);
  console.log(`  (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  await holdWorker(url);
  t = performance.now();
  const firstHalf = await generator.run({ url: `${url}/prompt`, body: BODY, connections: CONNECTIONS, amount: WARM_UP / 2 });
  // The other requests of this bench, once each, mid-warm-up: the first request of another kind makes V8 drop the
  // optimized code of node's HTTP layer ("wrong map", the objects of a new kind of connection), and the ~10,000
  // prompts after it took ~30% more CPU while it was rebuilt; a later one costs nothing of the kind.
  await fetch(`${url}/queue`).then((res) => res.arrayBuffer());
  await fetch(`${url}/history?max_items=100`).then((res) => res.arrayBuffer());
  await post(`${url}/queue`, { clear: true });
  const secondHalf = await generator.run({ url: `${url}/prompt`, body: BODY, connections: CONNECTIONS, amount: WARM_UP / 2 });
  const warm = { rate: (firstHalf.rate + secondHalf.rate) / 2, failures: firstHalf.failures + secondHalf.failures };
  await post(`${url}/queue`, { clear: true });
  await generator.run({ url: `${url}/prompt`, body: BODY, connections: CONNECTIONS, amount: QUEUED_FIRST });
  if (warm.failures > 0) throw new Error(`warm-up: ${warm.failures} failed requests`);
  const phaseSize = phaseSizeFor(warm.rate);
  console.log(`\nPOST /prompt, ${CONNECTIONS} connections (${generator.name}), worker busy, ${WARM_UP} warm-up prompts (${warm.rate.toFixed(0)}/s, then cleared), ${QUEUED_FIRST} more, then the queue growing to ${QUEUED_FIRST + phases * phaseSize}:`);
  console.log(`  queue depth        accepted/s   p50 ms   p99 ms${columns.header}`);
  const rates: number[] = [];
  let queueMs = NaN;
  let queued = NaN;
  let historyMs = NaN;
  for (let done = 0; done < phases * phaseSize; done += phaseSize) {
    const r = await generator.run({ url: `${url}/prompt`, body: BODY, connections: CONNECTIONS, amount: phaseSize });
    if (r.failures > 0) throw new Error(`phase at ${done}: ${r.failures} failed requests`);
    rates.push(r.rate);
    const depth = `${String(QUEUED_FIRST + done).padStart(6)}–${String(QUEUED_FIRST + done + phaseSize).padEnd(7)}`;
    console.log(`  ${depth}    ${r.rate.toFixed(0).padStart(9)}   ${r.p50Ms.toFixed(2).padStart(6)}   ${r.p99Ms.toFixed(2).padStart(6)}${columns.cell(r.rate)}`);
    if (done === 0) {
      const queue = await timeGet(`${url}/queue`);
      const history = await timeGet(`${url}/history?max_items=100`);
      queued = await queueRemaining(url);
      [queueMs, historyMs] = [queue.medianMs, history.medianMs];
      console.log(`  (with ${queued} queued and ${PHASE} in history: GET /queue ${queue.medianMs.toFixed(1)} ms for ${(queue.bytes / 1e6).toFixed(1)} MB, GET /history?max_items=100 ${history.medianMs.toFixed(2)} ms)`);
    }
  }
  console.log(`  (${((performance.now() - t) / 1000).toFixed(1)} s from the warm-up on)`);
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  return { phaseRates: rates, meanPerSecond: mean, phaseSize, queueMs, queued, historyMs };
}

async function throughput(generator: LoadGenerator, total: number, measuredReference: boolean): Promise<Throughput & { ceilings: Ceilings }> {
  const bare = await ceilings(generator);
  const machine = bare.nodeHttp;
  console.log(`This machine's ceilings (same body, ${CONNECTIONS} connections, ${generator.name}): bare node:http ${machine.toFixed(0)} requests/s, bare fastify ${bare.fastify.toFixed(0)} requests/s`);
  const server = await startBenchServer();
  try {
    const vsIssue = measuredReference ? '' : '   vs ComfyUI';
    const r = await acceptRate(generator, server.url, Math.max(1, Math.ceil(total / PHASE)), () => PHASE, {
      header: `${vsIssue}   vs bare http`,
      cell: (rate) => `${measuredReference ? '' : `   ${(rate / COMFYUI_ACCEPT_RATE).toFixed(1).padStart(9)}×`}   ${((100 * rate) / machine).toFixed(0).padStart(10)}%`,
    });
    const mean = r.meanPerSecond;
    const flatness = Math.min(...r.phaseRates) / Math.max(...r.phaseRates);
    if (measuredReference) console.log(`  mean ${mean.toFixed(0)}/s; slowest/fastest phase ${flatness.toFixed(2)} (ComfyUI is measured below)`);
    else console.log(`  mean ${mean.toFixed(0)}/s = ${(mean / COMFYUI_ACCEPT_RATE).toFixed(1)}× ComfyUI (${COMFYUI_ACCEPT_RATE}/s, the issue's figure, not measured here; goal ≥ 5×); slowest/fastest phase ${flatness.toFixed(2)}`);
    console.log(`  = ${((100 * mean) / machine).toFixed(0)}% of the bare node:http ceiling on this machine (${machine.toFixed(0)}/s), ${((100 * mean) / bare.fastify).toFixed(0)}% of bare fastify (${bare.fastify.toFixed(0)}/s)`);
    if (!measuredReference) {
      console.log(`  (the issue measured ComfyUI at ${COMFYUI_ACCEPT_RATE}/s where bare node:http did ${ISSUE_BARE_NODE_RATE}/s; at that ratio this rate is ${((mean / machine) * ISSUE_BARE_NODE_RATE / COMFYUI_ACCEPT_RATE).toFixed(1)}× ComfyUI: an estimate, the two were not measured together)`);
    }
    console.log(`  queue now holds ${await queueRemaining(server.url)} prompts`);
    await post(`${server.url}/queue`, { clear: true });
    await post(`${server.url}/interrupt`, {});
    return { ceilings: bare, ...r };
  } finally {
    await server.stop();
  }
}

/** ComfyUI's phases: 10,000 prompts, or fewer where its warm-up rate says 10,000 would take over 2 minutes. */
const referencePhaseSize = (warmUpRate: number) => Math.min(PHASE, Math.max(1000, Math.floor((warmUpRate * 120) / 1000) * 1000));

async function referenceThroughput(generator: LoadGenerator, command: string, total: number): Promise<Throughput & { version: string }> {
  console.log(`\nThe reference ComfyUI, the same way (${command}):`);
  const ref = await startReferenceServer(command);
  try {
    console.log(`  ComfyUI ${ref.version} at ${ref.url}`);
    const phases = Math.max(1, Math.ceil(total / PHASE));
    const r = await acceptRate(generator, ref.url, phases, (rate) => {
      const size = referencePhaseSize(rate);
      if (size < PHASE) console.log(`  (its warm-up rate, ${rate.toFixed(0)}/s, makes 10,000-prompt phases over 2 minutes long: ${phases} phases of ${size})`);
      return size;
    });
    console.log(`  mean ${r.meanPerSecond.toFixed(0)}/s; slowest/fastest phase ${(Math.min(...r.phaseRates) / Math.max(...r.phaseRates)).toFixed(2)}`);
    return { ...r, version: ref.version };
  } catch (err) {
    console.error(`The reference ComfyUI's last lines:\n${ref.logTail()}`);
    throw err;
  } finally {
    await ref.stop();
  }
}

/** The 512×512 PNG that LoadImage reads. */
async function benchImage(): Promise<Buffer> {
  const pixels = Buffer.alloc(512 * 512 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) % 256;
  return sharp(pixels, { raw: { width: 512, height: 512, channels: 3 } }).png().toBuffer();
}

/**
 * The server's own time for the prompts `ids`, mean (ms): from `create_time` (stamped as POST /prompt queues a
 * prompt) to the `execution_success` timestamp, both read back from /api/jobs (ComfyUI 0.8.0 and ours). Both stamps
 * are whole milliseconds of one clock; the mean of many differences is not rounded that way.
 */
async function meanServerMs(url: string, ids: ReadonlySet<string>): Promise<number> {
  const res = await fetch(`${url}/api/jobs?status=completed`);
  const { jobs } = (await res.json()) as { jobs: { id: string; create_time?: number; execution_end_time?: number }[] };
  const spans = jobs
    .filter((j) => ids.has(j.id) && j.create_time !== undefined && j.execution_end_time !== undefined)
    .map((j) => j.execution_end_time! - j.create_time!);
  if (spans.length !== ids.size) throw new Error(`/api/jobs has the stamps of ${spans.length} of the ${ids.size} prompts run`);
  return spans.reduce((a, b) => a + b, 0) / spans.length;
}

/**
 * POST /prompt → execution_success for LoadImage → ImageInvert → SaveImage, after 10 warm-up runs: each run's time
 * as the client sees it (ms), and the server's own mean.
 */
async function latencyTimes(url: string, runs: number): Promise<{ times: number[]; serverMs: number }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?clientId=latency`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  try {
    let waiting: { id: string; resolve: () => void; reject: (err: Error) => void } | null = null;
    ws.on('message', (data, binary) => {
      if (binary || !waiting) return;
      const msg = JSON.parse(data.toString());
      if (msg.type === 'execution_success' && msg.data.prompt_id === waiting.id) waiting.resolve();
      if ((msg.type === 'execution_error' || msg.type === 'execution_interrupted') && msg.data.prompt_id === waiting.id) waiting.reject(new Error(JSON.stringify(msg.data)));
    });
    const prompt = {
      '1': { class_type: 'LoadImage', inputs: { image: 'bench512.png' } },
      '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'bench' } },
    };
    const postPrompt = keepAlivePoster(url);
    const times: number[] = [];
    const measured = new Set<string>();
    for (let i = 0; i < runs + 10; i++) {
      const id = `latency-${i}`;
      let timer: NodeJS.Timeout | undefined;
      const done = new Promise<void>((resolve, reject) => {
        waiting = { id, resolve, reject };
        timer = setTimeout(() => reject(new Error(`${id}: no execution_success within 30 s`)), 30_000);
      });
      const started = performance.now();
      try {
        await postPrompt('/prompt', { prompt, client_id: 'latency', prompt_id: id });
        await done;
      } finally {
        clearTimeout(timer);
      }
      if (i < 10) continue; // the first runs warm up
      times.push(performance.now() - started);
      measured.add(id);
    }
    return { times, serverMs: await meanServerMs(url, measured) };
  } finally {
    ws.close();
  }
}

const latencyLines = ({ times, serverMs }: { times: number[]; serverMs: number }) =>
  `  client: p50 ${median(times).toFixed(2)} ms, p90 ${percentile(times, 0.9).toFixed(2)} ms, min ${Math.min(...times).toFixed(2)} ms\n` +
  `  server (create_time → execution_success timestamp): mean ${serverMs.toFixed(2)} ms`;

async function latency(runs: number, image: Buffer, measuredReference: boolean): Promise<{ p50: number; serverMs: number }> {
  const server = await startBenchServer(['--cache-none']);
  try {
    writeFileSync(join(server.base, 'input', 'bench512.png'), image);
    const measured = await latencyTimes(server.url, runs);
    const p50 = median(measured.times);
    console.log(`\nPOST /prompt → execution_success, LoadImage → ImageInvert → SaveImage 512×512 (--cache-none, ${runs} runs):`);
    console.log(latencyLines(measured));
    if (!measuredReference) console.log(`  ComfyUI ~${COMFYUI_LATENCY_MS} ms of server time (the issue's figure, not measured here); goal < 5 ms`);
    return { p50, serverMs: measured.serverMs };
  } finally {
    await server.stop();
  }
}

async function referenceLatency(command: string, runs: number, image: Buffer): Promise<{ p50: number; serverMs: number; version: string }> {
  const ref = await startReferenceServer(command, ['--cache-none'], { 'bench512.png': image });
  try {
    const measured = await latencyTimes(ref.url, runs);
    console.log(`\nThe reference ComfyUI ${ref.version}, the same workflow (--cache-none, ${runs} runs):`);
    console.log(latencyLines(measured));
    return { p50: median(measured.times), serverMs: measured.serverMs, version: ref.version };
  } catch (err) {
    console.error(`The reference ComfyUI's last lines:\n${ref.logTail()}`);
    throw err;
  } finally {
    await ref.stop();
  }
}

/** The measured comparison, one line per figure. */
function printComparison(ours: ServerFigures, ref: ReferenceFigures): void {
  const name = `ComfyUI ${ref.version} on this machine`;
  console.log(`\nOurs vs ${name} (measured in this run, the same way):`);
  if (Number.isFinite(ours.meanPerSecond) && Number.isFinite(ref.meanPerSecond)) {
    console.log(`  POST /prompt: ours ${ours.meanPerSecond.toFixed(0)}/s, ${name} ${ref.meanPerSecond.toFixed(0)}/s: ${(ours.meanPerSecond / ref.meanPerSecond).toFixed(1)}× (goal ≥ 5×)`);
    console.log(`  GET /queue (ours ${ours.queued} queued, ComfyUI ${ref.queued}): ours ${ours.queueMs.toFixed(1)} ms, ${name} ${ref.queueMs.toFixed(1)} ms: ${(ref.queueMs / ours.queueMs).toFixed(1)}× faster`);
    console.log(`  GET /history?max_items=100 (${PHASE} in history): ours ${ours.historyMs.toFixed(2)} ms, ${name} ${ref.historyMs.toFixed(2)} ms: ${(ref.historyMs / ours.historyMs).toFixed(1)}× faster`);
  }
  if (Number.isFinite(ours.latencyP50Ms) && Number.isFinite(ref.latencyP50Ms)) {
    console.log(
      `  POST /prompt → execution_success (512², --cache-none), client p50: ours ${ours.latencyP50Ms.toFixed(2)} ms, ComfyUI ${ref.latencyP50Ms.toFixed(2)} ms: ` +
        `${(ref.latencyP50Ms / ours.latencyP50Ms).toFixed(1)}× faster`,
    );
    console.log(
      `  the same, server time (mean): ours ${ours.latencyServerMs.toFixed(2)} ms, ComfyUI ${ref.latencyServerMs.toFixed(2)} ms: ` +
        `${(ref.latencyServerMs / ours.latencyServerMs).toFixed(1)}× faster; the issue's goal is < 5 ms where ComfyUI took ${COMFYUI_LATENCY_MS} ms, i.e. ${(COMFYUI_LATENCY_MS / 5).toFixed(1)}× faster`,
    );
  }
}

/**
 * Both benches, each on ours then (with `--comfyui`) on the reference ComfyUI; `--only throughput` or
 * `--only latency` runs one (the other's figures are then NaN).
 */
export async function promptBenches(): Promise<PromptBenchSummary> {
  const only = process.argv[process.argv.indexOf('--only') + 1];
  const skip = (part: string) => process.argv.includes('--only') && only !== part;
  const command = referenceCommand();
  const generator = pickLoadGenerator();
  const ours = skip('throughput') ? { ceilings: { nodeHttp: NaN, fastify: NaN }, ...NO_THROUGHPUT } : await throughput(generator, argValue('--total', 100_000), command !== undefined);
  let refRates: (Throughput & { version: string }) | undefined;
  if (command !== undefined && !skip('throughput')) refRates = await referenceThroughput(generator, command, argValue('--comfyui-total', 20_000));
  const runs = argValue('--latency-runs', 200);
  const image = skip('latency') ? Buffer.alloc(0) : await benchImage();
  const lat = skip('latency') ? { p50: NaN, serverMs: NaN } : await latency(runs, image, command !== undefined);
  const refLatency = command !== undefined && !skip('latency') ? await referenceLatency(command, runs, image) : undefined;
  const summary: PromptBenchSummary = { loadGenerator: generator.name, ...ours, latencyP50Ms: lat.p50, latencyServerMs: lat.serverMs };
  if (command !== undefined) {
    const version = refRates?.version ?? refLatency?.version ?? '?';
    summary.reference = {
      ...NO_THROUGHPUT, ...refRates, version, command, latencyP50Ms: refLatency?.p50 ?? NaN, latencyServerMs: refLatency?.serverMs ?? NaN,
    };
    printComparison(summary, summary.reference);
  }
  return summary;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await promptBenches();
