// `npm run bench`: the server benches (POST /prompt throughput against this machine's bare node:http ceiling, and
// the LoadImage → ImageInvert → SaveImage latency), then the 2048×2048 image pipeline, and a summary of the
// figures with their ratios to ComfyUI 0.8.0. Each bench also runs alone (see its header); the arguments given
// here go to the server benches (`--total`, `--latency-runs`, `--only`, `--autocannon`, `--comfyui "<command>"`,
// `--comfyui-total`). Without `--comfyui` (or COMFYUI_REFERENCE_CMD) the ratios are to the ComfyUI figures quoted
// in the issue, not measured here; with it, to a real ComfyUI measured in the same run the same way, e.g.
// `npm run bench -- --comfyui 'cd ~/ComfyUI && python main.py --cpu'` (the command's contract: comfyui-reference.ts).
import { imagePipelineBench } from './image-pipeline.ts';
import { COMFYUI_ACCEPT_RATE, COMFYUI_LATENCY_MS, promptBenches } from './prompt-throughput.ts';

const server = await promptBenches();
console.log('');
const pipeline = await imagePipelineBench();

const line = (label: string, value: string, ratio: string) => console.log(`  ${label.padEnd(44)} ${value.padStart(14)}   ${ratio}`);
const ref = server.reference;
const refName = ref && `ComfyUI ${ref.version} measured here`;
console.log(ref ? `\nSummary (ratios to ComfyUI ${ref.version} measured in this run: ${ref.command})` : `\nSummary (ratios to the issue's ComfyUI 0.8.0 figures, not measured here)`);
if (Number.isFinite(server.meanPerSecond)) {
  const slowest = Math.min(...server.phaseRates);
  const vs = ref && Number.isFinite(ref.meanPerSecond)
    ? `${(server.meanPerSecond / ref.meanPerSecond).toFixed(1)}× ${refName} (${ref.meanPerSecond.toFixed(0)}/s; goal ≥ 5×)`
    : `${(server.meanPerSecond / COMFYUI_ACCEPT_RATE).toFixed(1)}× ComfyUI's ${COMFYUI_ACCEPT_RATE}/s in the issue (goal ≥ 5×)`;
  line(`POST /prompt accepted/s (${server.loadGenerator}, mean)`, server.meanPerSecond.toFixed(0), vs);
  line('  slowest phase / fastest phase', (slowest / Math.max(...server.phaseRates)).toFixed(2), 'flat as the queue grows = 1.00');
  line('  bare node:http ceiling on this machine', server.ceilings.nodeHttp.toFixed(0), `server at ${((100 * server.meanPerSecond) / server.ceilings.nodeHttp).toFixed(0)}% of it`);
  line('  bare fastify ceiling on this machine', server.ceilings.fastify.toFixed(0), `server at ${((100 * server.meanPerSecond) / server.ceilings.fastify).toFixed(0)}% of it`);
  const faster = (ours: number, theirs: number | undefined, digits: number) =>
    theirs !== undefined && Number.isFinite(theirs) ? `${(theirs / ours).toFixed(1)}× faster than ${refName} (${theirs.toFixed(digits)} ms)` : '';
  line(`GET /queue (${server.queued} queued)`, `${server.queueMs.toFixed(1)} ms`, faster(server.queueMs, ref?.queueMs, 1));
  line('GET /history?max_items=100 (10,000 held)', `${server.historyMs.toFixed(2)} ms`, faster(server.historyMs, ref?.historyMs, 2));
}
if (Number.isFinite(server.latencyP50Ms)) {
  const measuredRef = ref && Number.isFinite(ref.latencyP50Ms) ? ref : undefined;
  line(
    'POST /prompt → execution_success p50 (512²)', `${server.latencyP50Ms.toFixed(2)} ms`,
    measuredRef ? `${(measuredRef.latencyP50Ms / server.latencyP50Ms).toFixed(1)}× faster than ${refName} (${measuredRef.latencyP50Ms.toFixed(2)} ms), as the client sees it` : 'as the client sees it',
  );
  line(
    '  the same in server time (mean)', `${server.latencyServerMs.toFixed(2)} ms`,
    measuredRef
      ? `${(measuredRef.latencyServerMs / server.latencyServerMs).toFixed(1)}× faster than ${refName} (${measuredRef.latencyServerMs.toFixed(2)} ms); goal < 5 ms (the issue: ComfyUI ~${COMFYUI_LATENCY_MS} ms)`
      : `${(COMFYUI_LATENCY_MS / server.latencyServerMs).toFixed(1)}× ComfyUI's ~${COMFYUI_LATENCY_MS} ms of server time in the issue (goal < 5 ms)`,
  );
}
line('image pipeline 4×2048² (wall / CPU)', `${(pipeline.wallMs / 1000).toFixed(2)} s / ${(pipeline.cpuMs / 1000).toFixed(2)} s`, '');
