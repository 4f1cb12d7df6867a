// Parses the command line the way ComfyUI's argparse parser does: `--flag value` and `--flag=value`, unique
// prefixes (`--list` = `--listen`), optional values, repeatable lists, mutually exclusive groups, and on any
// mistake a usage line plus `error: …` with exit code 2.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { CacheOptions } from '../engine/cache/index.ts';
import type { LogLevel } from '../server/logger.ts';
import { OPTIONS, type OptionSpec } from './options.ts';

export const PROG = 'comfy-ts';

export class CliUsageError extends Error {
  readonly exitCode = 2;
}

export interface CliArgs {
  listen: string[];
  port: number;
  tls: { keyfile: string; certfile: string } | null;
  corsOrigin: string | null;
  maxUploadSizeMb: number;
  maxUploadSizeGiven: boolean;
  baseDirectory: string | null;
  extraModelPathsConfig: string[];
  outputDirectory: string | null;
  tempDirectory: string | null;
  inputDirectory: string | null;
  userDirectory: string | null;
  previewMethod: string;
  previewSize: number;
  cache: CacheOptions;
  cpu: boolean;
  disableMetadata: boolean;
  disableAllCustomNodes: boolean;
  whitelistCustomNodes: string[];
  disableApiNodes: boolean;
  multiUser: boolean;
  verbose: LogLevel;
  logStdout: boolean;
  frontEndRoot: string | null;
  dontPrintServer: boolean;
  quickTestForCi: boolean;
  compressResponses: boolean;
  maxQueueSize: number;
  /** HTTP front processes (server/fronts): --http-processes, or one per core beyond the first, at most 3. */
  httpProcesses: number;
  /** One line per given flag that comfy-ts accepts but ignores. */
  notes: string[];
  /** Every flag by its argparse dest (`cache_lru`), defaults included, for modules that want more. */
  values: Record<string, unknown>;
}

/** One per core beyond the first, at most 3; none on Windows, where the fronts' local sockets are not set up. */
function defaultHttpProcesses(): number {
  return process.platform === 'win32' ? 0 : Math.min(3, availableParallelism() - 1);
}

export type ParseResult = { help: true; text: string } | { help: false; args: CliArgs };

const byName = new Map(OPTIONS.map((o) => [o.name, o]));
const dest = (o: OptionSpec) => o.name.replaceAll('-', '_');
const looksLikeValue = (arg: string | undefined) => arg !== undefined && (!arg.startsWith('-') || /^-\d+(\.\d+)?$|^-\.\d+$/.test(arg));

/** The option a flag names, exactly or by a unique prefix (`help` counts, as argparse's own); null if none. */
function findOption(flag: string): OptionSpec | 'help' | null {
  const name = flag.slice(2);
  if (name === 'help') return 'help';
  const exact = byName.get(name);
  if (exact) return exact;
  if (name.length === 0) return null;
  const candidates = [...(('help'.startsWith(name)) ? ['help'] : []), ...OPTIONS.filter((o) => o.name.startsWith(name)).map((o) => o.name)];
  if (candidates.length > 1) throw new CliUsageError(`ambiguous option: ${flag} could match ${candidates.map((c) => `--${c}`).join(', ')}`);
  if (candidates.length === 0) return null;
  return candidates[0] === 'help' ? 'help' : byName.get(candidates[0]!)!;
}

/** ComfyUI's `is_valid_directory`, with its messages. */
function checkDirectory(path: string): string | null {
  if (!existsSync(path)) return `The path '${path}' does not exist.`;
  if (!statSync(path).isDirectory()) return `'${path}' is not a directory.`;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    return `You do not have read permissions for '${path}'.`;
  }
  return null;
}

function convert(option: OptionSpec, raw: string): unknown {
  const label = `argument --${option.name}`;
  let value: unknown = raw;
  if (option.type === 'int') {
    if (!/^\s*[+-]?\d+\s*$/.test(raw)) throw new CliUsageError(`${label}: invalid int value: '${raw}'`);
    value = Number(raw);
  } else if (option.type === 'float') {
    const n = Number(raw);
    if (raw.trim() === '' || Number.isNaN(n)) throw new CliUsageError(`${label}: invalid float value: '${raw}'`);
    value = n;
  } else if (option.type === 'directory') {
    const problem = checkDirectory(raw);
    if (problem) throw new CliUsageError(`${label}: ${problem}`);
  }
  if (option.choices && !option.choices.includes(raw)) {
    if (option.choiceType) throw new CliUsageError(`${label}: invalid ${option.choiceType} value: '${raw}'`);
    throw new CliUsageError(`${label}: invalid choice: '${raw}' (choose from ${option.choices.map((c) => `'${c}'`).join(', ')})`);
  }
  return value;
}

/** Reads the raw values of the given flags, in order; returns null for --help. */
function readFlags(argv: readonly string[]): Map<OptionSpec, unknown> | null {
  const given = new Map<OptionSpec, unknown>();
  const groups = new Map<string, OptionSpec>();
  const unrecognized: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return null;
    if (arg === '--') {
      unrecognized.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg.length === 2) {
      unrecognized.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const option = findOption(eq >= 0 ? arg.slice(0, eq) : arg);
    if (option === 'help') return null;
    if (option === null) {
      // argparse collects every unknown flag (and the values after it) and names them all.
      unrecognized.push(arg);
      continue;
    }
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const label = `argument --${option.name}`;
    if (option.group) {
      const other = groups.get(option.group);
      if (other && other !== option) throw new CliUsageError(`${label}: not allowed with argument --${other.name}`);
      groups.set(option.group, option);
    }
    const takeValues = (min: number, max: number): string[] => {
      if (inline !== undefined) return [inline];
      const values: string[] = [];
      while (values.length < max && looksLikeValue(argv[i + 1])) values.push(argv[++i]!);
      if (values.length < min) throw new CliUsageError(`${label}: expected ${min === 1 && max === 1 ? 'one argument' : 'at least one argument'}`);
      return values;
    };
    switch (option.arity) {
      case 'flag':
        if (inline !== undefined) throw new CliUsageError(`${label}: ignored explicit argument '${inline}'`);
        given.set(option, true);
        break;
      case 'one':
        given.set(option, convert(option, takeValues(1, 1)[0]!));
        break;
      case 'optional': {
        const [value] = takeValues(0, 1);
        given.set(option, value === undefined ? option.const : convert(option, value));
        break;
      }
      case 'many': {
        const previous = (given.get(option) as unknown[] | undefined) ?? [];
        given.set(option, [...previous, ...takeValues(1, Infinity).map((v) => convert(option, v))]);
        break;
      }
      case 'many-last':
        given.set(option, takeValues(1, Infinity).map((v) => convert(option, v)));
        break;
      case 'any': {
        const values = takeValues(0, Infinity).map((v) => convert(option, v));
        given.set(option, values.length > 0 ? values : option.const);
        break;
      }
    }
  }
  if (unrecognized.length > 0) throw new CliUsageError(`unrecognized arguments: ${unrecognized.join(' ')}`);
  return given;
}

export function parseArgs(argv: readonly string[]): ParseResult {
  const given = readFlags(argv);
  if (!given) return { help: true, text: helpText() };
  const values: Record<string, unknown> = {};
  for (const option of OPTIONS) values[dest(option)] = given.has(option) ? given.get(option) : (option.default ?? (option.arity === 'flag' ? false : null));
  const v = <T>(name: string) => values[name.replaceAll('-', '_')] as T;
  const str = (name: string) => (v<string | null>(name) ?? null);

  const frontEndRoot = str('front-end-root');
  const tlsKey = str('tls-keyfile');
  const tlsCert = str('tls-certfile');
  const lruSize = v<number>('cache-lru');
  const ramHeadroomGb = v<number>('cache-ram');
  const notes = [...given.keys()].filter((o) => o.ignored).map((o) => `--${o.name} is accepted for compatibility and ignored: ${o.ignored}.`);

  const args: CliArgs = {
    listen: v<string>('listen').split(',').map((a) => a.trim()).filter((a) => a.length > 0),
    port: v<number>('port'),
    tls: tlsKey && tlsCert ? { keyfile: tlsKey, certfile: tlsCert } : null,
    corsOrigin: str('enable-cors-header'),
    maxUploadSizeMb: v<number>('max-upload-size'),
    maxUploadSizeGiven: given.has(byName.get('max-upload-size')!),
    baseDirectory: str('base-directory'),
    extraModelPathsConfig: v<string[] | null>('extra-model-paths-config') ?? [],
    outputDirectory: str('output-directory'),
    tempDirectory: str('temp-directory'),
    inputDirectory: str('input-directory'),
    userDirectory: str('user-directory'),
    previewMethod: v<string>('preview-method'),
    previewSize: v<number>('preview-size'),
    // main.py's precedence: --cache-lru > 0, else --cache-ram > 0, else --cache-none, else classic.
    cache: lruSize > 0 ? { mode: 'lru', lruSize } : ramHeadroomGb > 0 ? { mode: 'ram', ramHeadroomGb } : v<boolean>('cache-none') ? { mode: 'none' } : { mode: 'classic' },
    cpu: v<boolean>('cpu'),
    disableMetadata: v<boolean>('disable-metadata'),
    disableAllCustomNodes: v<boolean>('disable-all-custom-nodes'),
    whitelistCustomNodes: v<string[]>('whitelist-custom-nodes'),
    disableApiNodes: v<boolean>('disable-api-nodes'),
    multiUser: v<boolean>('multi-user'),
    verbose: v<LogLevel>('verbose'),
    logStdout: v<boolean>('log-stdout'),
    frontEndRoot: frontEndRoot === null ? null : resolve(frontEndRoot),
    dontPrintServer: v<boolean>('dont-print-server'),
    quickTestForCi: v<boolean>('quick-test-for-ci'),
    compressResponses: v<boolean>('enable-compress-response-body'),
    maxQueueSize: v<number>('max-queue-size'),
    httpProcesses: v<number | null>('http-processes') ?? defaultHttpProcesses(),
    notes,
    values,
  };
  if (args.listen.length === 0) throw new CliUsageError('argument --listen: no address given');
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new CliUsageError(`argument --port: invalid port: ${args.port}`);
  if (args.httpProcesses < 0) throw new CliUsageError(`argument --http-processes: invalid count: ${args.httpProcesses}`);
  if ((tlsKey === null) !== (tlsCert === null)) notes.push('TLS needs both --tls-keyfile and --tls-certfile; serving plain http.');
  return { help: false, args };
}

function usageFor(option: OptionSpec): string {
  const meta = option.metavar ?? option.name.replaceAll('-', '_').toUpperCase();
  switch (option.arity) {
    case 'flag':
      return `--${option.name}`;
    case 'one':
      return `--${option.name} ${meta}`;
    case 'optional':
      return `--${option.name} [${meta}]`;
    case 'many':
    case 'many-last':
      return `--${option.name} ${meta} [${meta} ...]`;
    case 'any':
      return `--${option.name} [${meta} ...]`;
  }
}

export function usageLine(): string {
  return `usage: ${PROG} [-h] [--listen [IP]] [--port PORT] [--base-directory DIR] [options]`;
}

export function helpText(): string {
  const lines = [usageLine(), '', "ComfyUI's backend in TypeScript. Accepts ComfyUI's command-line flags.", '', 'options:', '  -h, --help  show this help message and exit'];
  for (const option of OPTIONS) {
    const defaultText = option.default !== undefined && option.arity !== 'flag' && !(Array.isArray(option.default) && option.default.length === 0) ? ` (default: ${String(option.default)})` : '';
    const ignored = option.ignored ? ' [ignored]' : '';
    lines.push(`  ${usageFor(option)}`, `      ${option.help}${defaultText}${ignored}`);
  }
  return lines.join('\n') + '\n';
}

/** The argparse-style failure text (usage + error line). */
export function usageError(err: CliUsageError): string {
  return `${usageLine()}\n${PROG}: error: ${err.message}\n`;
}
