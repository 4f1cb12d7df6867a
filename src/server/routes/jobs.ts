// GET /api/jobs and /api/jobs/{job_id} (changes-0.8.0 §1.2): the queue and the history as one list of jobs.
// Registered with a literal /api prefix, so mirroring also yields /api/api/jobs, as in ComfyUI.
import type { FastifyInstance } from 'fastify';
import type { HistoryEntry, QueueItem } from '../../engine/engine-api.ts';
import { orderedKeys } from '../../python/dict-order.ts';
import type { RouteContext } from '../context.ts';
import { inRecordedOrder } from '../json.ts';
import { queryValue } from './files/http-helpers.ts';
import { parsePyInt } from './queue.ts';

type JobStatus = 'pending' | 'in_progress' | 'completed' | 'failed';
const STATUSES: readonly JobStatus[] = ['pending', 'in_progress', 'completed', 'failed'];
const PREVIEWABLE_KEYS = new Set(['images', 'video', 'audio']);
const MODEL_3D = ['.obj', '.fbx', '.gltf', '.glb'];

type Job = Record<string, unknown>;

function workflowId(extraData: Record<string, unknown>): unknown {
  const pnginfo = extraData.extra_pnginfo as { workflow?: { id?: unknown } } | undefined;
  return pnginfo?.workflow?.id;
}

function isPreviewable(mediaType: string, item: Record<string, unknown>): boolean {
  if (PREVIEWABLE_KEYS.has(mediaType)) return true;
  const format = typeof item.format === 'string' ? item.format : '';
  if (format.startsWith('video/') || format.startsWith('audio/')) return true;
  const filename = typeof item.filename === 'string' ? item.filename.toLowerCase() : '';
  return MODEL_3D.some((ext) => filename.endsWith(ext));
}

/** Counts output items and picks the preview (an `output`-typed item first, else the first previewable one). */
export function outputsSummary(outputs: HistoryEntry['outputs']): { count: number; preview: Job | null } {
  let count = 0;
  let preview: Job | null = null;
  let fallback: Job | null = null;
  for (const nodeId of orderedKeys(outputs)) { // in the order the nodes ran, as ComfyUI's dict
    const ui = outputs[nodeId];
    if (typeof ui !== 'object' || ui === null) continue;
    for (const [mediaType, items] of Object.entries(ui)) {
      if (mediaType === 'animated' || !Array.isArray(items)) continue;
      for (const item of items) {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
        count++;
        if (preview === null && isPreviewable(mediaType, item as Record<string, unknown>)) {
          const enriched = { ...(item as Record<string, unknown>), nodeId, mediaType };
          if ((item as Record<string, unknown>).type === 'output') preview = enriched;
          else fallback ??= enriched;
        }
      }
    }
  }
  return { count, preview: preview ?? fallback };
}

/** The job's keys in ComfyUI's order, null-valued ones left out. */
function job(fields: [string, unknown][]): Job {
  const out: Job = {};
  for (const [key, value] of fields) if (value !== null && value !== undefined) out[key] = value;
  return out;
}

function queueJob(item: QueueItem, status: JobStatus): Job {
  const [number, promptId, , extraData] = item;
  return job([
    ['id', promptId],
    ['status', status],
    ['priority', number],
    ['create_time', extraData.create_time],
    ['outputs_count', 0],
    ['workflow_id', workflowId(extraData)],
  ]);
}

function historyJob(promptId: string, entry: HistoryEntry): Job {
  const [number, , , extraData] = entry.prompt;
  let start: unknown = null;
  let end: unknown = null;
  let error: unknown = null;
  for (const [event, data] of entry.status.messages) {
    if (event === 'execution_start') start = data.timestamp;
    else if (event === 'execution_success' || event === 'execution_error' || event === 'execution_interrupted') end = data.timestamp;
    if (event === 'execution_error') error = data;
  }
  const { count, preview } = outputsSummary(entry.outputs);
  return job([
    ['id', promptId],
    ['status', entry.status.status_str === 'error' ? 'failed' : 'completed'],
    ['priority', number],
    ['create_time', extraData.create_time],
    ['execution_start_time', start],
    ['execution_end_time', end],
    ['execution_error', error],
    ['outputs_count', count],
    ['preview_output', preview],
    ['workflow_id', workflowId(extraData)],
  ]);
}

function allJobs(ctx: RouteContext): Job[] {
  const { queue_running, queue_pending } = ctx.engine.queue();
  const jobs = [...queue_running.map((i) => queueJob(i, 'in_progress')), ...queue_pending.map((i) => queueJob(i, 'pending'))];
  for (const [id, entry] of Object.entries(ctx.engine.history())) jobs.push(historyJob(id, entry));
  return jobs;
}

const numberOr0 = (v: unknown) => (typeof v === 'number' ? v : 0);
const duration = (j: Job) =>
  typeof j.execution_start_time === 'number' && typeof j.execution_end_time === 'number'
    ? j.execution_end_time - j.execution_start_time
    : 0;

export async function jobRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get('/api/jobs', async (request, reply) => {
    // A repeated parameter counts by its first value, as aiohttp's `query.get`.
    const query = Object.fromEntries(
      ['status', 'workflow_id', 'sort_by', 'sort_order', 'limit', 'offset'].map((key) => [key, queryValue(request.query, key)]),
    ) as Record<string, string | undefined>;
    const bad = (error: string) => reply.code(400).send({ error });

    let statuses: readonly string[] = STATUSES;
    if (query.status) {
      // `status=,` filters on an empty list: no job matches (ComfyUI's `if status_param:` then a list).
      statuses = query.status.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
      const unknown = statuses.filter((s) => !STATUSES.includes(s as JobStatus));
      if (unknown.length > 0) return bad(`Invalid status value(s): ${unknown.join(', ')}. Valid values: ${STATUSES.join(', ')}`);
    }
    const sortBy = (query.sort_by ?? 'created_at').toLowerCase();
    if (sortBy !== 'created_at' && sortBy !== 'execution_duration') return bad("sort_by must be 'created_at' or 'execution_duration'");
    const sortOrder = (query.sort_order ?? 'desc').toLowerCase();
    if (sortOrder !== 'asc' && sortOrder !== 'desc') return bad("sort_order must be 'asc' or 'desc'");
    let limit: number | null = null;
    if (query.limit !== undefined) {
      limit = parsePyInt(query.limit);
      if (limit === null) return bad('limit must be an integer');
      if (limit <= 0) return bad('limit must be a positive integer');
    }
    let offset = 0;
    if (query.offset !== undefined) {
      const parsed = parsePyInt(query.offset);
      if (parsed === null) return bad('offset must be an integer');
      offset = Math.max(0, parsed);
    }

    let jobs = allJobs(ctx).filter((j) => statuses.includes(j.status as string));
    if (query.workflow_id) jobs = jobs.filter((j) => j.workflow_id === query.workflow_id); // an empty id filters nothing
    const key = sortBy === 'created_at' ? (j: Job) => numberOr0(j.create_time) : duration;
    const sign = sortOrder === 'asc' ? 1 : -1;
    jobs.sort((a, b) => sign * (key(a) - key(b)));
    const page = jobs.slice(offset, limit === null ? undefined : offset + limit);
    return {
      jobs: page,
      pagination: { offset, limit, total: jobs.length, has_more: offset + page.length < jobs.length },
    };
  });

  app.get('/api/jobs/:job_id', async (request, reply) => {
    const { job_id: id } = request.params as { job_id: string };
    const entry = ctx.engine.historyEntry(id);
    if (entry) {
      return {
        ...historyJob(id, entry),
        outputs: inRecordedOrder(entry.outputs),
        execution_status: entry.status,
        workflow: { prompt: inRecordedOrder(entry.prompt[2]), extra_data: entry.prompt[3] },
      };
    }
    const { queue_running, queue_pending } = ctx.engine.queue();
    const running = queue_running.find((i) => i[1] === id);
    if (running) return queueJob(running, 'in_progress');
    const pending = queue_pending.find((i) => i[1] === id);
    if (pending) return queueJob(pending, 'pending');
    return reply.code(404).send({ error: 'Job not found' });
  });
}
