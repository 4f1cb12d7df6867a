// ComfyUI's flags: defaults, argparse forms (=value, prefixes, optional values, repeats), errors with exit code 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliUsageError, parseArgs, usageError } from '../../src/cli/args.ts';

const args = (argv: string[]) => {
  const result = parseArgs(argv);
  assert.equal(result.help, false);
  return (result as Extract<typeof result, { help: false }>).args;
};
const usage = (argv: string[]) => {
  try {
    parseArgs(argv);
  } catch (err) {
    assert.ok(err instanceof CliUsageError);
    return err.message;
  }
  assert.fail(`no error for ${argv.join(' ')}`);
};

test('defaults are ComfyUI\'s', () => {
  const a = args([]);
  assert.deepEqual(a.listen, ['127.0.0.1']);
  assert.equal(a.port, 8188);
  assert.equal(a.maxUploadSizeMb, 100);
  assert.equal(a.maxUploadSizeGiven, false);
  assert.equal(a.previewMethod, 'none');
  assert.equal(a.previewSize, 512);
  assert.deepEqual(a.cache, { mode: 'classic' });
  assert.equal(a.corsOrigin, null);
  assert.equal(a.verbose, 'INFO');
  assert.equal(a.cpu, false);
  assert.deepEqual(a.extraModelPathsConfig, []);
  assert.deepEqual(a.notes, []);
});

test('bare --listen means every interface; a list is split', () => {
  assert.deepEqual(args(['--listen']).listen, ['0.0.0.0', '::']);
  assert.deepEqual(args(['--listen', '--port', '9000']).listen, ['0.0.0.0', '::']);
  assert.deepEqual(args(['--listen', '127.0.0.1,::1']).listen, ['127.0.0.1', '::1']);
  assert.deepEqual(args(['--listen=10.0.0.1']).listen, ['10.0.0.1']);
});

test('values, optional values and flags', () => {
  const user = mkdtempSync(join(tmpdir(), 'comfy-ts-user-'));
  const web = mkdtempSync(join(tmpdir(), 'comfy-ts-web-'));
  const a = args([
    '--port=9001', '--base-directory', '/b', '--output-directory', '/o', '--input-directory', '/i', '--temp-directory', '/t',
    '--user-directory', user, '--enable-cors-header', '--max-upload-size', '12.5', '--cpu', '--disable-metadata',
    '--preview-method', 'taesd', '--preview-size', '256', '--verbose', '--multi-user', '--dont-print-server',
    '--disable-all-custom-nodes', '--front-end-root', web, '--enable-compress-response-body',
  ]);
  assert.equal(a.port, 9001);
  assert.equal(a.baseDirectory, '/b');
  assert.equal(a.outputDirectory, '/o');
  assert.equal(a.inputDirectory, '/i');
  assert.equal(a.tempDirectory, '/t');
  assert.equal(a.userDirectory, user);
  assert.equal(a.corsOrigin, '*');
  assert.equal(a.maxUploadSizeMb, 12.5);
  assert.equal(a.maxUploadSizeGiven, true);
  assert.equal(a.cpu, true);
  assert.equal(a.disableMetadata, true);
  assert.equal(a.previewMethod, 'taesd');
  assert.equal(a.previewSize, 256);
  assert.equal(a.verbose, 'DEBUG');
  assert.equal(a.multiUser, true);
  assert.equal(a.dontPrintServer, true);
  assert.equal(a.disableAllCustomNodes, true);
  assert.equal(a.frontEndRoot, web);
  assert.equal(a.compressResponses, true);
  assert.equal(args(['--enable-cors-header', 'http://example.com']).corsOrigin, 'http://example.com');
  assert.equal(args(['--verbose', 'WARNING']).verbose, 'WARNING');
});

test('--extra-model-paths-config takes several files and repeats', () => {
  assert.deepEqual(args(['--extra-model-paths-config', 'a.yaml', 'b.yaml', '--extra-model-paths-config', 'c.yaml']).extraModelPathsConfig, ['a.yaml', 'b.yaml', 'c.yaml']);
});

test('cache flags', () => {
  assert.deepEqual(args(['--cache-lru', '10']).cache, { mode: 'lru', lruSize: 10 });
  assert.deepEqual(args(['--cache-none']).cache, { mode: 'none' });
  assert.deepEqual(args(['--cache-classic']).cache, { mode: 'classic' });
  assert.deepEqual(args(['--cache-ram']).cache, { mode: 'ram', ramHeadroomGb: 4 });
  assert.deepEqual(args(['--cache-ram', '2.5']).cache, { mode: 'ram', ramHeadroomGb: 2.5 });
  assert.match(usage(['--cache-ram', '--cache-none']), /argument --cache-none: not allowed with argument --cache-ram/);
  assert.match(usage(['--cache-lru', '5', '--cache-none']), /argument --cache-none: not allowed with argument --cache-lru/);
});

test('unique prefixes are accepted, ambiguous ones are not (--help counts)', () => {
  assert.equal(args(['--por', '1234']).port, 1234);
  assert.match(usage(['--fp']), /ambiguous option: --fp could match/);
  assert.match(usage(['--h']), /ambiguous option: --h could match --help, --highvram/);
  assert.equal(parseArgs(['--hel']).help, true);
});

test('--user-directory and --front-end-root must be existing folders; a relative web root is made absolute', () => {
  assert.match(usage(['--user-directory', '/no/such/dir']), /argument --user-directory: The path '\/no\/such\/dir' does not exist\./);
  const file = join(mkdtempSync(join(tmpdir(), 'comfy-ts-file-')), 'f');
  writeFileSync(file, '');
  assert.match(usage(['--front-end-root', file]), /argument --front-end-root: '.*' is not a directory\./);
  const web = mkdtempSync(join(tmpdir(), 'comfy-ts-web-'));
  assert.equal(args(['--front-end-root', relative(process.cwd(), web)]).frontEndRoot, web);
});

test('as in cli_args.py: the launch and offload pairs may both be given, the last whitelist wins, --fast checks its values', () => {
  args(['--auto-launch', '--disable-auto-launch', '--async-offload', '--disable-async-offload']);
  assert.deepEqual(args(['--whitelist-custom-nodes', 'a', 'b', '--whitelist-custom-nodes', 'c']).whitelistCustomNodes, ['c']);
  assert.deepEqual(args(['--fast', 'autotune']).values.fast, ['autotune']);
  assert.match(usage(['--fast', 'foo']), /argument --fast: invalid PerformanceFeature value: 'foo'/);
});

test('ignored flags are accepted with a note', () => {
  const a = args(['--highvram', '--fp16-vae', '--use-pytorch-cross-attention', '--fast', '--reserve-vram', '2']);
  assert.equal(a.notes.length, 5);
  assert.match(a.notes[0]!, /--highvram is accepted for compatibility and ignored/);
  assert.deepEqual(a.values.fast, ['fp16_accumulation', 'fp8_matrix_mult', 'cublas_ops', 'autotune']);
});

test('mistakes are argparse errors', () => {
  assert.match(usage(['--no-such-flag']), /unrecognized arguments: --no-such-flag/);
  assert.match(usage(['--foo', 'bar', '--port', '1', '--baz']), /unrecognized arguments: --foo bar --baz$/);
  assert.match(usage(['stray']), /unrecognized arguments: stray/);
  assert.match(usage(['--port', 'abc']), /argument --port: invalid int value: 'abc'/);
  assert.match(usage(['--port']), /argument --port: expected one argument/);
  assert.match(usage(['--preview-method', 'fancy']), /invalid choice: 'fancy' \(choose from 'none', 'auto', 'latent2rgb', 'taesd'\)/);
  assert.match(usage(['--cpu=yes']), /ignored explicit argument 'yes'/);
  assert.match(usageError(new CliUsageError('x')), /^usage: comfy-ts .*\ncomfy-ts: error: x\n$/);
});

const bin = fileURLToPath(new URL('../../bin/comfy-ts.js', import.meta.url));

test('the binary exits with code 2 on an unknown flag and 0 on --help', () => {
  const bad = spawnSync(process.execPath, [bin, '--bogus-flag'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /comfy-ts: error: unrecognized arguments: --bogus-flag/);
  const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--listen \[IP\]/);
  assert.match(help.stdout, /--max-upload-size MAX_UPLOAD_SIZE/);
});

test('--http-processes: a count of front processes, by default one per core beyond the first (at most 3)', () => {
  assert.equal(args(['--http-processes', '2']).httpProcesses, 2);
  assert.equal(args(['--http-processes', '0']).httpProcesses, 0);
  assert.equal(args([]).httpProcesses, Math.min(3, availableParallelism() - 1));
  assert.match(usage(['--http-processes', '-1']), /argument --http-processes: invalid count: -1/);
  assert.match(usage(['--http-processes', 'two']), /argument --http-processes: invalid int value: 'two'/);
});
