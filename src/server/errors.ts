// The server's own error bodies, shaped like ComfyUI's prompt errors so that every client that knows how to
// show a 400 from POST /prompt can show these too: {"error": {type, message, details, extra_info}, "node_errors": {}}.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorBody } from '../engine/engine-api.ts';
import type { Logger } from './logger.ts';

export type ServerErrorType =
  | 'no_prompt'
  | 'invalid_json'
  | 'invalid_request'
  | 'payload_too_large'
  | 'forbidden'
  | 'internal_error'
  | 'prompt_outputs_failed_validation';

const MESSAGES: Record<ServerErrorType, string> = {
  no_prompt: 'No prompt provided',
  invalid_json: 'Invalid JSON in request body',
  invalid_request: 'Invalid request',
  payload_too_large: 'Request body too large',
  forbidden: 'Forbidden',
  internal_error: 'Internal server error',
  prompt_outputs_failed_validation: 'Prompt outputs failed validation',
};

export function errorBody(type: ServerErrorType, details = MESSAGES[type], extraInfo: Record<string, unknown> = {}): ErrorBody {
  return { type, message: MESSAGES[type], details, extra_info: extraInfo };
}

/** The full 400-style response body. */
export function errorResponse(type: ServerErrorType, details?: string, extraInfo?: Record<string, unknown>) {
  return { error: errorBody(type, details, extraInfo), node_errors: {} };
}

/** What a thrown error becomes: 413 as text (aiohttp's), 5xx logged and `internal_error`, the rest `invalid_request`. */
export function replyToErrors(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) return reply.code(413).type('text/plain; charset=utf-8').send(error.message);
    if (status >= 500) {
      logger.error(`Error handling ${request.method} ${request.url}: ${error.stack ?? error.message}`);
      return reply.code(500).send(errorResponse('internal_error', error.message));
    }
    return reply.code(status).send(errorResponse('invalid_request', error.message));
  });
}
