// The blocking API of ComfyUI's OpenAPI file (seed 000): POST /api/v1/prompts runs a prompt and answers when it
// is done with the URLs of its image; GET /api/v1/prompts is the last prompt; GET /api/v1/images/{digest} is the
// image a request body (by its SHA-256) produced.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HistoryEntry } from '../../engine/engine-api.ts';
import { orderedKeys } from '../../python/dict-order.ts';
import { writeFileAtomic } from '../../storage/atomic-write.ts';
import { InvalidJsonBody, decodeJsonBody, isPlainObject } from '../body.ts';
import type { RouteContext } from '../context.ts';
import { errorResponse } from '../errors.ts';
import { stringifyJson } from '../json.ts';

interface ImageRef {
  filename: string;
  subfolder: string;
  type: string;
}

const MAX_REMEMBERED_DIGESTS = 10_000;

/** The prompt of a JSON body: either the prompt itself or `{"prompt": {...}}`. */
function promptOf(body: unknown): Record<string, unknown> | null {
  if (!isPlainObject(body)) return null;
  return isPlainObject(body.prompt) ? body.prompt : body;
}

/**
 * The image to answer with: the first image of the last output node, in the prompt's order as sent, that saved
 * images of type `output`.
 */
export function pickOutputImage(entry: HistoryEntry): ImageRef | null {
  const sent = orderedKeys(entry.prompt[2]);
  const ids = [...sent.filter((id) => Object.hasOwn(entry.outputs, id)), ...Object.keys(entry.outputs).filter((id) => !sent.includes(id))];
  let picked: ImageRef | null = null;
  for (const id of ids) {
    const images = (entry.outputs[id]?.images ?? []) as Partial<ImageRef>[];
    const saved = images.find((i) => i && i.type === 'output' && typeof i.filename === 'string');
    if (saved) picked = { filename: saved.filename!, subfolder: saved.subfolder ?? '', type: 'output' };
  }
  return picked;
}

export async function blockingApiRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { engine, paths } = ctx;
  const images = new Map<string, ImageRef>();
  await app.register(fastifyMultipart, { limits: { fileSize: ctx.maxUploadBytes, fieldSize: ctx.maxUploadBytes } });

  // The OpenAPI text spells the type `multipart/formdata`; a client that follows it gets its form parsed too.
  app.addHook('onRequest', (request, _reply, done) => {
    const type = request.headers['content-type'];
    if (type !== undefined && /^multipart\/formdata\b/i.test(type)) request.headers['content-type'] = type.replace(/^multipart\/formdata/i, 'multipart/form-data');
    done();
  });

  const remember = (digest: string, image: ImageRef) => {
    images.delete(digest);
    images.set(digest, image);
    if (images.size > MAX_REMEMBERED_DIGESTS) images.delete(images.keys().next().value!);
  };

  const imagePath = (image: ImageRef): string | null => {
    const dir = paths.dirForType(image.type);
    return dir ? paths.resolveInside(dir, image.subfolder ? `${image.subfolder}/${image.filename}` : image.filename) : null;
  };

  /** Reads a multipart body: the `prompt` field (or a JSON part) and files saved into input/. */
  const readMultipart = async (request: FastifyRequest): Promise<unknown> => {
    let prompt: unknown;
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === 'prompt') prompt = decodeJsonBody(Buffer.from(String(part.value)));
        continue;
      }
      const data = await part.toBuffer();
      if (part.fieldname === 'prompt' || part.mimetype === 'application/json') {
        prompt = decodeJsonBody(data);
        continue;
      }
      const name = basename(part.filename ?? '');
      const target = name ? paths.resolveInside(paths.inputDir, name) : null;
      if (!target) throw Object.assign(new Error(`Invalid file name: ${JSON.stringify(part.filename)}`), { statusCode: 400 });
      await writeFileAtomic(target, data);
    }
    return prompt;
  };

  app.post('/api/v1/prompts', async (request, reply) => {
    const accept = (request.headers.accept ?? 'application/json').split(',')[0]!.trim();
    const wantsPng = accept === 'image/png';
    if (engine.queueRemaining() > ctx.options.maxQueueSize) {
      return reply.code(429).type('text/plain; charset=utf-8').send(`the queue has ${engine.queueRemaining()} elements and ${ctx.options.maxQueueSize} is the limit`);
    }
    const body = request.isMultipart() ? await readMultipart(request) : request.body;
    if (body instanceof InvalidJsonBody) return reply.code(400).send(errorResponse('invalid_json', body.message));
    const prompt = promptOf(body);
    if (!prompt || Object.keys(prompt).length === 0) return reply.code(400).send(errorResponse('no_prompt', 'no prompt was specified'));

    const digest = createHash('sha256').update(stringifyJson(prompt)).digest('hex');
    // Its answer is the image even when every node was cached (no client_id, so ComfyUI's history would hold none).
    const outcome = await engine.submit({ prompt }, { recordCachedOutputs: true });
    if (!outcome.ok) return reply.code(400).send({ error: outcome.error, node_errors: outcome.node_errors });
    const entry = await engine.waitFor(outcome.prompt_id);
    if (entry.status.status_str === 'error') return sendExecutionFailure(reply, entry);

    const image = pickOutputImage(entry);
    if (!image) return reply.code(204).send();
    remember(digest, image);
    const view = new URLSearchParams({ filename: image.filename, subfolder: image.subfolder, type: image.type });
    const scheme = request.protocol;
    reply.headers({
      digest: `SHA256=${digest}`,
      location: `/api/v1/images/${digest}`,
      'content-disposition': `filename=${image.filename}`,
    });
    if (wantsPng) return sendImage(reply, imagePath(image));
    return { urls: [`/api/v1/images/${digest}`, `${scheme}://${request.headers.host ?? request.hostname}/view?${view}`] };
  });

  // "The last prompt run anywhere that was used to produce an image" (UI or API alike).
  app.get('/api/v1/prompts', async (_request, reply) => {
    const entries = Object.values(engine.history());
    for (let i = entries.length - 1; i >= 0; i--) if (pickOutputImage(entries[i]!)) return entries[i]!.prompt[2];
    return reply.code(404).send();
  });

  app.get('/api/v1/images/:digest', async (request, reply) => {
    const image = images.get((request.params as { digest: string }).digest);
    if (!image) return reply.code(404).send();
    return sendImage(reply, imagePath(image));
  });
}

async function sendImage(reply: FastifyReply, path: string | null): Promise<FastifyReply> {
  if (!path) return reply.code(404).send();
  try {
    return reply.type('image/png').send(await readFile(path));
  } catch {
    return reply.code(404).send();
  }
}

function sendExecutionFailure(reply: FastifyReply, entry: HistoryEntry): FastifyReply {
  const failure = entry.status.messages.find(([event]) => event === 'execution_error' || event === 'execution_interrupted');
  const data = failure?.[1] ?? {};
  const interrupted = failure?.[0] === 'execution_interrupted';
  return reply.code(500).send({
    error: {
      type: interrupted ? 'execution_interrupted' : 'execution_error',
      message: interrupted ? 'Execution was interrupted' : String(data.exception_message ?? 'Execution failed'),
      details: String(data.exception_type ?? ''),
      extra_info: data,
    },
    node_errors: {},
  });
}
