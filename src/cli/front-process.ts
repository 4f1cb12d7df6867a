// An HTTP front process (server/fronts/front-app.ts), forked by the main process's FrontPool: from the same command
// line it loads the same nodes, so it validates prompts as the engine would, then serves the connections the main
// process hands it. It lives as long as its IPC channel to the main process.
import type { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { serveConnection } from '../server/fronts/connection-dispatch.ts';
import { buildFrontApp } from '../server/fronts/front-app.ts';
import { stringifyJson } from '../server/json.ts';
import { createLogger, silentLogger } from '../server/logger.ts';
import type { CheckedInFront, FrontToMain, MainToFront } from './front-messages.ts';
import { loadNodes } from './load-nodes.ts';
import { serverOptions } from './start.ts';

const send = (message: FrontToMain) => process.send!(message);
const waitingForNumbers = new Map<number, { resolve(number: number | undefined): void; reject(err: Error): void }>();
let nextRequestId = 0;
let app: FastifyInstance | null = null;

// The prompts checked while the event loop goes round travel together: one IPC message (and one answer) for all.
let unsent: CheckedInFront[] = [];
function sendChecked(): void {
  send({ type: 'checked', prompts: stringifyJson(unsent) });
  unsent = [];
}

async function start(init: Extract<MainToFront, { type: 'init' }>): Promise<void> {
  const { args, mainSocketPath } = init;
  // The main process has already said what loading the nodes had to say.
  const nodes = await loadNodes(args, silentLogger);
  const logger = createLogger({ level: args.verbose, write: (level, line) => send({ type: 'log', level, line }) });
  app = await buildFrontApp({
    registry: nodes.registry,
    services: nodes.services,
    options: serverOptions(args, nodes, []),
    logger,
    mainSocketPath,
    enqueue: (checked, keyOrder, log) =>
      new Promise((resolve, reject) => {
        const id = nextRequestId++;
        waitingForNumbers.set(id, { resolve, reject });
        if (unsent.length === 0) setImmediate(sendChecked);
        unsent.push({ id, checked, keyOrder, log });
      }),
  });
  // Listening (on a socket nobody else uses, beside the main one) is what starts node's own connection tracking:
  // the header and request timeouts then hold for the connections handed over, as they do in the main server.
  await app.listen({ path: join(dirname(mainSocketPath), `front-${process.pid}.sock`) });
  send({ type: 'ready' });
}

process.on('message', (message: MainToFront, handle?: Socket) => {
  switch (message.type) {
    case 'init':
      start(message).catch((err: unknown) => {
        process.stderr.write(`HTTP front process failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
        process.exit(1);
      });
      break;
    case 'connection':
      if (handle && app) serveConnection(app.server, handle, Buffer.from(message.head, 'latin1'));
      else handle?.destroy();
      break;
    case 'numbered':
      for (const [id, number, failure] of message.numbers) {
        const waiting = waitingForNumbers.get(id);
        waitingForNumbers.delete(id);
        if (failure === undefined) waiting?.resolve(number);
        else waiting?.reject(new Error(failure));
      }
      break;
  }
});
// Ctrl-C reaches the whole process group: the main process ends its fronts itself, by closing the channel.
process.on('SIGINT', () => {});
process.once('disconnect', () => process.exit(0));
