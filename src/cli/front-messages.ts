// What the main process and its HTTP front processes say to each other over node's IPC channel (JSON lines; a
// socket handle rides along with `connection`). Checked prompts travel as text in the server's own JSON dialect
// (server/json.ts), which keeps big integers exact: node's JSON.stringify cannot write them, and its `advanced`
// serialization takes twice as long to read back.
import type { CheckedElsewhere } from '../engine/engine-api.ts';
import type { LogLevel } from '../server/logger.ts';
import type { CliArgs } from './args.ts';

export type MainToFront =
  /** The first message: the main process's command line, and where its own HTTP server listens for the fronts. */
  | { type: 'init'; args: CliArgs; mainSocketPath: string }
  /** Hand-over of a client connection (the socket is the message's handle); `head` is what was read to route it (latin1). */
  | { type: 'connection'; head: string }
  /** The engine's answer to a `checked` message: each prompt's queue number if it drew one, or why it failed. */
  | { type: 'numbered'; numbers: [id: number, number: number | undefined, failure?: string][] };

export type FrontToMain =
  /** Nodes loaded and the app built: the front takes connections from now on. */
  | { type: 'ready' }
  /** The POST /prompt requests validated in the front since its last `checked` message, in order (CheckedInFront[]). */
  | { type: 'checked'; prompts: string }
  | { type: 'log'; level: LogLevel; line: string };

/**
 * `keyOrder` is the prompt's sent node-id order when JavaScript's differs (python/dict-order.ts keeps it out of
 * band, where serialization does not reach); `log` is what validation printed, to be logged before the prompt is
 * queued, as the engine's own validation does.
 */
export interface CheckedInFront {
  id: number;
  checked: CheckedElsewhere;
  keyOrder?: readonly string[];
  log: string[];
}
