// The entry point and the terminal: start-up lines with the URL, --quick-test-for-ci, a clean stop on SIGINT,
// progress bars (TTY and plain), the failing node and `Prompt executed in N.NN seconds`.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Terminal, formatProgressBar } from '../../src/server/terminal.ts';
import { http, sleepWorkflow, startTestServer } from './helpers.ts';

const bin = fileURLToPath(new URL('../../bin/comfy-ts.js', import.meta.url));

test('--quick-test-for-ci starts, prints the start-up lines and exits 0', () => {
  const base = mkdtempSync(join(tmpdir(), 'comfy-ts-start-'));
  // A TypeScript custom node outside any "type": "module" package loads too.
  mkdirSync(join(base, 'custom_nodes', 'plain_ts'), { recursive: true });
  writeFileSync(
    join(base, 'custom_nodes', 'plain_ts', 'index.ts'),
    "export const nodes = [{ name: 'PlainTs', schemaFormat: 'v1', pythonModule: 'custom_nodes.plain_ts', category: 't', inputs: { required: {} }, outputs: [], execute() { return []; } }];\n",
  );
  try {
    const run = spawnSync(process.execPath, [bin, '--quick-test-for-ci', '--port', '0', '--base-directory', base, '--highvram'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const out = run.stdout + run.stderr;
    assert.match(out, /To see the GUI go to: http:\/\/127\.0\.0\.1:\d+/);
    assert.match(out, /Starting server/);
    assert.match(out, /--highvram is accepted for compatibility and ignored/);
    assert.match(out, /ONNX Runtime version: /);
    assert.match(out, /\d+\.\d seconds: \S*plain_ts\n/);
    assert.doesNotMatch(out, /IMPORT FAILED/);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('the binary serves on the printed URL and stops on SIGINT', async () => {
  const base = mkdtempSync(join(tmpdir(), 'comfy-ts-start-'));
  const child = spawn(process.execPath, [bin, '--port', '0', '--base-directory', base, '--log-stdout'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 120_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /To see the GUI go to: (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const stats = await fetch(`${url}/system_stats`);
    assert.equal(stats.status, 200);
    const logs = (await (await fetch(`${url}/internal/logs`)).json()) as string;
    assert.match(logs, /To see the GUI go to/, 'start-up output is in the log buffer');
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exit, 0);
  } finally {
    child.kill('SIGKILL');
    rmSync(base, { recursive: true, force: true });
  }
});

test('a port in use is a clear error', async () => {
  const server = await startTestServer([], { testNodes: false });
  try {
    const run = spawnSync(process.execPath, [bin, '--port', String(server.port), '--base-directory', server.baseDir], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /address already in use/);
  } finally {
    await server.close();
  }
});

test('formatProgressBar looks like tqdm', () => {
  assert.equal(formatProgressBar(4, 10, 2), ' 40%|████████████                  | 4/10 [00:02<00:03,   2.00it/s]');
  assert.equal(formatProgressBar(10, 10, 1), '100%|██████████████████████████████| 10/10 [00:01<00:00,  10.00it/s]');
});

test('the terminal prints bars, the failing node and the time of each prompt', async () => {
  let plain = '';
  let tty = '';
  const server = await startTestServer([], { terminal: new Terminal({ write: (t) => (plain += t), tty: false }) });
  const ttyServer = await startTestServer([], { terminal: new Terminal({ write: (t) => (tty += t), tty: true }) });
  try {
    for (const s of [server, ttyServer]) {
      const ok = (await http(s, 'POST', '/prompt', { body: { prompt: sleepWorkflow(1, 100, 20) } })).json().prompt_id;
      await s.engine.waitFor(ok);
      const bad = (await http(s, 'POST', '/prompt', { body: { prompt: { '1': { class_type: 'TestFail', inputs: { value: 1 } }, '2': { class_type: 'TestShow', inputs: { value: ['1', 0] } } } } })).json().prompt_id;
      await s.engine.waitFor(bad);
    }
    assert.match(plain, /Prompt executed in \d+\.\d\d seconds\n/);
    assert.match(plain, /Failed node: TestFail \(id 1\)/);
    const plainBars = plain.split('\n').filter((l) => l.includes('it/s') || l.includes('s/it'));
    assert.ok(plainBars.length >= 10 && plainBars.length <= 12, `one line per 10%: ${plainBars.length}`);
    assert.match(plain, /100%\|█+\| 20\/20/);
    assert.ok(!plain.includes('\r'));
    assert.ok(tty.split('\r').length > 15, 'the TTY bar redraws in place');
    assert.match(tty, /Prompt executed in/);
  } finally {
    await server.close();
    await ttyServer.close();
  }
});
