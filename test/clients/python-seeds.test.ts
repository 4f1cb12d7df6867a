// The Python clients of seeds 003 and 004 (test/clients/seed00*_client.py, extracted verbatim) run against a real
// server. Only two things are replaced before running: the `server_address = "…"` line and the `prompt_text`
// workflow (an image-only one, LoadImage → ImageInvert → SaveImage, whose node ids "3" and "8" take the edits the
// scripts make). They need python3 with websocket-client and Pillow (Debian: python3-websocket python3-pil).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { invertWorkflow, startTestServer, writeTestPng, type TestServer } from '../server/helpers.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The first python3 that has both websocket-client and Pillow, or why none fits. */
function findPython(): { python: string } | { skip: string } {
  const tried: string[] = [];
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(candidate, ['-c', 'import websocket, PIL'], { encoding: 'utf8' });
    if (probe.status === 0) return { python: candidate };
    tried.push(`${candidate}: ${probe.error?.message ?? probe.stderr.trim().split('\n').at(-1)}`);
  }
  return { skip: `needs python3 with websocket-client and Pillow (apt-get install python3-websocket python3-pil); ${tried.join('; ')}` };
}

const found = findPython();
const skip = 'skip' in found ? found.skip : false;
if (skip) console.log(`# skipping the Python seed clients: ${skip}`);

/** The seed script with only the server address and the workflow replaced. */
export function adaptScript(source: string, host: string, workflow: unknown): string {
  const address = /^server_address = "[^"\n]*"$/m;
  const promptText = /^prompt_text = """[\s\S]*?"""$/m;
  assert.equal(source.match(new RegExp(address.source, 'gm'))?.length, 1, 'one server_address line');
  assert.equal(source.match(new RegExp(promptText.source, 'gm'))?.length, 1, 'one prompt_text literal');
  return source
    .replace(address, () => `server_address = "${host}"`)
    .replace(promptText, () => `prompt_text = """\n${JSON.stringify(workflow, null, 2)}\n"""`);
}

let server: TestServer;
before(async () => {
  if (skip) return;
  server = await startTestServer([], { testNodes: false });
  await writeTestPng(join(server.baseDir, 'input'), 'seed.png', 8, 4);
});
after(async () => server?.close());

/** Runs a child without blocking this process's event loop (the server under test lives in it). */
function run(command: string, args: string[], options: { cwd: string; input: string; env: NodeJS.ProcessEnv; timeoutMs: number }) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(options.input);
  });
}

async function runSeed(file: string, prefix: string): Promise<{ cwd: string; stdout: string }> {
  const python = (found as { python: string }).python;
  const script = adaptScript(readFileSync(join(here, file), 'utf8'), server.host, invertWorkflow('seed.png', prefix));
  const cwd = mkdtempSync(join(tmpdir(), 'comfy-ts-seed-'));
  writeFileSync(join(cwd, 'client.py'), script);
  // PATH holds only python3, so Pillow's image.show() finds no viewer to launch; stdin answers input("").
  const bin = join(cwd, 'bin');
  mkdirSync(bin);
  const pythonPath = spawnSync(python, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
  symlinkSync(pythonPath, join(bin, 'python3'));
  const result = await run(join(bin, 'python3'), ['client.py'], { cwd, input: '\n\n\n\n', env: { PATH: bin, HOME: cwd, DISPLAY: '' }, timeoutMs: 60_000 });
  assert.equal(result.status, 0, `${file} failed:\n${result.stdout}\n${result.stderr}`);
  return { cwd, stdout: result.stdout };
}

async function assertInverted(png: Buffer): Promise<void> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [8, 4]);
  // The first pixel (0, 64, 200) inverted, within one step of 8-bit rounding.
  const expected = [255, 191, 55];
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(data[c]! - expected[c]!) <= 1, `channel ${c}: ${data[c]} ≈ ${expected[c]}`);
}

test('seed 003 client: queue, wait on the WebSocket, read history, download the image', { skip }, async () => {
  const { cwd } = await runSeed('seed003_client.py', 'seed003');
  try {
    const saved = join(cwd, 'output_9_0.png');
    assert.ok(existsSync(saved), `the script saved ${saved}`);
    await assertInverted(readFileSync(saved));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('seed 004 client: same flow, showing the image', { skip }, async () => {
  const { cwd } = await runSeed('seed004_client.py', 'seed004');
  try {
    const outputs = readdirSync(join(server.baseDir, 'output')).filter((f) => f.startsWith('seed004_'));
    assert.equal(outputs.length, 1);
    await assertInverted(readFileSync(join(server.baseDir, 'output', outputs[0]!)));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
