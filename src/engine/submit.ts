// POST /prompt's processing (api.md §3.4, changes-0.8.0.md §2.1): priority number, prompt id, validation, and the
// queue item with `extra_data` (client id copied in, auth keys held apart, `create_time` stamped). Whatever the
// body holds, this answers with an outcome and never throws.
import { randomUUID } from 'node:crypto';
import type { NodeServices } from '../nodes/node-definition.ts';
import type { NodeRegistry } from '../nodes/registry.ts';
import type { Accepted, CounterDraw, ErrorBody, Prompt, PromptRequest, QueueItem, SubmitOutcome } from './engine-api.ts';
import { toPyFloat } from './coerce.ts';
import { describeException, exceptionMessage } from './error-report.ts';
import { isPlainObject, pyStr, pyTruthy } from '../python/values.ts';
import { validatePrompt } from './validate.ts';
import { inputErrors, promptErrors } from './validation-errors.ts';

export const SENSITIVE_EXTRA_DATA_KEYS = ['auth_token_comfy_org', 'api_key_comfy_org'] as const;

export interface Submitted {
  outcome: SubmitOutcome;
  accepted?: Accepted;
  /** Set when the request drew the server-wide counter (every request without its own `number` does). */
  counter?: CounterDraw;
}

export interface SubmitContext {
  registry: NodeRegistry;
  /** What input spec functions (file lists) are evaluated with. */
  services: NodeServices;
  /**
   * The server-wide counter: read and incremented for every request without `number`. An HTTP front process gives a
   * placeholder: the engine draws the counter when the prompt reaches it (`Submitted.counter` says whether to).
   */
  nextNumber(): number;
  log(line: string): void;
}

/** A queue number drawn from the counter is negated when the request asked to go to the `front`. */
export function counterPriority(counter: number, draw: CounterDraw): number {
  return draw.front && counter !== 0 ? -counter : counter;
}

function rejected(error: ErrorBody, counter?: CounterDraw): Submitted {
  return { outcome: { ok: false, error, node_errors: {} }, counter };
}

/** The priority: the client's `number` as a float, else the counter (negated with `front`). */
function priority(ctx: SubmitContext, request: PromptRequest): { number: number; counter?: CounterDraw } | { error: ErrorBody } {
  if (Object.hasOwn(request, 'number')) {
    try {
      const n = toPyFloat(request.number);
      if (Number.isNaN(n)) return { error: promptErrors.notAnObject('"number" is not a number') };
      return { number: n };
    } catch (err) {
      return { error: promptErrors.notAnObject(`"number" is not a number: ${exceptionMessage(err)}`) };
    }
  }
  const counter: CounterDraw = { front: pyTruthy(request.front) };
  return { number: counterPriority(ctx.nextNumber(), counter), counter };
}

export async function submitPrompt(ctx: SubmitContext, request: PromptRequest): Promise<Submitted> {
  let counter: CounterDraw | undefined;
  try {
    if (!isPlainObject(request)) {
      ctx.nextNumber();
      return rejected(promptErrors.noPrompt(), { front: false });
    }
    const p = priority(ctx, request);
    if ('error' in p) return rejected(p.error);
    counter = p.counter;
    if (!Object.hasOwn(request, 'prompt')) return rejected(promptErrors.noPrompt(), counter);
    // An empty list validates as an empty prompt (ComfyUI iterates it and finds no outputs).
    const prompt = Array.isArray(request.prompt) && request.prompt.length === 0 ? {} : request.prompt;
    if (!isPlainObject(prompt)) return rejected(promptErrors.notAnObject('the prompt is not a JSON object'), counter);
    const promptId = Object.hasOwn(request, 'prompt_id') ? pyStr(request.prompt_id) : randomUUID();
    const targets = request.partial_execution_targets;
    if (targets !== undefined && targets !== null && !Array.isArray(targets)) {
      return rejected(promptErrors.notAnObject('"partial_execution_targets" is not a list of node ids'), counter);
    }
    const extraData = request.extra_data ?? {};
    if (!isPlainObject(extraData)) return rejected(promptErrors.notAnObject('"extra_data" is not a JSON object'), counter);

    const v = await validatePrompt(ctx.registry, prompt, (targets as unknown[] | null | undefined) ?? null, ctx.log, ctx.services);
    if (Object.hasOwn(request, 'client_id')) extraData.client_id = request.client_id;
    if (!v.ok) {
      ctx.log(`invalid prompt: ${v.error!.message}`);
      return { outcome: { ok: false, error: v.error!, node_errors: v.nodeErrors }, counter };
    }
    const sensitive: Record<string, unknown> = {};
    for (const key of SENSITIVE_EXTRA_DATA_KEYS) {
      if (Object.hasOwn(extraData, key)) {
        sensitive[key] = extraData[key];
        delete extraData[key];
      }
    }
    extraData.create_time = Date.now();
    const item: QueueItem = [p.number, promptId, prompt as Prompt, extraData, v.outputs];
    return {
      outcome: { ok: true, prompt_id: promptId, number: p.number, node_errors: v.nodeErrors, numberIsFloat: counter === undefined },
      accepted: { item, sensitive },
      counter,
    };
  } catch (err) {
    const info = describeException(err, 'submitPrompt');
    ctx.log(`submit failed: ${info.message}`);
    return rejected(inputErrors.exception(info), counter);
  }
}
