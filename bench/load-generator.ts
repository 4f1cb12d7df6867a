// HTTP load for the benches: `wrk` when installed (a C load generator: it leaves the CPU to the server, where
// autocannon, in Node, takes about as much CPU as the server it measures), else autocannon.
// Install wrk with `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` (macOS).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  /** The JSON body POSTed by every request. */
  body: string;
  connections: number;
  /** Requests to complete; the run stops once this many responses have arrived. */
  amount: number;
}

export interface LoadResult {
  /** Responses received (wrk may have a few more requests in flight when it stops). */
  requests: number;
  /** Responses per second, timed to the last response. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses with status ≥ 400 plus socket errors and timeouts. */
  failures: number;
}

export interface LoadGenerator {
  name: string;
  run(options: LoadOptions): Promise<LoadResult>;
}

export const WRK_INSTALL_HINT = 'wrk is not installed: `apt-get install -y wrk` (or `brew install wrk`) for figures not capped by the load generator';

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk --version prints its usage and exits with status 1; only a missing binary is ENOENT.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * The wrk script: POSTs the body, stops each thread after its share of responses (saying so, since wrk's main
 * thread sleeps for the whole -d duration unless interrupted), and prints one JSON line with the totals
 * (durations in microseconds).
 */
function wrkScript(body: string, perThread: number): string {
  return `
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = ${JSON.stringify(body)}
local received = 0
function response(status, headers, body)
  received = received + 1
  if received == ${perThread} then
    io.write("WRK_THREAD_DONE\\n")
    io.flush()
    wrk.thread:stop()
  end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"failures":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
`;
}

/** wrk with one thread per 32 connections (one is enough on a small machine and leaves the cores to the server). */
const wrk: LoadGenerator = {
  name: 'wrk',
  async run({ url, body, connections, amount }) {
    const threads = Math.max(1, Math.min(4, Math.round(connections / 32)));
    const dir = mkdtempSync(join(tmpdir(), 'comfy-ts-wrk-'));
    const script = join(dir, 'post.lua');
    writeFileSync(script, wrkScript(body, Math.ceil(amount / threads)));
    try {
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn('wrk', ['-t', String(threads), '-c', String(connections), '-d', '600s', '--timeout', '30s', '-s', script, url]);
        let out = '';
        let stopping = false;
        // Once every thread has its responses, SIGINT ends wrk's sleep; it then prints the summary.
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (!stopping && out.split('WRK_THREAD_DONE').length - 1 === threads) stopping = child.kill('SIGINT');
        });
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}:\n${out}`))));
      });
      const line = /WRK_RESULT (\{.*\})/.exec(output);
      if (!line) throw new Error(`wrk printed no result:\n${output}`);
      const r = JSON.parse(line[1]!) as { requests: number; durationUs: number; p50Us: number; p99Us: number; failures: number };
      return { requests: r.requests, rate: r.requests / (r.durationUs / 1e6), p50Ms: r.p50Us / 1000, p99Ms: r.p99Us / 1000, failures: r.failures };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** autocannon in this process; the rate is timed to the last response (autocannon notices the end on its 1 s tick). */
const autocannonGenerator: LoadGenerator = {
  name: 'autocannon',
  async run({ url, body, connections, amount }) {
    const started = performance.now();
    let last = started;
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        { url, method: 'POST', body, headers: { 'content-type': 'application/json' }, connections, amount },
        (err, res) => (err ? reject(err) : resolve(res)),
      );
      instance.on('response', () => (last = performance.now()));
    });
    return {
      requests: amount,
      rate: amount / ((last - started) / 1000),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      failures: result.non2xx + result.errors + result.timeouts,
    };
  },
};

/** wrk if it is installed (unless `--autocannon` is given), else autocannon with a hint on how to get wrk. */
export function pickLoadGenerator(argv: readonly string[] = process.argv): LoadGenerator {
  if (argv.includes('--autocannon')) return autocannonGenerator;
  if (hasWrk()) return wrk;
  console.warn(`${WRK_INSTALL_HINT}; using autocannon.`);
  return autocannonGenerator;
}
