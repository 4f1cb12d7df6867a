// How the server takes connections on its --listen addresses: straight into the fastify server, or (with HTTP
// front processes) through the dispatcher, which shares connections opening with POST /prompt between this process
// and the fronts; the fronts reach this process's server over the pool's private local socket.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { FastifyInstance } from 'fastify';
import { ConnectionDispatcher } from '../server/fronts/connection-dispatch.ts';
import type { CliArgs } from './args.ts';
import type { FrontPool } from './front-pool.ts';

export interface Listening {
  port: number;
  /** The HTTP front processes, when there are any. */
  fronts?: FrontPool;
  /** Stops taking connections (and ends the fronts); the app closes its own. */
  close(): Promise<void>;
}

type Tls = { key: Buffer; cert: Buffer };

// IPv6 addresses bind IPv6 only, as asyncio's create_server does for ComfyUI (`--listen ::` leaves IPv4 alone).
const ipv6Only = (address: string) => address.includes(':');

export async function listenDirect(app: FastifyInstance, args: CliArgs, tls: Tls | null): Promise<Listening> {
  const [first, ...rest] = args.listen;
  await app.listen({ host: first!, port: args.port, ipv6Only: ipv6Only(first!) });
  const port = (app.server.address() as { port: number }).port;
  const extra: Server[] = [];
  const close = async () => {
    for (const s of extra) {
      s.closeAllConnections();
      await new Promise((ok) => s.close(ok));
    }
  };
  try {
    for (const address of rest) extra.push(await listenExtra(app, address, port, tls));
  } catch (err) {
    await close();
    throw err;
  }
  return { port, close };
}

/** Extra servers for the 2nd… --listen addresses, feeding the same fastify instance. */
async function listenExtra(app: FastifyInstance, address: string, port: number, tls: Tls | null): Promise<Server> {
  const server = tls ? createHttpsServer(tls) : createHttpServer();
  server.on('request', (req, res) => app.server.emit('request', req, res));
  server.on('upgrade', (req, socket, head) => app.server.emit('upgrade', req, socket, head));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen({ host: address, port, ipv6Only: ipv6Only(address) }, () => ok());
  });
  return server;
}

export async function listenWithFronts(app: FastifyInstance, args: CliArgs, fronts: FrontPool): Promise<Listening> {
  await app.listen({ path: fronts.mainSocketPath });
  const dispatcher = new ConnectionDispatcher(app.server, () => fronts.ready());
  const close = async () => {
    dispatcher.close();
    await fronts.close();
  };
  try {
    const [first, ...rest] = args.listen;
    const port = await dispatcher.listen({ host: first!, port: args.port, ipv6Only: ipv6Only(first!) });
    for (const address of rest) await dispatcher.listen({ host: address, port, ipv6Only: ipv6Only(address) });
    return { port, fronts, close };
  } catch (err) {
    await close();
    throw err;
  }
}
