// `npm run bench`: the server benches (POST /prompt throughput against this machine's bare node:http ceiling, and
// the LoadImage → ImageInvert → SaveImage latency), then the 2048×2048 image pipeline, and a summary of the
// figures with their ratios to ComfyUI 0.8.0. Each bench also runs alone (see its header); the arguments given
// here go to the server benches (`--total`, `--latency-runs`, `--only`, `--autocannon`).
import { imagePipelineBench } from './image-pipeline.ts';
import { COMFYUI_ACCEPT_RATE, COMFYUI_LATENCY_MS, promptBenches } from './prompt-throughput.ts';

const server = await promptBenches();
console.log('');
const pipeline = await imagePipelineBench();

const line = (label: string, value: string, ratio: string) => console.log(`  ${label.padEnd(44)} ${value.padStart(14)}   ${ratio}`);
console.log('\nSummary');
if (Number.isFinite(server.meanPerSecond)) {
  const slowest = Math.min(...server.phaseRates);
  line(`POST /prompt accepted/s (${server.loadGenerator}, mean)`, server.meanPerSecond.toFixed(0), `${(server.meanPerSecond / COMFYUI_ACCEPT_RATE).toFixed(1)}× ComfyUI (goal ≥ 5×)`);
  line('  slowest phase / fastest phase', (slowest / Math.max(...server.phaseRates)).toFixed(2), 'flat as the queue grows = 1.00');
  line('  bare node:http ceiling on this machine', server.ceilings.nodeHttp.toFixed(0), `server at ${((100 * server.meanPerSecond) / server.ceilings.nodeHttp).toFixed(0)}% of it`);
  line('  bare fastify ceiling on this machine', server.ceilings.fastify.toFixed(0), `server at ${((100 * server.meanPerSecond) / server.ceilings.fastify).toFixed(0)}% of it`);
}
if (Number.isFinite(server.latencyP50Ms)) {
  line('POST /prompt → execution_success p50 (512²)', `${server.latencyP50Ms.toFixed(2)} ms`, `${(COMFYUI_LATENCY_MS / server.latencyP50Ms).toFixed(1)}× ComfyUI's ~${COMFYUI_LATENCY_MS} ms (goal < 5 ms)`);
}
line('image pipeline 4×2048² (wall / CPU)', `${(pipeline.wallMs / 1000).toFixed(2)} s / ${(pipeline.cpuMs / 1000).toFixed(2)} s`, '');
