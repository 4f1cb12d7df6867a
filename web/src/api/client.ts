// The HTTP API client: every route the UI calls, under `api/` relative to the page (api.md §1.3), so the UI also
// works behind a path prefix.
import type {
  ApiPrompt,
  HistoryEntry,
  ImageRef,
  NodeErrors,
  ObjectInfo,
  PromptError,
  PromptResponse,
  QueueState,
  UserDataFile,
  Workflow,
} from './types.ts';

/** A refused `POST /prompt`: the server's `error` and `node_errors`. */
export class PromptRejected extends Error {
  constructor(
    readonly error: PromptError,
    readonly nodeErrors: NodeErrors,
  ) {
    super(error.message);
  }
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}${body ? `: ${body}` : ''}`);
  }
}

export function apiUrl(path: string): string {
  return new URL(`api/${path.replace(/^\//, '')}`, document.baseURI).href;
}

/** `/view` URL of an output, input or temp image. */
export function viewUrl(image: ImageRef, preview?: string): string {
  const query = new URLSearchParams({ filename: image.filename, subfolder: image.subfolder ?? '', type: image.type ?? 'output' });
  if (preview) query.set('preview', preview);
  return apiUrl(`view?${query}`);
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(apiUrl(path), init);
  if (!res.ok) throw new HttpError(res.status, await res.text());
  return res;
}

const json = <T>(path: string, init?: RequestInit) => request(path, init).then((r) => r.json() as Promise<T>);
const postJson = (path: string, body: unknown) =>
  request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const userDataPath = (path: string) => `userdata/${encodeURIComponent(path)}`;

export const api = {
  objectInfo: () => json<ObjectInfo>('object_info'),
  queue: () => json<QueueState>('queue'),
  history: (maxItems = 50) => json<Record<string, HistoryEntry>>(`history?max_items=${maxItems}`),

  /** POST /prompt; `front` queues it ahead of the pending prompts (ComfyUI's "Queue (Front)"). */
  async queuePrompt(prompt: ApiPrompt, workflow: Workflow, clientId: string, front = false): Promise<PromptResponse> {
    const res = await fetch(apiUrl('prompt'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt, client_id: clientId, extra_data: { extra_pnginfo: { workflow } }, ...(front ? { front: true } : {}) }),
    });
    const body = await res.json().catch(() => null);
    if (res.ok) return body as PromptResponse;
    if (body?.error) throw new PromptRejected(body.error, body.node_errors ?? {});
    throw new HttpError(res.status, JSON.stringify(body));
  },

  deleteQueued: (promptIds: string[]) => postJson('queue', { delete: promptIds }),
  clearQueue: () => postJson('queue', { clear: true }),
  clearHistory: () => postJson('history', { clear: true }),
  deleteHistory: (promptIds: string[]) => postJson('history', { delete: promptIds }),
  interrupt: (promptId?: string) => postJson('interrupt', promptId ? { prompt_id: promptId } : {}),

  async uploadImage(file: File): Promise<ImageRef & { name: string }> {
    const form = new FormData();
    form.append('image', file, file.name);
    const res = await request('upload/image', { method: 'POST', body: form });
    const body = (await res.json()) as { name: string; subfolder: string; type: ImageRef['type'] };
    return { ...body, filename: body.name };
  },

  listWorkflows: () => json<UserDataFile[]>('userdata?dir=workflows&recurse=true&split=false&full_info=true'),
  loadWorkflow: (path: string) => json<Workflow>(userDataPath(`workflows/${path}`)),
  saveWorkflow: (path: string, workflow: Workflow) =>
    request(`${userDataPath(`workflows/${path}`)}?overwrite=true`, { method: 'POST', body: JSON.stringify(workflow) }),
  deleteWorkflow: (path: string) => request(userDataPath(`workflows/${path}`), { method: 'DELETE' }),
};
