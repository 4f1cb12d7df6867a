// The main process's side of its HTTP front processes (--http-processes): forks them (at start-up, so that they
// load the nodes while this process does), hands them connections (the dispatcher's ConnectionTaker), enqueues the
// prompts they checked and logs their lines, and forks a new one when one dies.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../engine/engine-api.ts';
import { recordKeyOrder } from '../python/dict-order.ts';
import type { ConnectionTaker } from '../server/fronts/connection-dispatch.ts';
import { parseJson } from '../server/json.ts';
import { logAt, type Logger } from '../server/logger.ts';
import type { CliArgs } from './args.ts';
import type { CheckedInFront, FrontToMain, MainToFront } from './front-messages.ts';

const FRONT_ENTRY = fileURLToPath(new URL('./front-process.ts', import.meta.url));
/** The front runs the TypeScript sources as this process does. */
const TSX_LOADER = import.meta.resolve('tsx');
const RESTART_DELAY_MS = 1000;

export interface FrontPoolOptions {
  count: number;
  args: CliArgs;
  logger: Logger;
}

/** Where the fronts' checked prompts go: the engine, and its own log for what validation printed. */
export interface FrontPoolEngine {
  engine: Engine;
  engineLog(line: string): void;
}

class Front implements ConnectionTaker {
  ready = false;
  constructor(
    readonly child: ChildProcess,
    private readonly pool: FrontPool,
  ) {}

  take(socket: Socket, head: Buffer): boolean {
    if (!this.ready || !this.child.connected) return false;
    const message: MainToFront = { type: 'connection', head: head.toString('latin1') };
    this.child.send(message, socket, (err) => err && socket.destroy());
    this.pool.handedOver++;
    return true;
  }
}

export class FrontPool {
  /** Where the main server listens for what the fronts pass on: in a folder of this user's own (mode 0700). */
  readonly mainSocketPath: string;
  private readonly socketDir = mkdtempSync(join(tmpdir(), 'comfy-ts-'));
  private readonly fronts = new Set<Front>();
  private readyFronts: Front[] = [];
  private starting = 0;
  private settledWaiters: (() => void)[] = [];
  private target: FrontPoolEngine | null = null;
  private closing = false;
  /** Connections handed to a front so far. */
  handedOver = 0;

  constructor(private readonly options: FrontPoolOptions) {
    this.mainSocketPath = join(this.socketDir, 'main.sock');
    for (let i = 0; i < options.count; i++) this.spawn();
  }

  /** Checked prompts go to this engine from now on (fronts get connections only once the server listens). */
  enqueueInto(target: FrontPoolEngine): void {
    this.target = target;
  }

  /** The fronts that take connections now. */
  ready(): readonly ConnectionTaker[] {
    return this.readyFronts;
  }

  /** Resolves when no front is starting: each is up, or failed to start. */
  settled(): Promise<void> {
    if (this.starting === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** The front processes' ids. */
  pids(): number[] {
    return [...this.fronts].map((f) => f.child.pid!);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.fronts].map(({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.disconnect(); // the front exits when its channel closes
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        return exited.finally(() => clearTimeout(timer));
      }),
    );
    rmSync(this.socketDir, { recursive: true, force: true });
  }

  private spawn(): void {
    const child = fork(FRONT_ENTRY, [], { execArgv: ['--import', TSX_LOADER] });
    const front = new Front(child, this);
    this.fronts.add(front);
    this.starting++;
    child.on('message', (message: FrontToMain) => this.onMessage(front, message));
    child.on('error', (err) => this.options.logger.warn(`HTTP front process ${child.pid}: ${err.message}`));
    child.once('exit', (code, signal) => {
      const wasUp = front.ready;
      this.fronts.delete(front);
      this.setReady(front, false);
      if (!wasUp) this.started();
      if (this.closing) return;
      const how = signal ?? `code ${code}`;
      // One that never came up would fail again: this process serves its share instead.
      if (!wasUp) return this.options.logger.error(`HTTP front process ${child.pid} failed to start (${how}); serving without it`);
      this.options.logger.warn(`HTTP front process ${child.pid} exited (${how}); starting another`);
      setTimeout(() => this.closing || this.spawn(), RESTART_DELAY_MS).unref();
    });
    const init: MainToFront = { type: 'init', args: this.options.args, mainSocketPath: this.mainSocketPath };
    child.send(init);
  }

  private onMessage(front: Front, message: FrontToMain): void {
    const { logger } = this.options;
    switch (message.type) {
      case 'ready':
        this.setReady(front, true);
        this.started();
        break;
      case 'log':
        logAt(logger, message.level, message.line);
        break;
      case 'checked': {
        const reply: MainToFront = { type: 'numbered', numbers: (parseJson(message.prompts) as CheckedInFront[]).map((p) => this.enqueue(p)) };
        if (front.child.connected) front.child.send(reply);
        break;
      }
    }
  }

  private enqueue({ id, checked, keyOrder, log }: CheckedInFront): [number, number | undefined, string?] {
    try {
      if (!this.target) throw new Error('the engine is not running');
      for (const line of log) this.target.engineLog(line);
      if (checked.accepted && keyOrder) recordKeyOrder(checked.accepted.item[2], keyOrder);
      return [id, this.target.engine.enqueueChecked(checked)];
    } catch (err) {
      // As a throw in the main server's own handler would be: logged, and a 500 for that request alone.
      this.options.logger.error(`Enqueueing a prompt from an HTTP front failed: ${(err as Error)?.stack ?? String(err)}`);
      return [id, undefined, (err as Error)?.message ?? String(err)];
    }
  }

  private started(): void {
    if (--this.starting === 0) for (const resolve of this.settledWaiters.splice(0)) resolve();
  }

  private setReady(front: Front, ready: boolean): void {
    front.ready = ready;
    this.readyFronts = [...this.fronts].filter((f) => f.ready);
  }
}
