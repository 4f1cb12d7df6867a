// Where each client connection is served, decided by its first request line: connections that open with
// POST /prompt (the route clients hammer) are shared round-robin between the main server and the HTTP front
// processes; every other connection (WebSockets, the UI, files) stays in the main process, next to the engine whose
// events it carries. A front passes on any later request that is not POST /prompt (see front-app.ts).
import { createServer, type ListenOptions, type Server, type Socket } from 'node:net';
import type { Server as HttpServer } from 'node:http';

/** A front process that can take a connection. */
export interface ConnectionTaker {
  /** Takes the socket (paused, nothing read beyond `head`); false when it cannot, and the socket is untouched. */
  take(socket: Socket, head: Buffer): boolean;
}

const OPENS_WITH_PROMPT_POST = /^POST \/(?:api\/)?prompt[ ?]/;
/**
 * How many connections a front gets for each one the main server keeps. The main process also enqueues what the
 * fronts checked and runs the engine, and its own connections skip the hop to it: on 2 cores with one front, shares
 * of 3, 8 and 31 gave about 15k, 17k and 16.5k prompts/s, and an even share less.
 */
const FRONT_SHARE = 8;
/** As long as node's http server waits for a request's headers before it gives up on the connection. */
const FIRST_BYTES_TIMEOUT_MS = 60_000;

export class ConnectionDispatcher {
  private readonly servers: Server[] = [];
  private turn = 0;

  constructor(
    private readonly main: HttpServer,
    private readonly fronts: () => readonly ConnectionTaker[],
  ) {}

  /** Listens on one more address; resolves with the bound port. */
  async listen(options: ListenOptions): Promise<number> {
    const server = createServer({ pauseOnConnect: true }, (socket) => this.route(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.servers.push(server);
    return (server.address() as { port: number }).port;
  }

  /**
   * Stops listening. Open connections end with the server that took them (net.Server's own callback would wait for
   * every connection a front holds).
   */
  close(): void {
    for (const server of this.servers) server.close();
  }

  private route(socket: Socket): void {
    const drop = () => socket.destroy();
    socket.on('error', drop);
    socket.setTimeout(FIRST_BYTES_TIMEOUT_MS, drop);
    socket.once('data', (head: Buffer) => {
      socket.pause();
      // No more bytes may reach this process's buffers: a socket handed to a front must leave the rest of the
      // request in the kernel, where the front reads it. (pause() alone only stops the 'data' events.)
      stopReading(socket);
      socket.off('error', drop);
      socket.setTimeout(0);
      const front = OPENS_WITH_PROMPT_POST.test(head.toString('latin1', 0, 20)) ? this.nextFront() : null;
      if (!front?.take(socket, head)) serveConnection(this.main, socket, head);
    });
    socket.resume(); // accepted paused: reads start now
  }

  /**
   * Weighted round-robin: the main server's turn first (a lone client is served without the hop to the engine),
   * then FRONT_SHARE turns for each front that is up.
   */
  private nextFront(): ConnectionTaker | null {
    const fronts = this.fronts();
    const turn = this.turn++ % (1 + FRONT_SHARE * fronts.length);
    return turn === 0 ? null : (fronts[(turn - 1) % fronts.length] ?? null);
  }
}

/** Stops the handle reading, as net.Socket itself does when its buffer is full (its `reading` flag included). */
function stopReading(socket: Socket): void {
  const handle = (socket as unknown as { _handle: { reading: boolean; readStop(): number } | null })._handle;
  if (!handle?.reading) return;
  handle.reading = false;
  handle.readStop();
}

/** Serves a connection routed here: `head`, already read, goes back in front of the rest. */
export function serveConnection(server: HttpServer, socket: Socket, head: Buffer): void {
  socket.unshift(head);
  server.emit('connection', socket);
  socket.resume();
}
